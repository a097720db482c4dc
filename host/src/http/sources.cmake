# Remote register over HTTP (libcurl), its wire protocol and the mock register server
# (docs/register-protocol.md).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/http/json.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/http/protocol.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/http/http_register.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/http/mock_server.cpp
)
# Debian ships cpp-httplib compiled (libcpp-httplib.so, built with OpenSSL, zlib and brotli):
# users of its header must see the same feature macros as the library (cpp-httplib.pc), or
# Request/Response differ in layout.
find_library(ECID_CPP_HTTPLIB NAMES cpp-httplib REQUIRED)
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/http/mock_server.cpp PROPERTIES
  COMPILE_DEFINITIONS "CPPHTTPLIB_OPENSSL_SUPPORT;CPPHTTPLIB_ZLIB_SUPPORT;CPPHTTPLIB_BROTLI_SUPPORT")
target_link_libraries(ecid_host PRIVATE ${ECID_CPP_HTTPLIB} OpenSSL::SSL)
