// ecid C++ SDK for adapter authors: header-only, sits on contract.h.
//
// Derive from ecid::sdk::Adapter and ecid::sdk::Session, then write once, in one .cpp:
//   ECID_ADAPTER(MyAdapter, "name", "1.0.0", {"RootElement", "urn:ns"})
// The SDK turns every exception into a result code before it reaches the host: throw
// ecid::sdk::InvalidDocument for bad input, anything else becomes ECID_E_INTERNAL.
#ifndef ECID_ADAPTER_HPP
#define ECID_ADAPTER_HPP

#include <ecid/contract.h>

// The ABI minor this adapter relies on, written into its descriptor: it must equal the minor of
// the manifest's `abi`. An adapter that uses something added after 1.0 (e.g. the 1.1 batch
// query kind) defines it before including this header; the others stay 1.0 and so keep
// loading on every 1.x host.
#ifndef ECID_ADAPTER_ABI_MINOR
#define ECID_ADAPTER_ABI_MINOR 0
#endif
static_assert(ECID_ADAPTER_ABI_MINOR <= ECID_ABI_MINOR, "adapter needs a newer contract.h");

#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecid::sdk {

inline std::string_view view(ecid_str s) noexcept {
  return s.ptr ? std::string_view(s.ptr, static_cast<size_t>(s.len)) : std::string_view();
}
inline ecid_str str(std::string_view s) noexcept { return ecid_str{s.data(), s.size()}; }

// Thrown by adapter code for a document it cannot use; becomes ECID_E_INVALID_DOCUMENT.
struct InvalidDocument : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Thrown when a host callback failed; becomes the callback's code.
struct HostFailure : std::runtime_error {
  int32_t code;
  HostFailure(int32_t c, const std::string& what) : std::runtime_error(what), code(c) {}
};

// Read-only view of one register record.
class Record {
 public:
  explicit Record(const ecid_record& r) : r_(&r) {}
  std::optional<std::string_view> value(uint32_t field) const {
    for (uint32_t i = 0; i < r_->value_count; ++i)
      if (r_->values[i].field == field) return view(r_->values[i].value);
    return std::nullopt;
  }
  std::string_view value_or_empty(uint32_t field) const { return value(field).value_or(""); }
  // Outcome of the host's comparison of a claimed field; 0 if that field was not claimed.
  uint32_t check(uint32_t field) const {
    for (uint32_t i = 0; i < r_->check_count; ++i)
      if (r_->checks[i].field == field) return r_->checks[i].outcome;
    return 0;
  }
  std::string_view check_reason(uint32_t field) const {
    for (uint32_t i = 0; i < r_->check_count; ++i)
      if (r_->checks[i].field == field) return view(r_->checks[i].reason);
    return {};
  }
  std::span<const ecid_field_check> checks() const { return {r_->checks, r_->check_count}; }

 private:
  const ecid_record* r_;
};

// Read-only view of one answer.
class Answer {
 public:
  explicit Answer(const ecid_answer& a) : a_(&a) {}
  uint32_t query_id() const { return a_->query_id; }
  uint32_t round() const { return a_->round; }
  uint32_t status() const { return a_->status; }
  bool found() const { return a_->status == ECID_ANSWER_FOUND && a_->record_count > 0; }
  std::string_view source() const { return view(a_->source); }
  std::string_view detail() const { return view(a_->detail); }
  size_t record_count() const { return a_->record_count; }
  Record record(size_t i = 0) const { return Record(a_->records[i]); }
  // The answer as the host gave it, for a member this view does not read (check struct_size).
  const ecid_answer& raw() const { return *a_; }

 private:
  const ecid_answer* a_;
};

class Answers {
 public:
  Answers(const ecid_answer* a, uint32_t n) : a_(a), n_(n) {}
  std::optional<Answer> find(uint32_t query_id) const {
    for (uint32_t i = 0; i < n_; ++i)
      if (a_[i].query_id == query_id) return Answer(a_[i]);
    return std::nullopt;
  }
  size_t size() const { return n_; }
  Answer operator[](size_t i) const { return Answer(a_[i]); }

 private:
  const ecid_answer* a_;
  uint32_t n_;
};

struct Claim {
  uint32_t field;
  std::string_view value;
};

