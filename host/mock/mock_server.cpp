// The mock register server (mock_register.hpp): cpp-httplib on loopback, answering ecid's
// register protocol v1 through a RegisterBackend, with its own OAuth2 token endpoint and
// switchable faults.
#include <ecid/mock_register.hpp>

#include <httplib.h>

#include <ecid/log.hpp>

#include "register/http/protocol.hpp"
#include "net/transport.hpp"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace ecid {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kJson = "application/json";

int port_of(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
  return -1;
}

// httplib does not hand the connection's socket to handlers; find it by its two ports.
int find_connection_socket(int local_port, int remote_port) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int found = -1;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0') continue;
    sockaddr_storage local{}, peer{};
    socklen_t ll = sizeof local, pl = sizeof peer;
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
    if (port_of(local) != local_port) continue;
    if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
    if (port_of(peer) == remote_port) {
      found = static_cast<int>(fd);
      break;
    }
  }
  closedir(dir);
  return found;
}

// Aborts a TCP connection with RST without closing the descriptor httplib owns:
// connect(AF_UNSPEC) disconnects an established socket and resets the peer.
bool reset_connection(int local_port, int remote_port) {
  int fd = find_connection_socket(local_port, remote_port);
  if (fd < 0) return false;
  sockaddr unspec{};
  unspec.sa_family = AF_UNSPEC;
  return connect(fd, &unspec, sizeof unspec) == 0;
}

std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

