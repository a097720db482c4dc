# Tamper-evident audit store (docs/audit.md).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/audit/audit_store.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/audit/audit_log.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/audit/audit_verify.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/audit/audit_query.cpp
)
