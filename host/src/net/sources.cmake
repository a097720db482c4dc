# The network rules every libcurl handle of ecid follows: which URLs may be fetched and how
# proxies are used (register client, token endpoint, JWKS).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/net/transport.cpp
)
