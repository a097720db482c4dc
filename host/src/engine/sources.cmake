# The engine (ecid/engine.hpp): one document through its adapter, the registers and eID, and the
# report of its findings (ecid/report.hpp).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/engine/engine.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/engine/report.cpp
)
