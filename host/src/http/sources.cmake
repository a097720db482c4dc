# Remote register over HTTP (libcurl) and its wire protocol (docs/register-protocol.md). The mock
# register server that speaks it is a library of its own (host/mock).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/http/json.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/http/protocol.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/http/http_register.cpp
)
