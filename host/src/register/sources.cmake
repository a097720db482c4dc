# The embedded register's schema helpers (docs/register.md).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/name_key.cpp)
