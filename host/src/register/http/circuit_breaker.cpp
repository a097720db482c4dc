// The register client's circuit breaker (circuit_breaker.hpp).
#include "circuit_breaker.hpp"

#include <ecid/log.hpp>

namespace ecid::http {

CircuitBreaker::Gate CircuitBreaker::admit(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case State::Closed: return Gate::Allow;
    case State::Open:
      if (now < open_until_) return Gate::Deny;
      state_ = State::HalfOpen;
      probe_in_flight_ = true;
      return Gate::Probe;
    case State::HalfOpen:
      if (probe_in_flight_) return Gate::Deny;
      probe_in_flight_ = true;
      return Gate::Probe;
  }
  return Gate::Deny;
}

bool CircuitBreaker::open_now(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return (state_ == State::Open && now < open_until_) || (state_ == State::HalfOpen && probe_in_flight_);
}

void CircuitBreaker::success() {
  std::lock_guard lock(mutex_);
  if (state_ != State::Closed) log::info("population register answered again: circuit closed");
  state_ = State::Closed;
  failures_ = 0;
  probe_in_flight_ = false;
}

void CircuitBreaker::failure(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ++failures_;
  // Open past its cool-down (a caller went ahead without a probe, e.g. to fetch a token) and
  // failed again: open for another cool-down, as after a failed probe.
  if (state_ != State::Closed || failures_ >= threshold_) {
    if (state_ == State::Closed)
      log::warn("population register failed " + std::to_string(failures_) +
                " times in a row: circuit open, failing fast for " + std::to_string(cooldown_.count()) + " ms");
    state_ = State::Open;
    open_until_ = now + cooldown_;
    probe_in_flight_ = false;
  }
}

void CircuitBreaker::abandon_probe() {
  std::lock_guard lock(mutex_);
  probe_in_flight_ = false;
}

std::string CircuitBreaker::deny_detail() const {
  return "circuit breaker open: the register failed " + std::to_string(threshold_) +
         " or more times in a row; no request sent (retry after the " + std::to_string(cooldown_.count()) +
         " ms cool-down)";
}

}  // namespace ecid::http
