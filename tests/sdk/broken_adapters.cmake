# The conformance kit must FAIL adapters built wrong on purpose, each for the right reason, and
# never die itself. Run by CTest: cmake -DECID= -DWORK= -DADAPTERS=<test-adapters> -DPROBE=<probe src> -P
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${WORK})

# kit(<case> <library file> <manifest text or "">) → exit code in kit_rc, output in kit_out.
function(kit case library manifest)
  set(dir ${WORK}/${case})
  file(MAKE_DIRECTORY ${dir})
  file(COPY_FILE ${ADAPTERS}/${library} ${dir}/libraw.so)
  if(manifest)
    file(WRITE ${dir}/raw.manifest.yaml "${manifest}")
  endif()
  execute_process(COMMAND ${ECID} adapters check ${dir}/libraw.so ${ARGN} --report ${dir}/report.json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "--- ${case}: exit ${rc}\n${out}${err}")
  set(kit_rc ${rc} PARENT_SCOPE)
  set(kit_out "${out}" PARENT_SCOPE)
  if(NOT EXISTS ${dir}/report.json)
    message(FATAL_ERROR "${case}: no JSON report written")
  endif()
endfunction()
function(expect case pattern)
  if(NOT kit_rc EQUAL 1)
    message(FATAL_ERROR "${case}: the kit exited ${kit_rc}, expected 1 (some check failed)")
  endif()
  if(NOT kit_out MATCHES "${pattern}")
    message(FATAL_ERROR "${case}: expected a line matching '${pattern}'")
  endif()
  if(kit_out MATCHES "[^1-9]0 failed")
    message(FATAL_ERROR "${case}: summary claims nothing failed")
  endif()
endfunction()

set(manifest "name: raw\nversion: 1.0.0\nabi: \"1.0\"\nlibrary: libraw.so\ndocument_types:\n  - root: Raw\n    namespace: urn:ecid:test:raw\n")

# Exports ecid_adapter_entry_v2 only: the symbol and ABI checks fail, naming what it exports.
kit(v2 libraw_v2.so "${manifest}")
expect(v2 "FAIL symbols: exports exactly the entry symbol ecid_adapter_entry_v1 — exports [0-9]+ symbol\\(s\\):[^\n]*ecid_adapter_entry_v2")
expect(v2 "FAIL manifest: production loader accepts it[^\n]*missing entry symbol ecid_adapter_entry_v1")

# Descriptor says "someone_else", manifest says "raw": the production loader refuses it.
kit(renamed libraw_renamed.so "${manifest}")
expect(renamed "FAIL manifest: production loader accepts it \\(manifest and descriptor agree\\) — manifest/descriptor disagree on name: manifest 'raw', library 'someone_else'")

# Well-formed C adapter that accepts any bytes and always says VERIFIED: loads, but is not conformant.
kit(accepts_anything libraw.so "${manifest}")
expect(accepts_anything "PASS manifest: production loader accepts it")
expect(accepts_anything "FAIL invalid-documents: invalid document: empty document")

# No manifest beside the library: reported as a failed check, not a kit error.
kit(no_manifest libraw.so "")
expect(no_manifest "FAIL manifest: manifest found beside the library")
