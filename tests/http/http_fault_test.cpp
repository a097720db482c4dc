// The HTTP backend under faults injected by the mock register: no query is lost or answered
// wrongly, retries stay within their bound, the circuit breaker opens and closes, and tokens
// are cached, refreshed and renewed after a 401.
#include "http_test_support.hpp"

#include "../support/sigpipe.hpp"

#include <ecid/config.hpp>
#include <ecid/log.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace ecid::testing {
namespace {

using Clock = std::chrono::steady_clock;

long long ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// Every log line written during the test, to prove no ID, name, token or secret leaks.
class LogCapture {
 public:
  LogCapture() : level_(log::level()) {
    log::set_level(log::Level::Info);
    log::set_sink([this](log::Level, std::string_view line) {
      std::lock_guard lock(mutex_);
      text_ += line;
      text_ += '\n';
    });
  }
  ~LogCapture() {
    log::set_sink(nullptr);
    log::set_level(level_);
  }
  std::string text() {
    std::lock_guard lock(mutex_);
    return text_;
  }

 private:
  log::Level level_;
  std::mutex mutex_;
  std::string text_;
};

class HttpFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = start_mock();
    expected_source_ = open_embedded_register(register_path());
  }
  // A mix of found, not-found and invalid queries with the embedded register's answers.
  void make_queries(size_t n, uint64_t seed) {
    requests_.clear();
    std::vector<std::string> present = existing_ids(n, seed);
    std::vector<std::string> made_up = random_ids(n, seed + 1);
    for (size_t i = 0; i < n; ++i) {
      if (i % 5 == 3) requests_.push_back(by_id(made_up[i]));
      else if (i % 17 == 5) requests_.push_back(by_id(made_up[i].substr(1)));
      else requests_.push_back(by_id(present[i]));
    }
    expected_ = run(*expected_source_, requests_);
  }
  // Each result is the embedded register's answer, or UNAVAILABLE / BAD_ANSWER with a reason.
  // Returns how many were correct answers.
  size_t check_correct_or_unavailable(const std::vector<LookupResult>& got) {
    size_t correct = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      const LookupResult& r = got[i];
      if (r.status == ECID_ANSWER_UNAVAILABLE || r.status == ECID_ANSWER_BAD_ANSWER) {
        EXPECT_FALSE(r.detail.empty()) << "query " << i;
        EXPECT_TRUE(r.records.empty());
        continue;
      }
      std::string why;
      EXPECT_TRUE(same_result(expected_[i], r, &why)) << "query " << i << ": " << why;
      ++correct;
    }
    return correct;
  }
  std::unique_ptr<RegisterBackend> backend(HttpRegisterConfig c) { return open_http_register(c); }

  std::unique_ptr<MockRegisterServer> server_;
  std::unique_ptr<RegisterBackend> expected_source_;
  std::vector<LookupRequest> requests_;
  std::vector<LookupResult> expected_;
};

HttpRegisterConfig no_breaker(HttpRegisterConfig c) {
  c.breaker_failures = 1000;  // these tests count retries; the breaker has its own tests
  return c;
}

TEST_F(HttpFaults, ServerErrorsAreRetriedWithinTheBound) {
  LogCapture logs;
  HttpRegisterConfig c = no_breaker(http_config(*server_));
  c.batch_size = 1;
  c.max_retries = 2;
  auto http = backend(c);
  make_queries(300, 1);
  server_->set_faults({.error_rate = 0.3});
  server_->reset_counters();
  auto got = run(*http, requests_);
  size_t correct = check_correct_or_unavailable(got);
  MockCounters k = server_->counters();
  EXPECT_LE(k.register_requests, 300u * 3) << "retries beyond max_retries";
  EXPECT_GT(k.register_requests, 300u) << "no retry happened";
  EXPECT_GT(k.injected_errors, 0u);
  // P(three 503 in a row) = 2.7%: nearly every query must get through.
  EXPECT_GE(correct, 270u);
  for (const char* secret : {"001085000101", "Nguyễn", kClientSecret}) {
    EXPECT_EQ(logs.text().find(secret), std::string::npos);
  }
}

