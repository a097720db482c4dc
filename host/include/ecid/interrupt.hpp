// SIGINT and SIGTERM as a request to stop cleanly: commands that query the register check
// requested() between documents or chunks, stop taking new work, commit the audit rows of every
// answered query and the results already released, and exit with exit_code().
#pragma once

namespace ecid::interrupt {

// Installs the handlers (idempotent). The first SIGINT or SIGTERM only records itself; the
// handlers then give way to the default action, so a second signal ends the process at once.
void install();

// The first signal received since install(), or 0.
int requested();

// "SIGINT" or "SIGTERM" (else "a signal"), for messages.
const char* name(int signal);

// 128 + the signal (130 for SIGINT, 143 for SIGTERM), the shell's convention for a process
// ended by a signal.
inline int exit_code(int signal) { return 128 + signal; }

}  // namespace ecid::interrupt
