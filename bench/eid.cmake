target_link_libraries(eid_bench PRIVATE OpenSSL::Crypto)
