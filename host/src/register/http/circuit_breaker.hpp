// The register client's circuit breaker: after `failures` failed requests in a row it fails fast
// for a cool-down, then lets one probe through; an answer closes it again. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace ecid::http {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Gate { Allow, Probe, Deny };
  CircuitBreaker(int failures, int cooldown_ms) : threshold_(failures), cooldown_(cooldown_ms) {}

  // Whether a request may leave now; Probe: the one request that tests a register after its
  // cool-down (report its end with success(), failure() or abandon_probe()).
  Gate admit(Clock::time_point now);
  // Open, or half-open with its probe under way: a caller should not even start.
  bool open_now(Clock::time_point now);
  void success();
  void failure(Clock::time_point now);
  // A probe that ended without an answer either way (deadline): let the next caller probe.
  void abandon_probe();
  // Why a request was not sent, for its detail.
  std::string deny_detail() const;

 private:
  enum class State { Closed, Open, HalfOpen };
  std::mutex mutex_;
  const int threshold_;
  const std::chrono::milliseconds cooldown_;
  State state_ = State::Closed;
  int failures_ = 0;
  bool probe_in_flight_ = false;
  Clock::time_point open_until_{};
};

}  // namespace ecid::http