bool equal_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// application/x-www-form-urlencoded decoding (RFC 6749 §2.3.1 encodes the client id and
// secret this way before Basic authentication).
std::string percent_decode(std::string_view s) {
  auto hex = [](char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string base64_decode(const std::string& in) {
  std::string out(in.size() / 4 * 3 + 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return {};
  size_t len = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the padding as zero bytes.
  if (!in.empty() && in.back() == '=') --len;
  if (in.size() > 1 && in[in.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

}  // namespace

struct MockRegisterServer::Impl {
  MockRegisterOptions options;
  std::shared_ptr<RegisterBackend> backend;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  int port = 0;
  bool tls = false;

  mutable std::mutex faults_mutex;
  MockFaults faults;
  std::mt19937_64 rng;
  uint64_t malformed_turn = 0;

  std::shared_mutex tokens_mutex;
  std::unordered_map<std::string, Clock::time_point> tokens;  // token → expiry

  struct AtomicCounters {
    std::atomic<uint64_t> register_requests{0}, queries{0}, token_requests{0}, tokens_issued{0},
        unauthorized{0}, injected_errors{0}, injected_resets{0}, injected_malformed{0}, injected_throttles{0},
        health_requests{0};
  } counters;

  enum class Fault { None, Error, Reset, Malformed, Throttle };

  Fault draw_fault(int& latency_ms, uint64_t& malformed_kind) {
    std::lock_guard lock(faults_mutex);
    latency_ms = faults.latency_ms;
    if (faults.error_rate <= 0 && faults.reset_rate <= 0 && faults.malformed_rate <= 0 && faults.throttle_rate <= 0)
      return Fault::None;
    std::uniform_real_distribution<double> u(0.0, 1.0);
    // Independent draws so each rate means what it says on its own.
    double t = u(rng), e = u(rng), r = u(rng), m = u(rng);
    if (t < faults.throttle_rate) return Fault::Throttle;
    if (e < faults.error_rate) return Fault::Error;
    if (r < faults.reset_rate) return Fault::Reset;
    if (m < faults.malformed_rate) {
      malformed_kind = malformed_turn++;
      return Fault::Malformed;
    }
    return Fault::None;
  }

  static void send_error(httplib::Response& res, int status, std::string_view code, std::string_view message,
                         bool retryable) {
    res.status = status;
    res.set_content(http::error_body(code, message, retryable), kJson);
  }

  bool authorised(const httplib::Request& req, httplib::Response& res) {
    if (!options.require_token) return true;
    const std::string header = req.get_header_value("Authorization");
    bool ok = false;
    if (header.size() > 7 && (header.compare(0, 7, "Bearer ") == 0 || header.compare(0, 7, "bearer ") == 0)) {
      std::shared_lock lock(tokens_mutex);
      auto it = tokens.find(header.substr(7));
      ok = it != tokens.end() && Clock::now() < it->second;
    }
    if (ok) return true;
    ++counters.unauthorized;
    res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    send_error(res, 401, "unauthorized", "a valid bearer token from /oauth2/token is required", false);
    return false;
  }

  void handle_token(const httplib::Request& req, httplib::Response& res) {
    ++counters.token_requests;
    int delay;
    {
      std::lock_guard lock(faults_mutex);
      delay = faults.token_latency_ms;
    }
    if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    auto oauth_error = [&](int status, const char* code, const char* description) {
      res.status = status;
      nlohmann::json body{{"error", code}, {"error_description", description}};
      if (status == 401) res.set_header("WWW-Authenticate", "Basic realm=\"ecid-mock-register\"");
      res.set_content(body.dump(), kJson);
    };
    if (req.get_param_value("grant_type") != "client_credentials")
      return oauth_error(400, "unsupported_grant_type", "only client_credentials is supported");
    std::string id, secret;
    const std::string auth = req.get_header_value("Authorization");
    if (auth.size() > 6 && auth.compare(0, 6, "Basic ") == 0) {
      std::string decoded = base64_decode(auth.substr(6));
      size_t colon = decoded.find(':');
      if (colon != std::string::npos) {
        id = percent_decode(decoded.substr(0, colon));
        secret = percent_decode(decoded.substr(colon + 1));
      }
    } else {
      id = req.get_param_value("client_id");
      secret = req.get_param_value("client_secret");
    }
    if (!equal_secret(id, options.client_id) || !equal_secret(secret, options.client_secret))
      return oauth_error(401, "invalid_client", "unknown client or wrong secret");
    std::string token = random_token();
    {
      std::unique_lock lock(tokens_mutex);
      const auto now = Clock::now();
      if (tokens.size() > 10000) std::erase_if(tokens, [&](const auto& kv) { return kv.second <= now; });
      tokens[token] = now + std::chrono::seconds(options.token_lifetime_s);
    }
    ++counters.tokens_issued;
    res.set_header("Cache-Control", "no-store");
    std::string body = "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" +
                       std::to_string(options.token_lifetime_s) + "}";
    res.set_content(body, kJson);
  }

  void handle_register(const httplib::Request& req, httplib::Response& res, bool batch) {
    ++counters.register_requests;
    int latency = 0;
    uint64_t malformed_kind = 0;
    Fault fault = draw_fault(latency, malformed_kind);
    if (latency > 0) std::this_thread::sleep_for(std::chrono::milliseconds(latency));
    if (fault == Fault::Throttle) {
      ++counters.injected_throttles;
      res.set_header("Retry-After", std::to_string(faults_copy().retry_after_s));
      return send_error(res, 429, "rate_limited", "injected fault: too many requests", true);
    }
    if (fault == Fault::Error) {
      ++counters.injected_errors;
      return send_error(res, 503, "unavailable", "injected fault: register temporarily unavailable", true);
    }
    if (fault == Fault::Reset) {
      ++counters.injected_resets;
      if (reset_connection(req.local_port, req.remote_port)) {
        res.status = 500;  // never reaches the client: the socket is gone
        res.set_header("Connection", "close");
        return;
      }
      return send_error(res, 503, "unavailable", "injected fault (reset not possible)", true);
    }
    if (!authorised(req, res)) return;

    // Parse.
    std::vector<std::string> ids;
    std::vector<LookupRequest> requests;
    std::vector<std::string> kind_names;
    // A query is ~60-400 bytes: reserve once instead of growing (and moving) the vectors.
    const size_t guess = std::min(http::kMaxBatchQueries, req.body.size() / 60 + 1);
    ids.reserve(guess);
    requests.reserve(guess);
    kind_names.reserve(guess);
    std::string why;
    http::JsonReader in(req.body);
    std::vector<http::QueryPresence> presence;
    presence.reserve(guess);
    auto read_one = [&]() {
      std::string id, kind;
      LookupRequest r;
      http::QueryPresence p;
      if (!http::read_query(in, id, kind, r, why, batch ? &p : nullptr)) return false;
      ids.push_back(std::move(id));
      kind_names.push_back(std::move(kind));
      requests.push_back(std::move(r));
      presence.push_back(p);
      return true;
    };
    if (batch) {
      std::string key;
      bool have_queries = false;
      LookupRequest defaults;
      http::QueryPresence defaulted;
      if (in.begin_object()) {
        while (in.next_key(key)) {
          if (key == "defaults") {
            if (!http::read_defaults(in, defaults, defaulted, why)) return send_error(res, 400, "bad_request", why, false);
          } else if (key == "queries") {
            have_queries = true;
            if (!in.begin_array()) break;
            while (in.next_element()) {
              if (requests.size() == http::kMaxBatchQueries)
                return send_error(res, 413, "batch_too_large",
                                  "at most " + std::to_string(http::kMaxBatchQueries) + " queries per batch", false);
              if (!read_one()) return send_error(res, 400, "bad_request", why, false);
            }
          } else if (!in.skip_value()) {
            break;
          }
        }
      }
      if (in.failed() || !in.at_end())
        return send_error(res, 400, "bad_request", "malformed JSON: " + (in.failed() ? in.error() : "trailing data"), false);
      if (!have_queries || requests.empty())
        return send_error(res, 400, "bad_request", "a batch needs a non-empty 'queries' array", false);
      // A query's own fields, purpose and document reference win over the batch's defaults.
      for (size_t i = 0; i < requests.size(); ++i) {
        http::QueryPresence& p = presence[i];
        LookupRequest& r = requests[i];
        if (!p.fields && defaulted.fields) r.fields = defaults.fields, p.fields = true;
        if (!p.purpose && defaulted.purpose) r.purpose = defaults.purpose, p.purpose = true;
        if (!p.document_ref && defaulted.document_ref) r.document_ref = defaults.document_ref, p.document_ref = true;
        if (!http::check_query_complete(p, r, why)) return send_error(res, 400, "bad_request", why, false);
      }
    } else {
      if (!read_one()) return send_error(res, 400, "bad_request", why, false);
      if (!in.at_end()) return send_error(res, 400, "bad_request", "trailing data after the query", false);
    }

    // Answer: known kinds through the backend, unknown ones here.
    std::vector<LookupResult> results(requests.size());
    std::vector<LookupRequest> known;
    std::vector<size_t> known_at;
    for (size_t i = 0; i < requests.size(); ++i) {
      if (requests[i].kind == 0) {
        results[i].status = ECID_ANSWER_UNAVAILABLE;
        results[i].detail = "this register does not serve query kind '" + kind_names[i] + "'";
      } else {
        known_at.push_back(i);
      }
    }
    if (known_at.size() == requests.size()) {
      backend->lookup(requests, results);
    } else if (!known_at.empty()) {
      for (size_t i : known_at) known.push_back(std::move(requests[i]));
      std::vector<LookupResult> known_results(known.size());
      backend->lookup(known, known_results);
      for (size_t k = 0; k < known_at.size(); ++k) {
        results[known_at[k]] = std::move(known_results[k]);
        requests[known_at[k]] = std::move(known[k]);
      }
    }
    counters.queries += requests.size();

    // Which query gets the injected damage, and how (docs/register-protocol.md, mock server).
    enum class Damage { None, Truncate, Html, DropField, BadStatus } damage = Damage::None;
    size_t damaged = requests.size();
    if (fault == Fault::Malformed) {
      ++counters.injected_malformed;
      damage = static_cast<Damage>(1 + malformed_kind % 4);
      if (damage == Damage::DropField) {
        for (size_t i = 0; i < results.size() && damaged == requests.size(); ++i)
          if (results[i].status == ECID_ANSWER_FOUND && !requests[i].fields.empty()) damaged = i;
        if (damaged == requests.size()) damage = Damage::BadStatus;
      }
      if (damage == Damage::BadStatus) damaged = 0;
    }
    if (damage == Damage::Html) {
      res.status = 200;
      res.set_content("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");
      return;
    }

    // One buffer per server thread: answers are built without fresh large allocations.
    thread_local std::string body;
    body.clear();
    body.reserve(640 * requests.size() + 64);
    body += "{\"protocol\":";
    http::append_json_string(body, http::kProtocolVersion);
    body += batch ? ",\"answers\":[" : ",\"answer\":";
    for (size_t i = 0; i < requests.size(); ++i) {
      if (i > 0) body.push_back(',');
      if (i == damaged && damage == Damage::DropField) {
        FieldSet fewer;
        std::vector<uint32_t> wanted = requests[i].fields.list();
        for (size_t k = 1; k < wanted.size(); ++k) fewer.add(wanted[k]);
        http::append_answer(body, ids[i], results[i], fewer);
      } else if (i == damaged && damage == Damage::BadStatus) {
        LookupResult odd = results[i];
        std::string answer;
        http::append_answer(answer, ids[i], odd, requests[i].fields);
        size_t at = answer.find("\"status\":\"");
        size_t end = answer.find('"', at + 10);
        answer.replace(at + 10, end - at - 10, "perhaps");
        body += answer;
      } else {
        http::append_answer(body, ids[i], results[i], requests[i].fields);
      }
    }
    body += batch ? "]}" : "}";
    if (damage == Damage::Truncate) body.resize(body.size() / 2);
    res.status = 200;
    res.set_content(body, kJson);
  }

  void handle_admin_faults(const httplib::Request& req, httplib::Response& res) {
    if (req.method == "POST") {
      nlohmann::json j = nlohmann::json::parse(req.body, nullptr, false);
      if (!j.is_object()) return send_error(res, 400, "bad_request", "faults must be a JSON object", false);
      MockFaults f = faults_copy();
      try {
        for (auto& [k, v] : j.items()) {
          if (k == "latency_ms") f.latency_ms = v.get<int>();
          else if (k == "error_rate") f.error_rate = v.get<double>();
          else if (k == "reset_rate") f.reset_rate = v.get<double>();
          else if (k == "malformed_rate") f.malformed_rate = v.get<double>();
          else if (k == "token_latency_ms") f.token_latency_ms = v.get<int>();
          else if (k == "throttle_rate") f.throttle_rate = v.get<double>();
          else if (k == "retry_after_s") f.retry_after_s = v.get<int>();
          else return send_error(res, 400, "bad_request", "unknown fault '" + (http::is_wire_token(k) ? k : "?") + "'", false);
        }
      } catch (const nlohmann::json::exception&) {
        return send_error(res, 400, "bad_request", "fault values must be numbers", false);
      }
      std::lock_guard lock(faults_mutex);
      faults = f;
    }
    MockFaults f = faults_copy();
    nlohmann::json out{{"latency_ms", f.latency_ms}, {"error_rate", f.error_rate}, {"reset_rate", f.reset_rate},
                       {"malformed_rate", f.malformed_rate}, {"token_latency_ms", f.token_latency_ms},
                       {"throttle_rate", f.throttle_rate}, {"retry_after_s", f.retry_after_s}};
    res.set_content(out.dump(), kJson);
  }

  MockFaults faults_copy() const {
    std::lock_guard lock(faults_mutex);
    return faults;
  }

  MockCounters snapshot() const {
    MockCounters c;
    c.register_requests = counters.register_requests;
    c.queries = counters.queries;
    c.token_requests = counters.token_requests;
    c.tokens_issued = counters.tokens_issued;
    c.unauthorized = counters.unauthorized;
    c.injected_errors = counters.injected_errors;
    c.injected_resets = counters.injected_resets;
    c.injected_malformed = counters.injected_malformed;
    c.injected_throttles = counters.injected_throttles;
    c.health_requests = counters.health_requests;
    return c;
  }

  void routes() {
    httplib::Server& s = *server;
    s.Post(std::string(http::kTokenPath), [this](const httplib::Request& q, httplib::Response& r) { handle_token(q, r); });
    s.Post(std::string(http::kLookupPath), [this](const httplib::Request& q, httplib::Response& r) { handle_register(q, r, false); });
    s.Post(std::string(http::kBatchPath), [this](const httplib::Request& q, httplib::Response& r) { handle_register(q, r, true); });
    // Constant answer, no token, no faults: the benchmark's ceiling of the HTTP stack itself.
    s.Get(std::string(http::kHealthPath), [this](const httplib::Request&, httplib::Response& r) {
      ++counters.health_requests;
      r.set_content("{\"protocol\":\"ecid-register/1\",\"status\":\"ok\"}", kJson);
    });
    if (options.admin) {
      auto local_only = [](const httplib::Request& q, httplib::Response& r) {
        if (net::is_loopback_host(q.remote_addr)) return true;
        send_error(r, 403, "forbidden", "the admin endpoints answer loopback callers only", false);
        return false;
      };
      auto faults_handler = [this, local_only](const httplib::Request& q, httplib::Response& r) {
        if (local_only(q, r)) handle_admin_faults(q, r);
      };
      s.Get("/admin/faults", faults_handler);
      s.Post("/admin/faults", faults_handler);
      s.Get("/admin/counters", [this, local_only](const httplib::Request& q, httplib::Response& r) {
        if (!local_only(q, r)) return;
        MockCounters c = snapshot();
        nlohmann::json out{{"register_requests", c.register_requests}, {"queries", c.queries},
                           {"token_requests", c.token_requests}, {"tokens_issued", c.tokens_issued},
                           {"unauthorized", c.unauthorized}, {"injected_errors", c.injected_errors},
                           {"injected_resets", c.injected_resets}, {"injected_malformed", c.injected_malformed},
                           {"injected_throttles", c.injected_throttles}, {"health_requests", c.health_requests}};
        r.set_content(out.dump(), kJson);
      });
      s.Post("/admin/revoke-tokens", [this, local_only](const httplib::Request& q, httplib::Response& r) {
        if (!local_only(q, r)) return;
        std::unique_lock lock(tokens_mutex);
        tokens.clear();
        r.set_content("{\"revoked\":true}", kJson);
      });
    }
    s.set_error_handler([](const httplib::Request&, httplib::Response& r) {
      if (!r.body.empty()) return;
      if (r.status == 404) send_error(r, 404, "not_found", "no such endpoint in ecid-register/1", false);
      else if (r.status == 413) send_error(r, 413, "payload_too_large", "request body too large", false);
      else if (r.status >= 400) send_error(r, r.status, "bad_request", "request refused", false);
    });
    s.set_exception_handler([](const httplib::Request&, httplib::Response& r, std::exception_ptr) {
      send_error(r, 500, "internal", "internal error in the mock register", true);
    });
  }
};

MockRegisterServer::MockRegisterServer(MockRegisterOptions options)
    : MockRegisterServer(options, std::shared_ptr<RegisterBackend>(open_embedded_register(options.register_path))) {}

MockRegisterServer::MockRegisterServer(MockRegisterOptions options, std::shared_ptr<RegisterBackend> backend)
    : impl_(std::make_unique<Impl>()) {
  if (!backend) throw std::invalid_argument("MockRegisterServer needs a register backend");
  impl_->options = std::move(options);
  impl_->backend = std::move(backend);
  impl_->faults = impl_->options.faults;
  impl_->rng.seed(impl_->options.fault_seed);
}

MockRegisterServer::~MockRegisterServer() { stop(); }

std::string unsafe_mock_exposure(const MockRegisterOptions& o) {
  if (!o.require_token || net::is_loopback_host(o.host) || o.client_secret != MockRegisterOptions{}.client_secret)
    return {};
  return "--host " + o.host + " is not a loopback address: the default client secret is public, so anyone on " +
         "the network could take tokens; give your own with --client-secret or ECID_MOCK_CLIENT_SECRET";
}

int MockRegisterServer::start() {
  Impl& m = *impl_;
  if (m.server) throw std::runtime_error("the mock register is already started");
  if (std::string why = unsafe_mock_exposure(m.options); !why.empty()) throw std::runtime_error(why);
  const MockRegisterOptions& o = m.options;
  if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(
        o.tls_cert_file.c_str(), o.tls_key_file.c_str(),
        o.tls_client_ca_file.empty() ? nullptr : o.tls_client_ca_file.c_str());
    if (!tls->is_valid())
      throw std::runtime_error("mock register: cannot load the TLS certificate '" + o.tls_cert_file + "' / key '" +
                               o.tls_key_file + "'");
    m.server = std::move(tls);
    m.tls = true;
  } else {
    m.server = std::make_unique<httplib::Server>();
  }
  const int threads = std::max(4, o.threads);
  m.server->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  m.server->set_keep_alive_max_count(1000000);  // the default (5) would defeat connection reuse
  m.server->set_keep_alive_timeout(10);
  // httplib writes the head and the body separately: with Nagle on, the body waits for the
  // client's delayed ACK (40 ms a request).
  m.server->set_tcp_nodelay(true);
  m.server->set_payload_max_length(size_t{32} << 20);
  m.routes();
  int port = o.port;
  if (port == 0) {
    port = m.server->bind_to_any_port(o.host);
  } else if (!m.server->bind_to_port(o.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    m.server.reset();
    throw std::runtime_error("mock register: cannot listen on " + o.host + ":" + std::to_string(o.port));
  }
  m.port = port;
  m.thread = std::thread([&m] { m.server->listen_after_bind(); });
  for (int i = 0; i < 1000 && !m.server->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return port;
}

void MockRegisterServer::stop() {
  Impl& m = *impl_;
  if (!m.server) return;
  m.server->stop();
  if (m.thread.joinable()) m.thread.join();
  m.server.reset();
}

int MockRegisterServer::port() const { return impl_->port; }

std::string MockRegisterServer::base_url() const {
  std::string host = impl_->options.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(impl_->tls ? "https://" : "http://") + host + ":" + std::to_string(impl_->port);
}

void MockRegisterServer::set_faults(const MockFaults& faults) {
  std::lock_guard lock(impl_->faults_mutex);
  impl_->faults = faults;
}

MockFaults MockRegisterServer::faults() const { return impl_->faults_copy(); }

MockCounters MockRegisterServer::counters() const { return impl_->snapshot(); }

void MockRegisterServer::reset_counters() {
  auto& c = impl_->counters;
  for (auto* a : {&c.register_requests, &c.queries, &c.token_requests, &c.tokens_issued, &c.unauthorized,
                  &c.injected_errors, &c.injected_resets, &c.injected_malformed, &c.injected_throttles,
                  &c.health_requests})
    a->store(0);
}

void MockRegisterServer::revoke_tokens() {
  std::unique_lock lock(impl_->tokens_mutex);
  impl_->tokens.clear();
}

}  // namespace ecid