TEST_F(HttpFaults, APermanentlyFailingRegisterIsHitExactlyOnePlusRetriesTimes) {
  HttpRegisterConfig c = no_breaker(http_config(*server_));
  c.batch_size = 1;
  c.max_retries = 2;
  auto http = backend(c);
  make_queries(20, 2);
  server_->set_faults({.error_rate = 1.0});
  server_->reset_counters();
  auto got = run(*http, requests_);
  for (const auto& r : got) {
    EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
    EXPECT_NE(r.detail.find("503"), std::string::npos) << r.detail;
    EXPECT_NE(r.detail.find("3 attempts"), std::string::npos) << r.detail;
  }
  EXPECT_EQ(server_->counters().register_requests, 20u * 3);
}

TEST_F(HttpFaults, ResetConnectionsLoseNoQuery) {
  HttpRegisterConfig c = no_breaker(http_config(*server_));
  c.batch_size = 7;
  c.max_retries = 3;
  auto http = backend(c);
  make_queries(350, 3);
  server_->set_faults({.reset_rate = 0.3});
  server_->reset_counters();
  auto got = run(*http, requests_);
  size_t correct = check_correct_or_unavailable(got);
  MockCounters k = server_->counters();
  EXPECT_GT(k.injected_resets, 0u);
  EXPECT_LE(k.register_requests, 50u * 4);
  EXPECT_GE(correct, 330u);
}

TEST_F(HttpFaults, MalformedAnswersBecomeBadAnswersNeverNotFound) {
  HttpRegisterConfig c = no_breaker(http_config(*server_));
  c.batch_size = 10;
  c.max_retries = 2;
  auto http = backend(c);
  make_queries(400, 4);
  server_->set_faults({.malformed_rate = 0.4});
  server_->reset_counters();
  auto got = run(*http, requests_);
  size_t correct = check_correct_or_unavailable(got);
  size_t bad = 0;
  for (const auto& r : got) bad += r.status == ECID_ANSWER_BAD_ANSWER;
  MockCounters k = server_->counters();
  EXPECT_GT(k.injected_malformed, 0u);
  EXPECT_GT(bad, 0u) << "per-answer damage (missing field, odd status) must show as BAD_ANSWER";
  EXPECT_LE(k.register_requests, 40u * 3);
  EXPECT_GT(correct, 300u);
}

TEST_F(HttpFaults, EveryMalformedAnswerIsRefused) {
  HttpRegisterConfig c = no_breaker(http_config(*server_));
  c.batch_size = 1;
  c.max_retries = 0;
  auto http = backend(c);
  make_queries(40, 5);
  server_->set_faults({.malformed_rate = 1.0});
  auto got = run(*http, requests_);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].status, ECID_ANSWER_BAD_ANSWER) << "query " << i << ": " << got[i].detail;
  }
}

TEST_F(HttpFaults, SlowAnswersTimeOutAsUnavailable) {
  HttpRegisterConfig c = no_breaker(http_config(*server_));
  c.batch_size = 5;
  c.concurrency = 4;
  c.timeout_ms = 100;
  c.max_retries = 1;
  auto http = backend(c);
  make_queries(20, 6);
  server_->set_faults({.latency_ms = 400});
  server_->reset_counters();
  auto got = run(*http, requests_);
  for (const auto& r : got) {
    EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
    EXPECT_NE(r.detail.find("100 ms"), std::string::npos) << r.detail;
  }
  EXPECT_LE(server_->counters().register_requests, 4u * 2);
}

TEST_F(HttpFaults, TheOverallDeadlineBoundsTheCall) {
  HttpRegisterConfig c = no_breaker(http_config(*server_));
  c.batch_size = 1;
  c.concurrency = 4;
  c.timeout_ms = 2000;
  c.deadline_ms = 300;
  auto http = backend(c);
  make_queries(40, 7);
  server_->set_faults({.latency_ms = 200});
  auto t0 = Clock::now();
  auto got = run(*http, requests_);
  EXPECT_LT(ms_since(t0), 1000);
  size_t correct = check_correct_or_unavailable(got);
  size_t late = 0;
  for (const auto& r : got) late += r.detail.find("deadline") != std::string::npos;
  EXPECT_GT(late, 0u);
  EXPECT_LE(correct, 8u);
}

