# Identity numbers: personal ID and provinces (ecid/personal_id.hpp), vehicle plates
# (ecid/plate.hpp). The personal ID and the provinces are in ecid_adapter_core (host/CMakeLists.txt).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/identity/plate.cpp
)
