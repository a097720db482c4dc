# Electronic identity: ID-token verifier and mock issuer (docs/eid.md).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/eid/base64url.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/eid/jose.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/eid/key_source.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/eid/verifier.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/eid/issuer.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/eid/replay_cache.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/eid/identity_service.cpp
)
