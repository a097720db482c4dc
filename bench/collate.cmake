# collate_bench reads the register with SQLite, and runs the ecid binary and the adapter it builds.
target_link_libraries(collate_bench PRIVATE ecid::seed SQLite::SQLite3)
add_dependencies(collate_bench ecid ecid_social_insurance)
target_compile_definitions(collate_bench PRIVATE
  ECID_CLI="$<TARGET_FILE:ecid>"
  ECID_ADAPTER_DIR="${PROJECT_BINARY_DIR}/adapters")
