# The configuration file (ecid/config.hpp, docs/security.md) and the YAML checks it shares with
# the manifests. config.cpp's build-tree defaults are set in host/CMakeLists.txt.
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/config/config.cpp
)
