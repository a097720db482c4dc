# Text normalisation (ecid/text.hpp, docs/text-normalisation.md): letter tables, legacy
# encodings (TCVN3, VNI). Dates (ecid/date.hpp, date.cpp) are in ecid_adapter_core
# (host/CMakeLists.txt).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/text/text.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/text/vietnamese_letters.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/text/legacy_encodings.cpp)
