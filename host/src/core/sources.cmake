# Small shared pieces with no concept of their own: the log, safe file writes, the interrupt
# flag, the SHA-256 digest.
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/core/log.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/core/safe_files.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/core/interrupt.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/core/digest.cpp
)
