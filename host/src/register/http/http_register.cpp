// The HTTP register backend: libcurl multi interface, kept-alive connections, batching,
// retries with backoff and jitter, an overall deadline, the circuit breaker (circuit_breaker.hpp)
// and OAuth2 client-credentials tokens (token_source.hpp). See http_register.hpp for the contract
// and docs/register-protocol.md for the wire format.
#include <ecid/fields.hpp>
#include <ecid/http_register.hpp>
#include <ecid/log.hpp>

#include "circuit_breaker.hpp"
#include "endpoints.hpp"
#include "exchange.hpp"
#include "protocol.hpp"
#include "token_source.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <mutex>
#include <stdexcept>

namespace ecid {
namespace {

using http::apply_common_options;
using http::backoff;
using http::BodySink;
using http::CircuitBreaker;
using http::Clock;
using http::kMaxAnswerBytes;
using http::ms_until;
using http::TokenSource;
using http::transport_detail;
using std::chrono::milliseconds;

void ensure_curl_global() {
  // curl_global_init is not thread-safe; the first backend opened does it once.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// A register-supplied detail goes into reports: cap it and mask long digit runs.
std::string clean_detail(const std::string& detail) {
  std::string d = detail;
  if (d.size() > 300) {
    size_t cut = 300;
    while (cut > 0 && (static_cast<unsigned char>(d[cut]) & 0xC0) == 0x80) --cut;
    d.resize(cut);
  }
  for (char& c : d)
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  return log::redact(d);
}

bool is_idempotent_lookup(uint32_t kind) {
  // Every register query kind is a read: repeating it changes nothing at the register.
  return kind == ECID_Q_PERSON_BY_ID || kind == ECID_Q_PERSON_BY_LEGACY_ID ||
         kind == ECID_Q_PERSON_CANDIDATES || kind == ECID_Q_VEHICLE_BY_PLATE ||
         kind == ECID_Q_ORGANISATION_BY_CODE;
}

// Reads {"protocol":..,"error":{"code":..}} for a detail; only protocol tokens are kept.
std::string error_code_of(const std::string& body) {
  http::JsonReader in(body);
  std::string key, code;
  if (!in.begin_object()) return {};
  while (in.next_key(key)) {
    if (key == "error" && in.peek() == http::JsonReader::Type::Object) {
      in.begin_object();
      while (in.next_key(key)) {
        if (key == "code" && in.peek() == http::JsonReader::Type::String) in.read_string(code);
        else in.skip_value();
      }
    } else {
      in.skip_value();
    }
  }
  return http::is_wire_token(code) ? code : std::string();
}

// --- one lookup() call's work ------------------------------------------------------------------

// One HTTP request: some of the caller's queries.
struct Unit {
  std::vector<uint32_t> indices;
  int retries = 0;
  bool auth_refreshed = false;
  Clock::time_point not_before{};
  std::string last_problem;
  uint32_t last_status = ECID_ANSWER_UNAVAILABLE;
};

struct Slot {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  // The request body is written when the transfer starts (again for a retry) into a buffer
  // the slot keeps: memory stays bounded by concurrency × batch size, whatever the call's size.
  std::string request;
  BodySink body;
  Unit* unit = nullptr;
  bool probe = false;
  std::string token;
  long timeout_ms = 0;
  Clock::time_point started{};
  char error[CURL_ERROR_SIZE] = {};
};

// A multi handle with its easy handles: its connection cache keeps the connections alive
// between lookup() calls. One caller uses a session at a time.
struct Session {
  CURLM* multi = nullptr;
  std::vector<std::unique_ptr<Slot>> slots;
  Session(int concurrency) {
    multi = curl_multi_init();
    if (multi == nullptr) throw std::runtime_error("cannot create a libcurl multi handle");
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(concurrency));
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(concurrency));
    for (int i = 0; i < concurrency; ++i) {
      auto s = std::make_unique<Slot>();
      s->easy = curl_easy_init();
      if (s->easy == nullptr) throw std::runtime_error("cannot create a libcurl handle");
      slots.push_back(std::move(s));
    }
  }
  ~Session() {
    for (auto& s : slots) {
      if (s->unit != nullptr) curl_multi_remove_handle(multi, s->easy);
      curl_slist_free_all(s->headers);
      curl_easy_cleanup(s->easy);
    }
    curl_multi_cleanup(multi);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
};

enum class BodyVerdict { Ok, Malformed };

class HttpRegister final : public RegisterBackend {
 public:
  HttpRegister(const HttpRegisterConfig& cfg, HttpRegisterHooks hooks)
      : cfg_(cfg),
        hooks_(std::move(hooks)),
        urls_(http::endpoints_of(cfg)),
        breaker_(cfg.breaker_failures, cfg.breaker_cooldown_ms),
        batch_size_(std::clamp<size_t>(static_cast<size_t>(cfg.batch_size), 1, http::kMaxBatchQueries)) {
    if (!cfg_.client_id.empty()) tokens_ = std::make_unique<TokenSource>(cfg_, urls_.token);
  }

