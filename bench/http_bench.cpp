// Register lookups per second and latency on loopback: the embedded register, the HTTP
// backend one query per request (sequential and concurrent), the HTTP backend in batches,
// and — in the same run, against the same server process — the raw ceiling of libcurl multi
// on a constant endpoint. Prints medians of several runs and the ratios the goals are set on:
//   concurrent one-by-one ≥ 60% of the raw ceiling; batch ≥ 50% of the embedded rate.
//
//   http_bench [--people 200000] [--runs 5] [--concurrency 16] [--batch 100]
//              [--batch-concurrency 4] [--register FILE]
#include <ecid/contract.h>
#include <ecid/http_register.hpp>
#include <ecid/mock_register.hpp>
#include <ecid/register.hpp>
#include <ecid/seed.hpp>

#include <curl/curl.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Measure {
  double per_second = 0;
  double p50_us = 0, p99_us = 0;
  size_t wrong = 0;  // answers that were not FOUND (all queried IDs exist)
  double cpu_us = 0;  // process CPU (client and in-process server) per lookup
};

// Process CPU time (user + system, all threads) in microseconds.
double cpu_now_us() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  size_t k = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

ecid::FieldSet court_fields() {
  return {ECID_F_PERSONAL_ID, ECID_F_FULL_NAME, ECID_F_BIRTH_DATE, ECID_F_SEX, ECID_F_DEATH_DATE,
          ECID_F_CURRENT_RESIDENCE, ECID_F_TEMPORARY_RESIDENCE, ECID_F_PERMANENT_RESIDENCE};
}

std::vector<std::string> all_ids(const std::string& path) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  std::vector<std::string> ids;
  if (sqlite3_prepare_v2(db, "SELECT printf('%012d', pid) FROM person", -1, &s, nullptr) == SQLITE_OK)
    while (sqlite3_step(s) == SQLITE_ROW) ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  sqlite3_close(db);
  return ids;
}

std::vector<ecid::LookupRequest> make_requests(const std::vector<std::string>& ids, size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<ecid::LookupRequest> out(n);
  for (auto& r : out) {
    r.kind = ECID_Q_PERSON_BY_ID;
    r.key = ids[rng() % ids.size()];
    r.fields = court_fields();
    r.purpose = "court.case_filing";
    r.document_ref = "BENCH-1";
  }
  return out;
}

size_t count_wrong(const std::vector<ecid::LookupResult>& results) {
  return static_cast<size_t>(std::count_if(results.begin(), results.end(),
                                           [](const auto& r) { return r.status != ECID_ANSWER_FOUND; }));
}

// Calls of `per_call` queries, one after the other; latency is per call.
Measure run_calls(ecid::RegisterBackend& backend, const std::vector<ecid::LookupRequest>& requests, size_t per_call) {
  std::vector<ecid::LookupResult> results(requests.size());
  std::vector<double> latencies;
  const double cpu0 = cpu_now_us();
  auto t0 = Clock::now();
  for (size_t at = 0; at < requests.size(); at += per_call) {
    size_t n = std::min(per_call, requests.size() - at);
    auto c0 = Clock::now();
    backend.lookup(std::span(requests).subspan(at, n), std::span(results).subspan(at, n));
    latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - c0).count());
  }
  Measure m;
  m.per_second = static_cast<double>(requests.size()) / seconds_since(t0);
  m.cpu_us = (cpu_now_us() - cpu0) / static_cast<double>(requests.size());
  m.p50_us = percentile(latencies, 0.5);
  m.p99_us = percentile(latencies, 0.99);
  m.wrong = count_wrong(results);
  return m;
}

// One lookup() call with every query (what the executor hands over); latency per HTTP request.
Measure run_one_call(ecid::RegisterBackend& backend, const std::vector<ecid::LookupRequest>& requests,
                     std::vector<double>& exchange_latencies) {
  exchange_latencies.clear();
  std::vector<ecid::LookupResult> results(requests.size());
  const double cpu0 = cpu_now_us();
  auto t0 = Clock::now();
  backend.lookup(requests, results);
  Measure m;
  m.per_second = static_cast<double>(requests.size()) / seconds_since(t0);
  m.cpu_us = (cpu_now_us() - cpu0) / static_cast<double>(requests.size());
  m.p50_us = percentile(exchange_latencies, 0.5);
  m.p99_us = percentile(exchange_latencies, 0.99);
  m.wrong = count_wrong(results);
  return m;
}

