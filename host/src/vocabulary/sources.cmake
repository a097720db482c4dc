# The contract's vocabulary on the host side: field names (ecid/fields.hpp) and finding codes
# (ecid/findings.hpp). Both files are in ecid_adapter_core (host/CMakeLists.txt), which the test
# harness shares, so nothing is added to ecid_host here.
