# The policy gate, one for the engine and the collation: may this adapter ask this query, for this
# purpose, with these fields disclosed (docs/contract.md).
target_sources(ecid_host PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/src/policy/gate.cpp
)
