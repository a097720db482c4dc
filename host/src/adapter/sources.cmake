# The adapter side of the host: loading (ecid/loader.hpp) and manifests (ecid/manifest.hpp),
# validation of what adapters hand back, the one driver, and the host's answers to their queries
# (docs/contract.md). The validation, the driver and the service calls are in ecid_adapter_core
# (host/CMakeLists.txt), which the test harness shares.
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/adapter/loader.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/adapter/manifest.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/adapter/host_services.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/adapter/host_answerer.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/adapter/policy_gate.cpp
)