size_t discard(char*, size_t s, size_t n, void*) { return s * n; }

// The ceiling: libcurl multi, `concurrency` kept-alive GETs of a constant answer.
Measure raw_ceiling(const std::string& url, int concurrency, size_t total) {
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(concurrency));
  std::vector<CURL*> easy(static_cast<size_t>(concurrency));
  std::vector<Clock::time_point> started(easy.size());
  std::vector<double> latencies;
  latencies.reserve(total);
  size_t issued = 0, done = 0, failed = 0;
  const double cpu0 = cpu_now_us();
  auto t0 = Clock::now();
  for (size_t i = 0; i < easy.size(); ++i) {
    easy[i] = curl_easy_init();
    curl_easy_setopt(easy[i], CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(easy[i], CURLOPT_PRIVATE, reinterpret_cast<void*>(i));
    curl_easy_setopt(easy[i], CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy[i], CURLOPT_PROXY, "");  // loopback, never via http_proxy: as the client it measures
    if (issued < total) {
      started[i] = Clock::now();
      curl_multi_add_handle(multi, easy[i]);
      ++issued;
    }
  }
  while (done < total) {
    int running = 0;
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      void* p = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &p);
      size_t i = reinterpret_cast<size_t>(p);
      failed += msg->data.result != CURLE_OK;
      latencies.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started[i]).count());
      ++done;
      curl_multi_remove_handle(multi, easy[i]);
      if (issued < total) {
        started[i] = Clock::now();
        curl_multi_add_handle(multi, easy[i]);
        ++issued;
      }
    }
    if (done < total) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
  Measure m;
  m.per_second = static_cast<double>(total) / seconds_since(t0);
  m.cpu_us = (cpu_now_us() - cpu0) / static_cast<double>(total);
  m.p50_us = percentile(latencies, 0.5);
  m.p99_us = percentile(latencies, 0.99);
  m.wrong = failed;
  for (CURL* e : easy) curl_easy_cleanup(e);
  curl_multi_cleanup(multi);
  return m;
}

Measure median(std::vector<Measure> runs) {
  auto by = [&](auto field) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(r.*field);
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  Measure m;
  m.per_second = by(&Measure::per_second);
  m.p50_us = by(&Measure::p50_us);
  m.p99_us = by(&Measure::p99_us);
  m.cpu_us = by(&Measure::cpu_us);
  for (const auto& r : runs) m.wrong += r.wrong;
  return m;
}

long arg(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name) return std::atol(argv[i + 1]);
  return fallback;
}

