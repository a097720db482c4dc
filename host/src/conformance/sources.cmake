# The adapter conformance kit (`ecid adapters check`): docs/writing-an-adapter.md.
target_sources(ecid_host PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src/conformance/kit.cpp)
