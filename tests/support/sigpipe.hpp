// Tests that serve the mock register in-process ignore SIGPIPE, as ecid-mock-register's main
// does: the library leaves signal dispositions to its owner, and a client hanging up (or an
// injected reset) would otherwise kill the test. Children started afterwards inherit it.
#pragma once

#include <csignal>

namespace ecid::testing {

inline void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

}  // namespace ecid::testing
