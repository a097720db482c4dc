# http_bench reads IDs straight from the register file and drives raw libcurl for the ceiling.
target_link_libraries(http_bench PRIVATE SQLite::SQLite3 CURL::libcurl)
