#include <ecid/interrupt.hpp>

#include <atomic>
#include <csignal>

namespace ecid::interrupt {
namespace {

std::atomic<int> received{0};
static_assert(std::atomic<int>::is_always_lock_free, "read and written from a signal handler");

constexpr int kSignals[] = {SIGINT, SIGTERM};

void set_action(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // the work in progress finishes; system calls must not fail for this
  for (int s : kSignals) sigaction(s, &sa, nullptr);
}

void on_signal(int signal) {
  int none = 0;
  if (received.compare_exchange_strong(none, signal)) {
    set_action(SIG_DFL);  // sigaction is async-signal-safe: the next signal kills at once
    return;
  }
  // A second signal raced with the first one's handler: do what the default would.
  set_action(SIG_DFL);
  std::raise(signal);
}

}  // namespace

void install() { set_action(&on_signal); }

int requested() { return received.load(); }

const char* name(int signal) {
  switch (signal) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    default: return "a signal";
  }
}

}  // namespace ecid::interrupt
