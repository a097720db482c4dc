# Collation of large batches (ecid collate): docs/collation.md.
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/collate/batch_index.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/collate/chunk.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/collate/collation.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/collate/files.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/collate/input.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/collate/prefetch.cpp)
