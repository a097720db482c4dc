# ecid_add_adapter(NAME SOURCES src... MANIFEST file.yaml [LINK libs...])
# Builds an adapter the way the contract wants it: a MODULE library with hidden visibility,
# only the entry symbol exported (version script), no undefined symbols (-z defs), and the
# manifest copied beside the .so so the host can read it before loading any code.
# Works in the ecid tree and from an installed SDK (find_package(ecid)). Adapters built into the
# default folder are also installed, with their manifest, into lib/ecid/adapters; test probes
# that name an OUTPUT_DIR are not.
function(ecid_add_adapter name)
  cmake_parse_arguments(A "" "MANIFEST;OUTPUT_DIR" "SOURCES;LINK" ${ARGN})
  if(NOT A_MANIFEST)
    message(FATAL_ERROR "ecid_add_adapter(${name}): MANIFEST is required")
  endif()
  set(install_adapter OFF)
  if(NOT A_OUTPUT_DIR)
    set(A_OUTPUT_DIR ${CMAKE_BINARY_DIR}/adapters)
    set(install_adapter ON)
  endif()
  add_library(${name} MODULE ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ecid::contract ${A_LINK})
  set_target_properties(${name} PROPERTIES
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${A_OUTPUT_DIR})
  set(script ${CMAKE_CURRENT_BINARY_DIR}/${name}.exports.map)
  file(WRITE ${script} "{ global: ecid_adapter_entry_v1; local: *; };\n")
  target_link_options(${name} PRIVATE "LINKER:-z,defs" "LINKER:--version-script=${script}")
  if(COMMAND ecid_warnings)
    ecid_warnings(${name})
  endif()
  get_filename_component(manifest_abs ${A_MANIFEST} ABSOLUTE)
  get_filename_component(manifest_name ${A_MANIFEST} NAME)
  # Its own rule, not a post-build step of the library: editing only the manifest must refresh
  # the copy the host reads.
  set(manifest_copy ${A_OUTPUT_DIR}/${manifest_name})
  add_custom_command(OUTPUT ${manifest_copy}
    COMMAND ${CMAKE_COMMAND} -E copy ${manifest_abs} ${manifest_copy}
    DEPENDS ${manifest_abs}
    VERBATIM)
  add_custom_target(${name}_manifest DEPENDS ${manifest_copy})
  add_dependencies(${name} ${name}_manifest)
  if(install_adapter)
    # OPTIONAL: installing a build in which only some targets were built still works.
    install(TARGETS ${name} LIBRARY DESTINATION lib/ecid/adapters OPTIONAL)
    install(FILES ${manifest_abs} DESTINATION lib/ecid/adapters)
  endif()
endfunction()