// A register that answers 429 with Retry-After is not asked again sooner than it said; when its
// time is past the deadline, the query is answered UNAVAILABLE at once, saying so.
TEST_F(HttpFaults, ThrottledRequestsWaitForRetryAfter) {
  HttpRegisterConfig c = no_breaker(http_config(*server_));
  c.batch_size = 1;
  c.max_retries = 1;
  c.deadline_ms = 10000;
  auto http = backend(c);
  make_queries(2, 9);
  server_->set_faults({.throttle_rate = 1.0, .retry_after_s = 1});
  server_->reset_counters();
  auto t0 = Clock::now();
  auto got = run(*http, requests_);
  EXPECT_GE(ms_since(t0), 1000) << "retried before the register's Retry-After";
  EXPECT_EQ(server_->counters().register_requests, 2u * 2);
  EXPECT_EQ(server_->counters().injected_throttles, 2u * 2);
  for (const auto& r : got) {
    EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
    EXPECT_NE(r.detail.find("429 (rate_limited) (after 2 attempts)"), std::string::npos) << r.detail;
  }

  c.deadline_ms = 2000;
  http = backend(c);
  server_->set_faults({.throttle_rate = 1.0, .retry_after_s = 30});
  server_->reset_counters();
  t0 = Clock::now();
  got = run(*http, requests_);
  EXPECT_LT(ms_since(t0), 2000) << "waited although the register's time was past the deadline";
  EXPECT_EQ(server_->counters().register_requests, 2u);
  for (const auto& r : got) {
    EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
    EXPECT_NE(r.detail.find("asked to retry after 30 s, beyond the deadline"), std::string::npos) << r.detail;
  }

  // Throttling that stops: the retry after the register's time gets the real answer.
  server_->set_faults({.throttle_rate = 1.0, .retry_after_s = 1});
  c.deadline_ms = 10000;
  http = backend(c);
  std::thread lift([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server_->set_faults({});
  });
  got = run(*http, requests_);
  lift.join();
  EXPECT_EQ(check_correct_or_unavailable(got), got.size());
}

TEST_F(HttpFaults, CircuitOpensFailsFastAndClosesAfterAProbe) {
  LogCapture logs;
  HttpRegisterConfig c = http_config(*server_);
  c.batch_size = 1;
  c.max_retries = 0;
  c.breaker_failures = 3;
  c.breaker_cooldown_ms = 300;
  auto http = backend(c);
  server_->set_faults({.error_rate = 1.0});
  server_->reset_counters();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(run(*http, {by_id("001085000101")})[0].status, ECID_ANSWER_UNAVAILABLE);
  ASSERT_EQ(server_->counters().register_requests, 3u);

  // Open: fails fast, the register is not contacted.
  auto t0 = Clock::now();
  for (int i = 0; i < 20; ++i) {
    LookupResult r = run(*http, {by_id("001085000101")})[0];
    EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
    EXPECT_NE(r.detail.find("circuit"), std::string::npos) << r.detail;
  }
  EXPECT_LT(ms_since(t0), 100);
  EXPECT_EQ(server_->counters().register_requests, 3u);

  // After the cool-down a failing probe opens it again.
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  EXPECT_EQ(run(*http, {by_id("001085000101")})[0].status, ECID_ANSWER_UNAVAILABLE);
  EXPECT_EQ(server_->counters().register_requests, 4u);
  EXPECT_NE(run(*http, {by_id("001085000101")})[0].detail.find("circuit"), std::string::npos);
  EXPECT_EQ(server_->counters().register_requests, 4u);

  // The register recovers: after the cool-down the probe succeeds and the circuit closes.
  server_->set_faults({});
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  EXPECT_EQ(run(*http, {by_id("001085000101")})[0].status, ECID_ANSWER_FOUND);
  EXPECT_EQ(server_->counters().register_requests, 5u);
  make_queries(30, 8);
  auto got = run(*http, requests_);
  EXPECT_EQ(check_correct_or_unavailable(got), 30u);
  EXPECT_NE(logs.text().find("circuit open"), std::string::npos);
  EXPECT_NE(logs.text().find("circuit closed"), std::string::npos);
}

TEST_F(HttpFaults, ABatchWhileTheCircuitIsOpenSendsNothing) {
  HttpRegisterConfig c = http_config(*server_);
  c.batch_size = 1;
  c.concurrency = 4;
  c.max_retries = 1;
  c.breaker_failures = 2;
  c.breaker_cooldown_ms = 60000;
  auto http = backend(c);
  make_queries(100, 9);
  server_->set_faults({.error_rate = 1.0});
  server_->reset_counters();
  auto got = run(*http, requests_);
  for (const auto& r : got) {
    EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
  }
  // Only the transfers already in flight when it opened (and their retries) reached it.
  EXPECT_LE(server_->counters().register_requests, 8u);
}

