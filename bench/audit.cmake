# The plain-insert baselines talk to SQLite and OpenSSL directly.
target_link_libraries(audit_bench PRIVATE SQLite::SQLite3 OpenSSL::Crypto)
