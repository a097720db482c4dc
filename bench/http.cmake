# http_bench seeds a register and serves it with the mock register; it reads IDs straight from the
# register file and drives raw libcurl for the ceiling.
target_link_libraries(http_bench PRIVATE ecid::seed ecid::mock_register SQLite::SQLite3 CURL::libcurl)