TEST_F(HttpFaults, TokenIsCachedAcrossLookups) {
  auto http = backend(http_config(*server_));
  server_->reset_counters();
  for (int i = 0; i < 50; ++i) ASSERT_EQ(run(*http, {by_id("001085000101")})[0].status, ECID_ANSWER_FOUND);
  make_queries(200, 10);
  check_correct_or_unavailable(run(*http, requests_));
  EXPECT_EQ(server_->counters().token_requests, 1u);
  EXPECT_EQ(server_->counters().unauthorized, 0u);
}

TEST_F(HttpFaults, TokenIsRefreshedBeforeItExpires) {
  MockRegisterOptions o;
  o.token_lifetime_s = 2;  // refresh a fifth before expiry: after 1.6 s
  server_ = start_mock(o);
  auto http = backend(http_config(*server_));
  ASSERT_EQ(run(*http, {by_id("001085000101")})[0].status, ECID_ANSWER_FOUND);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  ASSERT_EQ(run(*http, {by_id("001085000101")})[0].status, ECID_ANSWER_FOUND);
  EXPECT_EQ(server_->counters().tokens_issued, 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(750));  // 1.75 s: inside the margin, not expired
  ASSERT_EQ(run(*http, {by_id("001085000101")})[0].status, ECID_ANSWER_FOUND);
  EXPECT_EQ(server_->counters().tokens_issued, 2u);
  EXPECT_EQ(server_->counters().unauthorized, 0u) << "the old token must not be used until it dies";
}

TEST_F(HttpFaults, A401TriggersExactlyOneRefresh) {
  auto http = backend(http_config(*server_));
  ASSERT_EQ(run(*http, {by_id("001085000101")})[0].status, ECID_ANSWER_FOUND);
  server_->revoke_tokens();
  server_->reset_counters();
  make_queries(60, 11);
  auto got = run(*http, requests_);
  EXPECT_EQ(check_correct_or_unavailable(got), 60u);
  MockCounters k = server_->counters();
  EXPECT_EQ(k.tokens_issued, 1u);
  EXPECT_GE(k.unauthorized, 1u);
  EXPECT_LE(k.unauthorized, 8u);  // at most the transfers already in flight with the old token
}

TEST_F(HttpFaults, WrongClientSecretIsUnavailableWithoutRetries) {
  LogCapture logs;
  HttpRegisterConfig c = http_config(*server_);
  c.client_secret = "not-the-secret";
  auto http = backend(c);
  server_->reset_counters();
  LookupResult r = run(*http, {by_id("001085000101")})[0];
  EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
  EXPECT_NE(r.detail.find("invalid_client"), std::string::npos) << r.detail;
  EXPECT_EQ(server_->counters().token_requests, 1u);
  EXPECT_EQ(server_->counters().register_requests, 0u);
  EXPECT_EQ(logs.text().find("not-the-secret"), std::string::npos);
}

TEST_F(HttpFaults, SlowTokenEndpoint) {
  HttpRegisterConfig c = http_config(*server_);
  c.timeout_ms = 100;
  c.max_retries = 1;
  server_->set_faults({.token_latency_ms = 300});
  auto slow = backend(c);
  LookupResult r = run(*slow, {by_id("001085000101")})[0];
  EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
  EXPECT_NE(r.detail.find("token"), std::string::npos) << r.detail;
  EXPECT_LE(server_->counters().token_requests, 2u);
  EXPECT_EQ(server_->counters().register_requests, 0u);
  // With a timeout above the delay it only slows the first lookup.
  c.timeout_ms = 2000;
  auto patient = backend(c);
  EXPECT_EQ(run(*patient, {by_id("001085000101")})[0].status, ECID_ANSWER_FOUND);
}