  std::string source_name() const override { return "population/http"; }

  void lookup(std::span<const LookupRequest> requests, std::span<LookupResult> results) override {
    const size_t n = std::min(requests.size(), results.size());
    if (n == 0) return;
    const auto start = Clock::now();
    const auto deadline = start + milliseconds(cfg_.deadline_ms);

    std::vector<uint32_t> sendable;
    sendable.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      LookupResult& r = results[i];
      r.records.clear();
      r.detail.clear();
      r.status = ECID_ANSWER_UNAVAILABLE;
      const LookupRequest& q = requests[i];
      // The same remote platform serves every register: name the one that answered.
      r.source = q.kind == ECID_Q_VEHICLE_BY_PLATE       ? "vehicle/http"
                 : q.kind == ECID_Q_ORGANISATION_BY_CODE ? "organisation/http"
                                                         : source_name();
      if (!is_idempotent_lookup(q.kind)) {
        r.detail = "query kind '" + std::string(query_kind_name(q.kind)) + "' is not served by a remote register";
      } else if (q.purpose.empty()) {
        r.status = ECID_ANSWER_REFUSED;
        r.detail = "no purpose given: the remote register needs one with every query";
      } else {
        sendable.push_back(static_cast<uint32_t>(i));
      }
    }
    if (sendable.empty()) return;

    if (breaker_.open_now(start)) {
      for (uint32_t i : sendable) results[i].detail = breaker_.deny_detail();
      return;
    }
    std::string token;
    if (tokens_) {
      TokenSource::Token t = tokens_->get(deadline);
      if (!t.ok) {
        if (t.endpoint_failed) breaker_.failure(Clock::now());
        for (uint32_t i : sendable) results[i].detail = "cannot obtain an access token: " + t.error;
        return;
      }
      token = std::move(t.value);
    }

    std::vector<Unit> units = plan_units(sendable);
    std::unique_ptr<Session> session;
    try {
      session = acquire();
    } catch (const std::exception& e) {
      for (uint32_t i : sendable) results[i].detail = e.what();
      return;
    }
    Run run{*this, *session, requests, results, deadline, token, {}, {}, 0, {}, {}, 0};
    run.execute(units);
    release(std::move(session));
  }

 private:
  // Splits the queries into requests: at most batch_size queries each, and enough requests
  // to keep `concurrency` transfers busy when there are few queries.
  std::vector<Unit> plan_units(const std::vector<uint32_t>& sendable) {
    const size_t m = sendable.size();
    const size_t concurrency = static_cast<size_t>(cfg_.concurrency);
    size_t count = std::max((m + batch_size_ - 1) / batch_size_, std::min(concurrency, m));
    size_t per_unit = (m + count - 1) / count;
    std::vector<Unit> units;
    units.reserve((m + per_unit - 1) / per_unit);
    for (size_t at = 0; at < m; at += per_unit) {
      Unit u;
      size_t end = std::min(m, at + per_unit);
      u.indices.assign(sendable.begin() + static_cast<std::ptrdiff_t>(at), sendable.begin() + static_cast<std::ptrdiff_t>(end));
      units.push_back(std::move(u));
    }
    return units;
  }

