# The template adapter, built OUT OF TREE against the INSTALLED SDK, then loaded and run by the
# installed ecid. Run by CTest as: cmake -DBUILD=<ecid build> -DTEMPLATE=<template> -DWORK=<tmp> -P this
# The template is first copied away from the source tree, so nothing can reach back into it.
cmake_minimum_required(VERSION 3.25)
foreach(v BUILD TEMPLATE WORK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "out_of_tree.cmake: -D${v}= is required")
  endif()
endforeach()

string(TIMESTAMP started "%s")
set(step_started ${started})
# Runs one step; fails the test with its output unless the exit code is `expect`.
function(step name expect)
  string(TIMESTAMP t0 "%s")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(TIMESTAMP t1 "%s")
  math(EXPR secs "${t1} - ${t0}")
  if(NOT "${rc}" STREQUAL "${expect}")
    message(FATAL_ERROR "step '${name}' exited ${rc}, expected ${expect}\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  message(STATUS "[${secs} s] ${name}")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()
function(expect_in text what)
  string(FIND "${text}" "${what}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "expected '${what}' in:\n${text}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(prefix ${WORK}/prefix)
file(COPY ${TEMPLATE}/ DESTINATION ${WORK}/src)

step("install the SDK into a temporary prefix" 0 ${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
foreach(f include/ecid/contract.h include/ecid/adapter.hpp include/ecid/sdk_text.hpp include/ecid/sdk_xml.hpp
          include/ecid/sdk_document.hpp include/ecid/sdk_answers.hpp include/ecid/sdk_person.hpp
          include/ecid/testing/adapter_harness.hpp lib/libecid_adapter_testing.a
          lib/cmake/ecid/ecidConfig.cmake
          lib/cmake/ecid/ecidConfigVersion.cmake lib/cmake/ecid/EcidAdapter.cmake lib/pkgconfig/ecid-adapter.pc lib/pkgconfig/ecid-adapter-testing.pc
          share/ecid/ecid-adapter.map bin/ecid)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "the install lacks ${f}")
  endif()
endforeach()

# Non-CMake builds find the harness through pkg-config, at the prefix the files were installed to.
find_program(PKG_CONFIG pkg-config REQUIRED)
set(ENV{PKG_CONFIG_PATH} ${prefix}/lib/pkgconfig)
step("pkg-config finds the test harness" 0 ${PKG_CONFIG} --libs ecid-adapter-testing)
expect_in("${step_output}" "-lecid_adapter_testing -ldl")
string(REGEX MATCH "-L([^ \n]+)" libdir_flag "${step_output}")
if(NOT EXISTS "${CMAKE_MATCH_1}/libecid_adapter_testing.a")
  message(FATAL_ERROR "pkg-config's -L (${CMAKE_MATCH_1}) does not hold libecid_adapter_testing.a")
endif()

# No package registry, no source tree: only the temporary prefix may provide ecid.
step("configure the template" 0 ${CMAKE_COMMAND} -S ${WORK}/src -B ${WORK}/tb -DCMAKE_BUILD_TYPE=Release
     -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
file(READ ${WORK}/tb/CMakeCache.txt cache)
expect_in("${cache}" "ecid_DIR:PATH=${prefix}/lib/cmake/ecid")
step("build the template" 0 ${CMAKE_COMMAND} --build ${WORK}/tb -j2)
step("the template's own tests" 0 ${CMAKE_COMMAND} -E env GTEST_COLOR=no ctest --test-dir ${WORK}/tb --output-on-failure)

# Editing only the manifest refreshes the copy beside the library (the host reads that copy).
file(READ ${WORK}/src/permit.manifest.yaml manifest)
file(WRITE ${WORK}/src/permit.manifest.yaml "${manifest}# edited after the first build\n")
step("rebuild after editing only the manifest" 0 ${CMAKE_COMMAND} --build ${WORK}/tb -j2)
file(READ ${WORK}/tb/adapters/permit.manifest.yaml copied)
expect_in("${copied}" "# edited after the first build")

# The built library exports only the entry symbol (checked again, more fully, by the kit).
set(lib ${WORK}/tb/adapters/libecid_permit.so)
if(NOT EXISTS ${WORK}/tb/adapters/permit.manifest.yaml)
  message(FATAL_ERROR "ecid_add_adapter did not copy the manifest beside the library")
endif()

set(ecid ${prefix}/bin/ecid)
file(WRITE ${WORK}/ecid.yaml "adapters:
  directories: [tb/adapters]
register:
  backend: embedded
  path: r.db
audit:
  path: audit/audit.db
  key_file: keys/audit.key
policy:
  permit:
    template.permit:
      legal_basis: \"out-of-tree test\"
      fields: [full_name, birth_date, personal_id, current_residence]
")
step("seed a small register" 0 ${ecid} --quiet register seed --people 200 --out ${WORK}/r.db)
step("the installed ecid loads the adapter" 0 ${ecid} --config ${WORK}/ecid.yaml adapters list)
expect_in("${step_output}" "permit 1.0.0")
expect_in("${step_output}" "handles PermitApplication {urn:ecid:template:permit:1}")
step("a verified sample" 0 ${ecid} --config ${WORK}/ecid.yaml check --format json ${WORK}/src/samples/verified.xml)
expect_in("${step_output}" "\"adapter\": \"permit\"")
expect_in("${step_output}" "VERIFIED")
step("a mismatching sample needs attention" 1 ${ecid} --config ${WORK}/ecid.yaml check --format json ${WORK}/src/samples/mismatch.xml)
expect_in("${step_output}" "MISMATCH")
if(EXISTS ${WORK}/src/conformance)
  step("the conformance kit passes the template" 0 ${ecid} adapters check ${lib} --corpus ${WORK}/src/conformance)
  expect_in("${step_output}" " 0 failed")
endif()

string(TIMESTAMP finished "%s")
math(EXPR total "${finished} - ${started}")
message(STATUS "out-of-tree path: ${total} s from install to a checked document")
