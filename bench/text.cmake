# The text benchmark draws names from the same fixture as the text tests.
target_link_libraries(text_bench PRIVATE ecid::testdata)
