# seed_bench measures a raw SQLite ceiling next to the backend, so it calls SQLite itself.
target_link_libraries(seed_bench PRIVATE ecid::seed SQLite::SQLite3)
