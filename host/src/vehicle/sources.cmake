# Vehicle and organisation registers (issue 6): plate rules and the embedded backend's answers.
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/vehicle/plate.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/vehicle/embedded_registers.cpp
)