  std::unique_ptr<Session> acquire() {
    {
      std::lock_guard lock(pool_mutex_);
      if (!idle_.empty()) {
        auto s = std::move(idle_.back());
        idle_.pop_back();
        return s;
      }
    }
    return std::make_unique<Session>(cfg_.concurrency);
  }
  void release(std::unique_ptr<Session> s) {
    std::lock_guard lock(pool_mutex_);
    idle_.push_back(std::move(s));
  }

  struct Run {
    HttpRegister& self;
    Session& session;
    std::span<const LookupRequest> requests;
    std::span<LookupResult> results;
    Clock::time_point deadline;
    std::string token;

    std::string name_buffer, value_buffer;  // reused while reading answers
    size_t expected_fields = 0;             // fields requested by the answer being read
    std::deque<Unit*> ready;
    std::vector<Unit*> waiting;  // backing off
    int active = 0;

    void execute(std::vector<Unit>& units) {
      for (Unit& u : units) ready.push_back(&u);
      while (!ready.empty() || !waiting.empty() || active > 0) {
        auto now = Clock::now();
        if (now >= deadline) {
          give_up_at_deadline();
          return;
        }
        for (auto it = waiting.begin(); it != waiting.end();) {
          if ((*it)->not_before <= now) {
            ready.push_back(*it);
            it = waiting.erase(it);
          } else {
            ++it;
          }
        }
        start_ready(now);
        int running = 0;
        curl_multi_perform(session.multi, &running);
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(session.multi, &left)) {
          if (msg->msg != CURLMSG_DONE) continue;
          Slot* slot = nullptr;
          curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &slot);
          CURLcode rc = msg->data.result;
          curl_multi_remove_handle(session.multi, slot->easy);
          --active;
          complete(*slot, rc);
        }
        if (ready.empty() && waiting.empty() && active == 0) break;
        if (!ready.empty() && active < self.cfg_.concurrency) continue;  // startable now (e.g. a 401 retry)
        now = Clock::now();
        auto wake = deadline;
        for (Unit* u : waiting) wake = std::min(wake, u->not_before);
        int wait_ms = static_cast<int>(std::min<long>(ms_until(wake, now), 1000));
        curl_multi_poll(session.multi, nullptr, 0, wait_ms, nullptr);
      }
    }

    void start_ready(Clock::time_point now) {
      while (!ready.empty() && active < self.cfg_.concurrency) {
        Unit* u = ready.front();
        ready.pop_front();
        CircuitBreaker::Gate gate = self.breaker_.admit(now);
        if (gate == CircuitBreaker::Gate::Deny) {
          finish(*u, ECID_ANSWER_UNAVAILABLE, self.breaker_.deny_detail());
          continue;
        }
        Slot* slot = nullptr;
        for (auto& s : session.slots)
          if (s->unit == nullptr) { slot = s.get(); break; }
        start(*slot, *u, gate == CircuitBreaker::Gate::Probe, now);
      }
    }

