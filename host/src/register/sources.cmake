# Registers (ecid/register.hpp, docs/register.md): the embedded SQLite backend, its vehicle and
# organisation registers (issue 6), the name-search key (ecid/register_schema.hpp), opening the
# configured backend, claim checks against a record (ecid/matching.hpp), and the HTTP client in
# http/ (its own sources.cmake).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/embedded.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/vehicle_organisation.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/name_key.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/open_register.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/matching.cpp
)
include(${CMAKE_CURRENT_SOURCE_DIR}/src/register/http/sources.cmake)
