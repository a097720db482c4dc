target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/text/vietnamese_letters.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/text/legacy_encodings.cpp)