// The token endpoint is the register's front door: when it is down, callers fail fast once the
// breaker opens instead of each waiting out its own token timeouts. A refused secret is a
// configuration error, not an outage: it never opens the breaker (its reason stays visible).
TEST_F(HttpFaults, ATokenEndpointOutageOpensTheCircuit) {
  HttpRegisterConfig c = http_config(*server_);
  c.timeout_ms = 100;
  c.max_retries = 0;
  c.breaker_failures = 2;
  c.breaker_cooldown_ms = 300;
  server_->set_faults({.token_latency_ms = 400});
  auto http = backend(c);
  server_->reset_counters();
  for (int i = 0; i < 2; ++i) {
    LookupResult r = run(*http, {by_id("001085000101")})[0];
    EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
    EXPECT_NE(r.detail.find("token"), std::string::npos) << r.detail;
  }
  EXPECT_EQ(server_->counters().token_requests, 2u);
  auto t0 = Clock::now();
  for (int i = 0; i < 10; ++i) {
    LookupResult r = run(*http, {by_id("001085000101")})[0];
    EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
    EXPECT_NE(r.detail.find("circuit"), std::string::npos) << r.detail;
  }
  EXPECT_LT(ms_since(t0), 100);
  EXPECT_EQ(server_->counters().token_requests, 2u);
  // Still down after the cool-down: one more attempt, then open again.
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  EXPECT_NE(run(*http, {by_id("001085000101")})[0].detail.find("token"), std::string::npos);
  EXPECT_NE(run(*http, {by_id("001085000101")})[0].detail.find("circuit"), std::string::npos);
  EXPECT_EQ(server_->counters().token_requests, 3u);
  // Back: the next call after the cool-down gets a token and its answer.
  server_->set_faults({});
  std::this_thread::sleep_for(std::chrono::milliseconds(350));
  EXPECT_EQ(run(*http, {by_id("001085000101")})[0].status, ECID_ANSWER_FOUND);

  c.client_secret = "not-the-secret";
  auto refused = backend(c);
  for (int i = 0; i < 4; ++i)
    EXPECT_NE(run(*refused, {by_id("001085000101")})[0].detail.find("invalid_client"), std::string::npos);
}

TEST_F(HttpFaults, ConcurrentCallersUnderFaults) {
  HttpRegisterConfig c = no_breaker(http_config(*server_));
  c.batch_size = 4;
  c.max_retries = 3;
  auto http = backend(c);
  make_queries(400, 12);
  server_->set_faults({.error_rate = 0.1, .reset_rate = 0.1});
  std::vector<std::vector<LookupResult>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&, t] { got[static_cast<size_t>(t)] = run(*http, requests_); });
  for (auto& th : threads) th.join();
  for (const auto& g : got) {
    EXPECT_GT(check_correct_or_unavailable(g), 380u);
  }
}

TEST_F(HttpFaults, ConnectionsAreKeptAliveAcrossRequestsAndCalls) {
  std::atomic<int> exchanges{0}, connections{0};
  HttpRegisterHooks hooks;
  hooks.on_exchange = [&](const HttpExchange& e) {
    ++exchanges;
    connections += e.new_connection;
  };
  HttpRegisterConfig c = http_config(*server_);
  c.batch_size = 1;
  c.concurrency = 1;
  auto sequential = open_http_register(c, hooks);
  for (int i = 0; i < 30; ++i) ASSERT_EQ(run(*sequential, {by_id("001085000101")})[0].status, ECID_ANSWER_FOUND);
  EXPECT_EQ(exchanges.load(), 30);
  EXPECT_EQ(connections.load(), 1);
  exchanges = 0;
  connections = 0;
  c.concurrency = 6;
  auto concurrent = open_http_register(c, hooks);
  make_queries(300, 13);
  EXPECT_EQ(check_correct_or_unavailable(run(*concurrent, requests_)), 300u);
  EXPECT_EQ(check_correct_or_unavailable(run(*concurrent, requests_)), 300u);
  EXPECT_EQ(exchanges.load(), 600);
  EXPECT_LE(connections.load(), 6);
}

TEST_F(HttpFaults, QueriesWithoutPurposeOrForOtherServicesAreNotSent) {
  auto http = backend(http_config(*server_));
  server_->reset_counters();
  LookupRequest no_purpose = by_id("001085000101");
  no_purpose.purpose.clear();
  LookupRequest eid = by_id("eyJ...");
  eid.kind = ECID_Q_EID_ASSERTION;
  auto got = run(*http, {no_purpose, eid});
  EXPECT_EQ(got[0].status, ECID_ANSWER_REFUSED);
  EXPECT_EQ(got[1].status, ECID_ANSWER_UNAVAILABLE);
  EXPECT_EQ(server_->counters().register_requests, 0u);
}

// --- configuration ---------------------------------------------------------------------------

