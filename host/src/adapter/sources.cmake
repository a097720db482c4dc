# The adapter side of the host: validation of what adapters hand back, the one driver, and the
# host's answers to their queries (docs/contract.md).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/adapter/validation.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/adapter/driver.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/adapter/host_answerer.cpp
)
