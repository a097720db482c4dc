# Remote register over HTTP (libcurl) and its wire protocol (docs/register-protocol.md): the
# backend, its endpoints, its circuit breaker, its OAuth2 token source and what their exchanges
# share. The mock register server that speaks the protocol is a library of its own (host/mock).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/http/json.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/http/protocol.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/http/http_register.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/http/endpoints.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/http/circuit_breaker.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/http/token_source.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/register/http/exchange.cpp
)