std::string arg_text(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name) return argv[i + 1];
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  const long people = arg(argc, argv, "--people", 200000);
  const int runs = static_cast<int>(arg(argc, argv, "--runs", 5));
  const int concurrency = static_cast<int>(arg(argc, argv, "--concurrency", 16));
  const int batch = static_cast<int>(arg(argc, argv, "--batch", 100));
  const int batch_concurrency = static_cast<int>(arg(argc, argv, "--batch-concurrency", 4));
  std::string path = arg_text(argc, argv, "--register");
  // Modes to run (for profiling one of them): e embedded, s sequential, c concurrent, b batch, r raw.
  std::string modes = arg_text(argc, argv, "--modes");
  if (modes.empty()) modes = "escbr";
  auto on = [&](char m) { return modes.find(m) != std::string::npos; };
  std::filesystem::path temp;
  if (path.empty()) {
    temp = std::filesystem::temp_directory_path() / ("ecid-http-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(temp);
    path = (temp / "register.db").string();
    ecid::SeedOptions o;
    o.people = static_cast<uint64_t>(people);
    o.seed = 1;
    o.path = path;
    auto t0 = Clock::now();
    ecid::seed_register(o);
    std::printf("seeded %ld people in %.1f s\n", people, seconds_since(t0));
  }
  const std::vector<std::string> ids = all_ids(path);

  ecid::MockRegisterOptions mo;
  mo.register_path = path;
  mo.threads = std::max(64, 2 * concurrency + 8);
  std::signal(SIGPIPE, SIG_IGN);  // the in-process mock must survive clients that hang up
  ecid::MockRegisterServer server(mo);
  server.start();
  curl_global_init(CURL_GLOBAL_DEFAULT);

  auto embedded = ecid::open_embedded_register(path);
  std::vector<double> exchange_latencies;
  std::mutex latency_mutex;
  ecid::HttpRegisterHooks hooks;
  hooks.on_exchange = [&](const ecid::HttpExchange& e) {
    std::lock_guard lock(latency_mutex);
    exchange_latencies.push_back(static_cast<double>(e.latency.count()));
  };
  auto config = [&](int c, int b) {
    ecid::HttpRegisterConfig h;
    h.base_url = server.base_url();
    h.client_id = mo.client_id;
    h.client_secret = mo.client_secret;
    h.concurrency = c;
    h.batch_size = b;
    h.deadline_ms = 600000;
    return h;
  };
  // Each HTTP mode gets a backend of its own, opened (token, connections warmed) before and
  // closed after its measurement, so no other mode's idle connections are open meanwhile.
  auto measure_http = [&](int c, int b, bool hooked, const std::vector<ecid::LookupRequest>& requests,
                          bool one_call) {
    auto backend = ecid::open_http_register(config(c, b), hooked ? hooks : ecid::HttpRegisterHooks{});
    run_calls(*backend, make_requests(ids, static_cast<size_t>(c * b), 7), static_cast<size_t>(c * b));
    return one_call ? run_one_call(*backend, requests, exchange_latencies) : run_calls(*backend, requests, 1);
  };

  const size_t n_embedded = 200000, n_sequential = 3000, n_concurrent = 30000, n_batch = 200000;
  // Warm up the page cache and the server's threads.
  run_calls(*embedded, make_requests(ids, 20000, 99), static_cast<size_t>(batch));
  raw_ceiling(server.base_url() + "/v1/health", concurrency, 2000);

  std::vector<Measure> m_embedded, m_sequential, m_concurrent, m_batch, m_raw;
  for (int r = 0; r < runs; ++r) {
    uint64_t seed = 1000 + static_cast<uint64_t>(r);
    Measure none;
    m_embedded.push_back(on('e') ? run_calls(*embedded, make_requests(ids, n_embedded, seed), static_cast<size_t>(batch)) : none);
    m_raw.push_back(on('r') ? raw_ceiling(server.base_url() + "/v1/health", concurrency, n_concurrent) : none);
    m_concurrent.push_back(on('c') ? measure_http(concurrency, 1, true, make_requests(ids, n_concurrent, seed + 1), true) : none);
    m_batch.push_back(on('b') ? measure_http(batch_concurrency, batch, true, make_requests(ids, n_batch, seed + 2), true) : none);
    m_sequential.push_back(on('s') ? measure_http(1, 1, false, make_requests(ids, n_sequential, seed + 3), false) : none);
  }
  server.stop();
  Measure e = median(m_embedded), s = median(m_sequential), c = median(m_concurrent), b = median(m_batch),
          raw = median(m_raw);

  std::printf("\nhttp_bench: %zu people, medians of %d runs, loopback, in-process mock register\n", ids.size(), runs);
  std::printf("%-52s %10s %9s %9s %11s %6s\n", "mode", "lookups/s", "p50 us", "p99 us", "cpu us/op", "wrong");
  auto row = [](const std::string& name, const Measure& m) {
    std::printf("%-52s %10.0f %9.0f %9.0f %11.1f %6zu\n", name.c_str(), m.per_second, m.p50_us, m.p99_us, m.cpu_us,
                m.wrong);
  };
  row("embedded (calls of " + std::to_string(batch) + ", latency per call)", e);
  row("http one-by-one, sequential", s);
  row("http one-by-one, " + std::to_string(concurrency) + " in flight", c);
  row("http batch " + std::to_string(batch) + ", " + std::to_string(batch_concurrency) + " in flight (latency per batch)", b);
  row("raw libcurl multi GET /v1/health, " + std::to_string(concurrency) + " in flight", raw);
  const double concurrent_ratio = c.per_second / raw.per_second;
  const double batch_ratio = b.per_second / e.per_second;
  std::printf("\nconcurrent one-by-one / raw ceiling: %.2f (goal >= 0.60) %s\n", concurrent_ratio,
              concurrent_ratio >= 0.6 ? "met" : "NOT MET");
  std::printf("batch / embedded:                     %.2f (goal >= 0.50) %s\n", batch_ratio,
              batch_ratio >= 0.5 ? "met" : "NOT MET");
  std::printf("concurrent / sequential:              %.1fx\n", c.per_second / s.per_second);
  if (!temp.empty()) std::filesystem::remove_all(temp);
  return e.wrong + s.wrong + c.wrong + b.wrong + raw.wrong == 0 ? 0 : 1;
}