    void start(Slot& s, Unit& u, bool probe, Clock::time_point now) {
      CURL* c = s.easy;
      s.unit = &u;
      s.probe = probe;
      s.token = token;
      s.body.data.clear();
      s.body.too_big = false;
      s.error[0] = '\0';
      s.timeout_ms = std::min<long>(self.cfg_.timeout_ms, ms_until(deadline, now));
      s.started = now;
      curl_slist_free_all(s.headers);
      s.headers = curl_slist_append(nullptr, "Content-Type: application/json");
      s.headers = curl_slist_append(s.headers, "Accept: application/json");
      // No "Expect: 100-continue" round trip before large batch bodies.
      s.headers = curl_slist_append(s.headers, "Expect:");
      if (!token.empty()) s.headers = curl_slist_append(s.headers, ("Authorization: Bearer " + token).c_str());
      curl_easy_reset(c);
      apply_common_options(c, self.cfg_);
      curl_easy_setopt(c, CURLOPT_URL, u.indices.size() == 1 ? self.urls_.lookup.c_str() : self.urls_.batch.c_str());
      write_request(s.request, u);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, s.request.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(s.request.size()));
      curl_easy_setopt(c, CURLOPT_HTTPHEADER, s.headers);
      curl_easy_setopt(c, CURLOPT_WRITEDATA, &s.body);
      curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s.error);
      curl_easy_setopt(c, CURLOPT_PRIVATE, &s);
      // A batch answer is ~500 bytes a query: read it in few system calls.
      curl_easy_setopt(c, CURLOPT_BUFFERSIZE, std::clamp<long>(static_cast<long>(u.indices.size()) * 640, 16384, 524288));
      curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s.timeout_ms);
      curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, s.timeout_ms);
      curl_multi_add_handle(session.multi, c);
      ++active;
    }

    void write_request(std::string& body, const Unit& u) {
      body.clear();
      if (u.indices.size() == 1) {
        http::append_query(body, "0", requests[u.indices[0]]);
        return;
      }
      // Queries of one batch usually share fields, purpose and document: send those once.
      const LookupRequest& first = requests[u.indices[0]];
      bool shared = std::all_of(u.indices.begin(), u.indices.end(), [&](uint32_t i) {
        const LookupRequest& q = requests[i];
        return q.fields == first.fields && q.purpose == first.purpose && q.document_ref == first.document_ref;
      });
      body += "{";
      if (shared) {
        body += "\"defaults\":";
        http::append_defaults(body, first);
        body += ",";
      }
      body += "\"queries\":[";
      char id[24];
      for (size_t k = 0; k < u.indices.size(); ++k) {
        if (k > 0) body.push_back(',');
        int n = std::snprintf(id, sizeof id, "%zu", k);
        http::append_query(body, std::string_view(id, static_cast<size_t>(n)), requests[u.indices[k]], shared);
      }
      body += "]}";
    }

    void complete(Slot& s, CURLcode rc) {
      Unit& u = *s.unit;
      s.unit = nullptr;
      const auto now = Clock::now();
      long status = 0;
      curl_easy_getinfo(s.easy, CURLINFO_RESPONSE_CODE, &status);
      HttpExchange exchange;
      exchange.latency = std::chrono::duration_cast<std::chrono::microseconds>(now - s.started);
      exchange.queries = u.indices.size();
      exchange.http_status = rc == CURLE_OK ? status : 0;
      long connects = 0;
      curl_easy_getinfo(s.easy, CURLINFO_NUM_CONNECTS, &connects);
      exchange.new_connection = connects > 0;

      if (rc != CURLE_OK) {
        report(exchange);
        if (s.body.too_big) {
          self.breaker_.success();  // it answered; the answer is the problem
          return finish(u, ECID_ANSWER_BAD_ANSWER, "register answer larger than " +
                                                      std::to_string(kMaxAnswerBytes >> 20) + " MiB");
        }
        return retry_or_fail(u, ECID_ANSWER_UNAVAILABLE, transport_detail(rc, s.error, s.timeout_ms), now);
      }
      if (status == 401 && self.tokens_) {
        report(exchange);
        self.breaker_.success();
        if (u.auth_refreshed)
          return finish(u, ECID_ANSWER_UNAVAILABLE, "the register refused a freshly issued access token (HTTP 401)");
        // The token was revoked or expired early: one new token, then the same request again.
        u.auth_refreshed = true;
        TokenSource::Token t = self.tokens_->get(deadline, s.token);
        if (!t.ok) {
          if (t.endpoint_failed) self.breaker_.failure(now);
          return finish(u, ECID_ANSWER_UNAVAILABLE, "cannot obtain an access token: " + t.error);
        }
        token = std::move(t.value);
        ready.push_front(&u);
        return;
      }
      if (status == 429 || status >= 500) {
        report(exchange);
        std::string code = error_code_of(s.body.data);
        // The register's own Retry-After (seconds or an HTTP date; libcurl reads both) is a floor
        // under the backoff: it knows when it can take more.
        curl_off_t retry_after = 0;
        if (curl_easy_getinfo(s.easy, CURLINFO_RETRY_AFTER, &retry_after) != CURLE_OK || retry_after < 0) retry_after = 0;
        return retry_or_fail(u, ECID_ANSWER_UNAVAILABLE,
                             "register answered HTTP " + std::to_string(status) + (code.empty() ? "" : " (" + code + ")"),
                             now, std::chrono::seconds(retry_after));
      }
      if (status != 200) {
        report(exchange);
        self.breaker_.success();
        std::string code = error_code_of(s.body.data);
        return finish(u, ECID_ANSWER_BAD_ANSWER,
                      "register rejected the request: HTTP " + std::to_string(status) + (code.empty() ? "" : " (" + code + ")"));
      }
      std::string why;
      if (!apply_answers(u, s.body.data, why)) {
        report(exchange);
        return retry_or_fail(u, ECID_ANSWER_BAD_ANSWER, "malformed register answer: " + why, now);
      }
      exchange.ok = true;
      report(exchange);
      self.breaker_.success();
    }

    void report(const HttpExchange& e) {
      if (self.hooks_.on_exchange) self.hooks_.on_exchange(e);
    }

    void retry_or_fail(Unit& u, uint32_t final_status, std::string problem, Clock::time_point now,
                       std::chrono::seconds retry_after = std::chrono::seconds(0)) {
      self.breaker_.failure(now);
      u.last_problem = std::move(problem);
      u.last_status = final_status;
      bool idempotent = std::all_of(u.indices.begin(), u.indices.end(),
                                    [&](uint32_t i) { return is_idempotent_lookup(requests[i].kind); });
      if (!idempotent || u.retries >= self.cfg_.max_retries)
        return finish(u, final_status, u.last_problem + attempts_text(u));
      ++u.retries;
      u.not_before = now + std::max<milliseconds>(backoff(u.retries), retry_after);
      if (u.not_before >= deadline) {
        --u.retries;  // not attempted
        return finish(u, final_status,
                      u.last_problem + attempts_text(u) +
                          (retry_after.count() > 0 ? "; it asked to retry after " + std::to_string(retry_after.count()) +
                                                         " s, beyond the deadline"
                                                   : "; no time left for a retry before the deadline"));
      }
      waiting.push_back(&u);
    }

    static std::string attempts_text(const Unit& u) {
      int attempts = u.retries + 1;
      return attempts == 1 ? std::string() : " (after " + std::to_string(attempts) + " attempts)";
    }

    void finish(Unit& u, uint32_t status, const std::string& detail) {
      for (uint32_t i : u.indices) {
        LookupResult& r = results[i];
        r.status = status;
        r.detail = detail;
        r.records.clear();
      }
    }

    void give_up_at_deadline() {
      for (auto& s : session.slots) {
        if (s->unit == nullptr) continue;
        curl_multi_remove_handle(session.multi, s->easy);
        if (s->probe) self.breaker_.abandon_probe();
        Unit& u = *s->unit;
        s->unit = nullptr;
        finish(u, ECID_ANSWER_UNAVAILABLE, deadline_detail(u));
      }
      active = 0;
      for (Unit* u : ready) finish(*u, ECID_ANSWER_UNAVAILABLE, deadline_detail(*u));
      for (Unit* u : waiting) finish(*u, ECID_ANSWER_UNAVAILABLE, deadline_detail(*u));
      ready.clear();
      waiting.clear();
    }

    std::string deadline_detail(const Unit& u) const {
      std::string d = "no answer within the deadline of " + std::to_string(self.cfg_.deadline_ms) + " ms";
      if (!u.last_problem.empty()) d += " (last problem: " + u.last_problem + ")";
      return d;
    }

    // Reads a 200 answer into the unit's results. False (nothing written) when the body as a
    // whole is unusable; a single bad answer inside a good batch marks only that query.
    bool apply_answers(Unit& u, const std::string& body, std::string& why) {
      const bool single = u.indices.size() == 1;
      http::JsonReader in(body);
      std::string key, protocol;
      std::vector<LookupResult> parsed(u.indices.size());
      std::vector<std::string> problems(u.indices.size());
      size_t answers = 0;
      bool have_answers = false;
      if (!in.begin_object()) return (why = "not a JSON object"), false;
      while (in.next_key(key)) {
        if (key == "protocol") {
          if (!in.read_string(protocol)) break;
        } else if (single && key == "answer") {
          have_answers = true;
          if (!read_answer(in, 0, u, parsed[0], problems[0], why)) return false;
          answers = 1;
        } else if (!single && key == "answers") {
          have_answers = true;
          if (!in.begin_array()) break;
          while (in.next_element()) {
            if (answers == u.indices.size()) return (why = "more answers than queries"), false;
            if (!read_answer(in, answers, u, parsed[answers], problems[answers], why)) return false;
            ++answers;
          }
        } else {
          if (!in.skip_value()) break;
        }
      }
      if (in.failed()) return (why = "invalid JSON (" + in.error() + ")"), false;
      if (!in.at_end()) return (why = "trailing data after the JSON document"), false;
      if (protocol != http::kProtocolVersion)
        return (why = protocol.empty() ? "no protocol version" : "unsupported protocol version"), false;
      if (!have_answers) return (why = single ? "no 'answer'" : "no 'answers'"), false;
      if (answers != u.indices.size())
        return (why = std::to_string(answers) + " answers for " + std::to_string(u.indices.size()) + " queries"), false;
      for (size_t k = 0; k < u.indices.size(); ++k) {
        LookupResult& r = results[u.indices[k]];
        if (!problems[k].empty()) {
          r.status = ECID_ANSWER_BAD_ANSWER;
          r.detail = "unusable register answer: " + problems[k];
          r.records.clear();
        } else {
          std::string source = std::move(r.source);  // set per kind before sending
          r = std::move(parsed[k]);
          r.source = std::move(source);
        }
      }
      return true;
    }

    // One answer object. Returns false only for broken JSON or a mismatched id (the body is
    // then unusable as a whole); a semantic problem of this answer goes to `problem`.
    bool read_answer(http::JsonReader& in, size_t position, const Unit& u, LookupResult& out,
                     std::string& problem, std::string& why) {
      const LookupRequest& request = requests[u.indices[position]];
      std::string key, id, status_name, value;
      bool have_id = false, have_status = false, have_records = false;
      auto note = [&](std::string p) { if (problem.empty()) problem = std::move(p); };
      expected_fields = 0;
      for (uint32_t f = 0; f < 128; ++f) expected_fields += request.fields.has(f);
      if (!in.begin_object()) return (why = "an answer is not an object"), false;
      while (in.next_key(key)) {
        if (key == "id") {
          have_id = in.read_string(id);
        } else if (key == "status") {
          have_status = in.read_string(status_name);
        } else if (key == "detail") {
          if (in.peek() == http::JsonReader::Type::Null) in.read_null();
          else if (in.read_string(value)) out.detail = clean_detail(value);
        } else if (key == "records") {
          have_records = true;
          if (!in.begin_array()) break;
          while (in.next_element()) read_record(in, request, out, note);
        } else {
          in.skip_value();
        }
      }
      if (in.failed()) return (why = "invalid JSON (" + in.error() + ")"), false;
      if (!have_id || id != std::to_string(position))
        return (why = "answer " + std::to_string(position) + " does not carry its query's id"), false;
      if (!have_status) {
        note("no status");
        return true;
      }
      auto status = http::status_from_wire(status_name);
      if (!status) {
        note(http::is_wire_token(status_name) ? "unknown status '" + status_name + "'" : "unknown status");
        return true;
      }
      out.status = *status;
      if (!have_records) note("no 'records'");
      if (out.status == ECID_ANSWER_FOUND && out.records.empty()) note("status found without a record");
      if (out.status != ECID_ANSWER_FOUND && !out.records.empty()) note("records with status " + status_name);
      if (out.status == ECID_ANSWER_FOUND && request.kind == ECID_Q_PERSON_BY_ID && out.records.size() != 1)
        note("several records for one personal ID number");
      // The register must answer about the person asked for.
      for (const RegisterRecord& r : out.records) {
        if (request.kind == ECID_Q_PERSON_BY_ID)
          if (const std::string* pid = r.find(ECID_F_PERSONAL_ID); pid && *pid != request.key)
            note("a record for another personal ID number than the one asked for");
        if (request.kind == ECID_Q_PERSON_BY_LEGACY_ID)
          if (const std::string* legacy = r.find(ECID_F_LEGACY_ID); legacy && *legacy != request.key)
            note("a record with another legacy ID number than the one asked for");
      }
      return true;
    }

    template <class Note>
    void read_record(http::JsonReader& in, const LookupRequest& request, LookupResult& out, Note& note) {
      RegisterRecord record;
      record.values.reserve(expected_fields);
      FieldSet seen;
      std::string& name = name_buffer;
      std::string& value = value_buffer;
      if (!in.begin_object()) return;
      while (in.next_key(name)) {
        auto field = http::field_from_wire(name);
        if (!field) {
          note(http::is_wire_token(name) ? "unknown field '" + name + "'" : "unknown field");
          in.skip_value();
          continue;
        }
        if (!request.fields.has(*field)) {
          // Minimisation: a field nobody asked for is a protocol breach; never pass it on.
          note("field '" + name + "' was not requested");
          in.skip_value();
          continue;
        }
        if (seen.has(*field)) note("field '" + name + "' given twice");
        seen.add(*field);
        if (in.peek() == http::JsonReader::Type::Null) {
          in.read_null();  // the register holds no value
        } else if (in.peek() == http::JsonReader::Type::String) {
          in.read_string(value);
          record.values.emplace_back(*field, value);
        } else {
          note("field '" + name + "' is not a string or null");
          in.skip_value();
        }
      }
      if (in.failed()) return;
      if (!(request.fields.subset_of(seen)))
        for (uint32_t f : request.fields.list())
          if (!seen.has(f)) {
            note("requested field '" + std::string(field_name(f)) + "' missing from a record");
            break;
          }
      out.records.push_back(std::move(record));
    }
  };

  const HttpRegisterConfig cfg_;
  const HttpRegisterHooks hooks_;
  const http::Endpoints urls_;
  CircuitBreaker breaker_;
  const size_t batch_size_;
  std::unique_ptr<TokenSource> tokens_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<Session>> idle_;
};

}  // namespace

std::unique_ptr<RegisterBackend> open_http_register(const HttpRegisterConfig& config, HttpRegisterHooks hooks) {
  validate_http_register_config(config);
  ensure_curl_global();
  if (config.insecure_skip_tls_verify)
    log::warn("register.http.insecure_skip_tls_verify is ON: the register's TLS certificate is NOT verified. "
              "Test use only: anyone on the path can read and alter register answers.");
  return std::make_unique<HttpRegister>(config, std::move(hooks));
}

}  // namespace ecid
