# The plain-insert baseline talks to SQLite directly.
target_link_libraries(audit_bench PRIVATE SQLite::SQLite3)