// Builds queries for the host during plan().
class Planner {
 public:
  explicit Planner(const ecid_plan_sink* sink) : sink_(sink) {}
  uint32_t ask(uint32_t kind, std::string_view subject_ref, std::string_view key,
               std::string_view purpose, std::initializer_list<Claim> claims,
               std::initializer_list<uint32_t> fields) {
    return ask(kind, subject_ref, key, purpose, std::span<const Claim>(claims.begin(), claims.size()),
               std::span<const uint32_t>(fields.begin(), fields.size()));
  }
  uint32_t ask(uint32_t kind, std::string_view subject_ref, std::string_view key,
               std::string_view purpose, std::span<const Claim> claims,
               std::span<const uint32_t> fields) {
    // Batches ask one query per record: no allocation for the usual handful of claims.
    ecid_claim small[8];
    std::vector<ecid_claim> large;
    ecid_claim* c = small;
    if (claims.size() > std::size(small)) {
      large.resize(claims.size());
      c = large.data();
    }
    for (size_t i = 0; i < claims.size(); ++i) c[i] = ecid_claim{sizeof(ecid_claim), claims[i].field, str(claims[i].value)};
    ecid_query q{};
    q.struct_size = sizeof(ecid_query);
    q.kind = kind;
    q.subject_ref = str(subject_ref);
    q.key = str(key);
    q.purpose = str(purpose);
    q.claims = c;
    q.claim_count = static_cast<uint32_t>(claims.size());
    q.fields = fields.data();
    q.field_count = static_cast<uint32_t>(fields.size());
    q.record = record_;
    uint32_t id = 0;
    int32_t rc = sink_->add_query(sink_->ctx, &q, &id);
    if (rc != ECID_OK) throw HostFailure(rc, "host refused a planned query");
    ++count_;
    return id;
  }
  size_t count() const { return count_; }
  // The 1-based record of a batch document the next queries are about (contract 1.3); 0: none.
  void set_record(uint32_t record) { record_ = record; }

 private:
  const ecid_plan_sink* sink_;
  size_t count_ = 0;
  uint32_t record_ = 0;
};

// A finding an adapter holds before it reports it: one it knew from the document alone, or
// one an answer gave (ecid/sdk_answers.hpp). Reporter::add gives it its subject.
struct Finding {
  uint32_t code;      // ecid_finding_code
  uint32_t severity;  // ecid_severity
  uint32_t field = 0;
  std::string value;
  std::string detail;
};

// Emits findings during assess().
class Reporter {
 public:
  explicit Reporter(const ecid_report_sink* sink) : sink_(sink) {}
  void add(uint32_t code, uint32_t severity, std::string_view subject_ref, uint32_t field = 0,
           std::string_view value = {}, std::string_view detail = {}) {
    ecid_finding f{};
    f.struct_size = sizeof(ecid_finding);
    f.code = code;
    f.severity = severity;
    f.field = field;
    f.subject_ref = str(subject_ref);
    f.value = str(value);
    f.detail = str(detail);
    f.record = record_;
    int32_t rc = sink_->add_finding(sink_->ctx, &f);
    if (rc != ECID_OK) throw HostFailure(rc, "host refused a finding");
  }
  void add(std::string_view subject_ref, const Finding& f) {
    add(f.code, f.severity, subject_ref, f.field, f.value, f.detail);
  }
  void document_ref(std::string_view ref) {
    if (sink_->set_document_ref) sink_->set_document_ref(sink_->ctx, str(ref));
  }
  // The 1-based record of a batch document the next findings are about (contract 1.3); 0: none.
  void set_record(uint32_t record) { record_ = record; }

 private:
  const ecid_report_sink* sink_;
  uint32_t record_ = 0;
};

// Host services for adapter code (personal ID rules, dates, log, clock).
class Host {
 public:
  explicit Host(const ecid_host_services* h) : h_(h) {}
  ecid_personal_id_info decode_personal_id(std::string_view id) const {
    ecid_personal_id_info info{};
    info.struct_size = sizeof info;
    h_->decode_personal_id(h_->ctx, str(id), &info);
    return info;
  }
  std::optional<ecid_date> parse_date(std::string_view text) const {
    ecid_date d{};
    d.struct_size = sizeof d;
    if (h_->parse_date(h_->ctx, str(text), &d) != ECID_OK) return std::nullopt;
    return d;
  }
  int64_t now() const { return h_->now(h_->ctx); }
  void log(uint32_t level, std::string_view message) const { h_->log(h_->ctx, level, str(message)); }
  const ecid_host_services* raw() const { return h_; }

 private:
  const ecid_host_services* h_;
};

// One document being checked. Used by one thread at a time.
class Session {
 public:
  virtual ~Session() = default;
  // The document's own reference (case number, record id), as open() read it. The host stamps it
  // on the audit row and the register request of every look-up of the document, so it is asked
  // for right after open(), before the first query; empty when the document has none.
  virtual std::string_view document_ref() const { return {}; }
  virtual void plan(uint32_t round, const Answers& answers, Planner& planner) = 0;
  virtual void assess(const Answers& answers, Reporter& reporter) = 0;
};

// The adapter instance: shared by all threads, so open() must be thread-safe.
class Adapter {
 public:
  explicit Adapter(Host host) : host_(host) {}
  virtual ~Adapter() = default;
  virtual std::unique_ptr<Session> open(std::string_view document) = 0;
  const Host& host() const { return host_; }

 private:
  Host host_;
};

