# `ecid adapters check --update`: after an intended change, the kit rewrites the goldens that
# differ and shows each change. Run as: cmake -DECID= -DLIB= -DCORPUS= -DWORK= -P this
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE ${WORK})
file(COPY ${CORPUS}/ DESTINATION ${WORK})
file(GLOB goldens ${WORK}/*.expected.json)
list(LENGTH goldens n)
if(n EQUAL 0)
  message(FATAL_ERROR "no goldens in ${CORPUS}")
endif()
list(GET goldens 0 golden)
file(READ ${golden} original)
# A stale golden, as after a change to the adapter: every one of its queries forgotten.
file(WRITE ${golden} "{\n \"open\": \"ok\",\n \"queries\": []\n}\n")

function(kit expect)
  execute_process(COMMAND ${ECID} adapters check ${LIB} --corpus ${WORK} ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expect)
    message(FATAL_ERROR "kit ${ARGN} exited ${rc}, expected ${expect}\n${out}\n${err}")
  endif()
  set(kit_output "${out}" PARENT_SCOPE)
endfunction()

kit(1)  # the stale golden fails
kit(0 --update)
string(FIND "${kit_output}" "golden updated" at)
if(at EQUAL -1)
  message(FATAL_ERROR "--update did not say what it rewrote:\n${kit_output}")
endif()
file(READ ${golden} rewritten)
if(NOT rewritten STREQUAL original)
  message(FATAL_ERROR "--update wrote\n${rewritten}\ninstead of the adapter's real golden\n${original}")
endif()
kit(0)  # and the corpus passes again, unchanged by a second --update
kit(0 --update)
string(FIND "${kit_output}" "golden updated" at)
if(NOT at EQUAL -1)
  message(FATAL_ERROR "--update rewrote a golden that was right:\n${kit_output}")
endif()