TEST(HttpRegisterConfigCheck, PlainHttpOnlyToLoopback) {
  HttpRegisterConfig c;
  for (const char* ok : {"http://127.0.0.1:8089", "http://localhost:1/", "http://[::1]:80", "https://register.example.vn/api"}) {
    c.base_url = ok;
    EXPECT_NO_THROW(validate_http_register_config(c)) << ok;
  }
  for (const char* bad : {"http://register.example.vn", "http://10.0.0.5:8089", "ftp://127.0.0.1/", "not a url", ""}) {
    c.base_url = bad;
    EXPECT_THROW(validate_http_register_config(c), std::invalid_argument) << bad;
  }
  c.base_url = "https://register.example.vn";
  c.token_url = "http://auth.example.vn/token";
  c.client_id = "x";
  c.client_secret = "y";
  EXPECT_THROW(validate_http_register_config(c), std::invalid_argument);
  c.token_url = "";
  c.client_secret = "";
  EXPECT_THROW(validate_http_register_config(c), std::invalid_argument);
  c.client_secret = "y";
  c.ca_file = "/nonexistent/ca.pem";
  try {
    validate_http_register_config(c);
    ADD_FAILURE() << "a missing CA file must be refused";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ca_file"), std::string::npos);
  }
}

TEST(HttpRegisterConfigCheck, InsecureTlsIsLoud) {
  LogCapture logs;
  HttpRegisterConfig c;
  c.base_url = "https://register.example.vn";
  c.insecure_skip_tls_verify = true;
  auto b = open_http_register(c);
  EXPECT_NE(logs.text().find("NOT verified"), std::string::npos);
}

TEST(HttpRegisterUnreachable, AClosedPortIsUnavailable) {
  int port;
  {
    auto s = start_mock();
    port = s->port();
  }  // stopped: nothing listens there now
  HttpRegisterConfig c;
  c.base_url = "http://127.0.0.1:" + std::to_string(port);
  c.max_retries = 1;
  auto http = open_http_register(c);
  LookupResult r = run(*http, {by_id("001085000101")})[0];
  EXPECT_EQ(r.status, ECID_ANSWER_UNAVAILABLE);
  EXPECT_NE(r.detail.find("unreachable"), std::string::npos) << r.detail;
}

}  // namespace
}  // namespace ecid::testing

namespace ecid::testing {
namespace {

// samples/http/ecid-http.yaml: valid, http only to loopback, and its credentials are the mock's
// defaults, so `ecid-mock-register --register … --port 8089` and this file work together.
TEST(HttpSample, ConfigWorksWithTheMocksDefaults) {
  Config config = load_config(std::filesystem::path(ECID_SOURCE_DIR) / "samples/http/ecid-http.yaml");
  ASSERT_EQ(config.population.backend, "http");
  HttpRegisterConfig http = config.population.http;
  EXPECT_NO_THROW(validate_http_register_config(http));
  EXPECT_EQ(http.base_url, "http://127.0.0.1:8089");
  EXPECT_FALSE(http.insecure_skip_tls_verify);
  MockRegisterOptions defaults;
  EXPECT_EQ(http.client_id, defaults.client_id);
  EXPECT_EQ(http.client_secret, defaults.client_secret);
  // Only the register differs from the main configuration.
  Config main = load_config(std::filesystem::path(ECID_SOURCE_DIR) / "samples/ecid.yaml");
  EXPECT_EQ(config.adapter_dirs, main.adapter_dirs);
  ASSERT_EQ(config.policy.size(), main.policy.size());
  for (size_t i = 0; i < main.policy.size(); ++i) {
    EXPECT_EQ(config.policy[i].adapter, main.policy[i].adapter);
    ASSERT_EQ(config.policy[i].purposes.size(), main.policy[i].purposes.size());
    for (size_t k = 0; k < main.policy[i].purposes.size(); ++k)
      EXPECT_TRUE(config.policy[i].purposes[k].fields == main.policy[i].purposes[k].fields)
          << config.policy[i].purposes[k].id;
  }

  // The same settings against a mock on a free port answer the fixture citizen.
  MockRegisterOptions o;
  o.register_path = register_path();
  ignore_sigpipe();
  MockRegisterServer server(o);
  server.start();
  http.base_url = server.base_url();
  auto backend = open_http_register(http);
  LookupResult r = run(*backend, {by_id("001085000101")})[0];
  EXPECT_EQ(r.status, ECID_ANSWER_FOUND) << r.detail;
  EXPECT_EQ(server.counters().tokens_issued, 1u);
}

}  // namespace
}  // namespace ecid::testing