namespace detail {

inline void report_error(const ecid_report_sink* sink, std::string_view message) noexcept {
  if (sink && sink->set_error) sink->set_error(sink->ctx, str(message));
}

// Runs f and maps every exception to a result code; nothing escapes across the C boundary.
template <class F>
int32_t guarded(const ecid_report_sink* diagnostics, F&& f) noexcept {
  try {
    f();
    return ECID_OK;
  } catch (const InvalidDocument& e) {
    report_error(diagnostics, e.what());
    return ECID_E_INVALID_DOCUMENT;
  } catch (const HostFailure& e) {
    report_error(diagnostics, e.what());
    return e.code;
  } catch (const std::bad_alloc&) {
    report_error(diagnostics, "out of memory");
    return ECID_E_NO_MEMORY;
  } catch (const std::exception& e) {
    report_error(diagnostics, e.what());
    return ECID_E_INTERNAL;
  } catch (...) {
    report_error(diagnostics, "unknown exception in adapter");
    return ECID_E_INTERNAL;
  }
}

template <class A>
struct Glue {
  static int32_t create(const ecid_host_services* host, void** out) noexcept {
    if (!host || !out) return ECID_E_ARGUMENT;
    if (host->struct_size < sizeof(ecid_host_services) || host->abi_major != ECID_ABI_MAJOR)
      return ECID_E_UNSUPPORTED;
    return guarded(nullptr, [&] { *out = new A(Host(host)); });
  }
  static void destroy(void* instance) noexcept { delete static_cast<A*>(instance); }
  static int32_t open_document(void* instance, ecid_str doc, const ecid_report_sink* diag,
                               void** out) noexcept {
    if (!instance || !out) return ECID_E_ARGUMENT;
    *out = nullptr;
    return guarded(diag, [&] {
      std::unique_ptr<Session> session = static_cast<A*>(instance)->open(view(doc));
      const std::string_view ref = session ? session->document_ref() : std::string_view();
      if (!ref.empty() && diag && diag->set_document_ref) diag->set_document_ref(diag->ctx, str(ref));
      *out = session.release();  // null: the host reports ECID_OK without a session
    });
  }
  static int32_t plan(void* session, uint32_t round, const ecid_answer* answers, uint32_t n,
                      const ecid_plan_sink* sink, const ecid_report_sink* diag) noexcept {
    if (!session || !sink || (n && !answers)) return ECID_E_ARGUMENT;
    return guarded(diag, [&] {
      Planner planner(sink);
      static_cast<Session*>(session)->plan(round, Answers(answers, n), planner);
    });
  }
  static int32_t assess(void* session, const ecid_answer* answers, uint32_t n,
                        const ecid_report_sink* report) noexcept {
    if (!session || !report || (n && !answers)) return ECID_E_ARGUMENT;
    return guarded(report, [&] {
      Reporter reporter(report);
      static_cast<Session*>(session)->assess(Answers(answers, n), reporter);
    });
  }
  static void close_document(void* session) noexcept { delete static_cast<Session*>(session); }
};

}  // namespace detail
}  // namespace ecid::sdk

#if defined(_WIN32)
#define ECID_EXPORT extern "C" __declspec(dllexport)
#else
#define ECID_EXPORT extern "C" __attribute__((visibility("default")))
#endif

// Defines the adapter's descriptor and its one exported entry function.
// Document types are {root, namespace} pairs.
#define ECID_ADAPTER(AdapterClass, NAME, VERSION, ...)                                          \
  namespace {                                                                                   \
  const ecid_document_type ecid_sdk_document_types[] = {__VA_ARGS__};                           \
  const ecid_adapter_v1 ecid_sdk_descriptor = {                                                 \
      sizeof(ecid_adapter_v1),                                                                  \
      ECID_ABI_MAJOR,                                                                           \
      ECID_ADAPTER_ABI_MINOR,                                                                   \
      NAME,                                                                                     \
      VERSION,                                                                                  \
      sizeof(ecid_sdk_document_types) / sizeof(ecid_sdk_document_types[0]),                    \
      ecid_sdk_document_types,                                                                  \
      &::ecid::sdk::detail::Glue<AdapterClass>::create,                                         \
      &::ecid::sdk::detail::Glue<AdapterClass>::destroy,                                        \
      &::ecid::sdk::detail::Glue<AdapterClass>::open_document,                                  \
      &::ecid::sdk::detail::Glue<AdapterClass>::plan,                                           \
      &::ecid::sdk::detail::Glue<AdapterClass>::assess,                                         \
      &::ecid::sdk::detail::Glue<AdapterClass>::close_document};                                \
  }                                                                                             \
  ECID_EXPORT const ecid_adapter_v1* ecid_adapter_entry_v1(uint16_t host_major,                 \
                                                           uint16_t host_minor) {              \
    (void)host_minor; /* an adapter of minor m runs on any host of minor >= m: host checks */   \
    return host_major == ECID_ABI_MAJOR ? &ecid_sdk_descriptor : nullptr;                       \
  }

#define ECID_DOCUMENT_TYPE(ROOT, NS) {sizeof(ecid_document_type), ROOT, NS}

#endif  // ECID_ADAPTER_HPP
