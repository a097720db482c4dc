// Engine: document → adapter plan (round by round) → policy gate → registers → assess.
#include <ecid/audit.hpp>
#include <ecid/eid.hpp>
#include <ecid/engine.hpp>
#include <ecid/http_register.hpp>
#include <ecid/fields.hpp>
#include <ecid/findings.hpp>
#include <ecid/log.hpp>
#include <ecid/matching.hpp>

#include "adapter_output.hpp"
#include "eid/replay_cache.hpp"
#include "policy_gate.hpp"

#include <pugixml.hpp>

#include <filesystem>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <map>

namespace ecid {
namespace {

constexpr size_t kMaxQueriesPerDocument = 20000;
constexpr size_t kMaxFindingsPerDocument = 50000;
constexpr size_t kMaxDocumentBytes = 256u * 1024 * 1024;

std::string_view sv(ecid_str s) { return view(s); }
ecid_str cs(const std::string& s) { return ecid_str{s.data(), s.size()}; }

struct PlannedQuery {
  uint32_t id = 0;
  uint32_t round = 0;
  uint32_t kind = 0;
  std::string subject_ref;
  std::string key;
  std::string purpose;
  std::vector<Claim> claims;
  FieldSet requested;
  bool malformed = false;  // the adapter sent something the host cannot accept
  std::string malformed_reason;
};

// An answer and the memory its C view points into. Stored in a deque: addresses stay put.
struct OwnedAnswer {
  uint32_t query_id = 0;
  uint32_t round = 0;
  uint32_t status = 0;
  std::string source;
  std::string detail;
  std::vector<RegisterRecord> records;  // trimmed to the disclosed fields
  std::vector<std::vector<FieldCheck>> checks;
  // Other people the answer disclosed (record index, personal ID), for the audit.
  std::vector<std::pair<size_t, std::string>> disclosed;
  std::vector<std::vector<ecid_field_value>> c_values;
  std::vector<std::vector<ecid_field_check>> c_checks;
  std::vector<ecid_record> c_records;

  ecid_answer view() {
    c_values.assign(records.size(), {});
    c_checks.assign(records.size(), {});
    c_records.clear();
    for (size_t i = 0; i < records.size(); ++i) {
      for (const auto& [f, v] : records[i].values) c_values[i].push_back({sizeof(ecid_field_value), f, cs(v)});
      if (i < checks.size())
        for (const auto& c : checks[i]) c_checks[i].push_back({sizeof(ecid_field_check), c.field, c.outcome, cs(c.reason)});
      c_records.push_back({sizeof(ecid_record), static_cast<uint32_t>(c_values[i].size()), c_values[i].data(),
                           static_cast<uint32_t>(c_checks[i].size()), c_checks[i].data()});
    }
    ecid_answer a{};
    a.struct_size = sizeof(ecid_answer);
    a.query_id = query_id;
    a.round = round;
    a.status = status;
    a.source = cs(source);
    a.detail = cs(detail);
    a.record_count = static_cast<uint32_t>(c_records.size());
    a.records = c_records.data();
    return a;
  }
};

// Collects what the adapter says through the sinks; never trusts it.
struct DocumentState {
  std::vector<PlannedQuery> pending;
  uint32_t next_query_id = 1;
  uint32_t round = 0;
  std::string error;
  std::string document_ref;
  std::string file_ref;  // audit_file_reference: when the adapter gives no document_ref
  std::vector<Finding> findings;
  std::string findings_error;
};

int32_t sink_add_query(void* ctx, const ecid_query* q, uint32_t* out_id) noexcept {
  auto* st = static_cast<DocumentState*>(ctx);
  if (!q || !out_id) return ECID_E_ARGUMENT;
  try {
    if (st->next_query_id > kMaxQueriesPerDocument) return ECID_E_LIMIT;
    PlannedQuery p;
    p.id = st->next_query_id++;
    p.round = st->round;
    p.malformed_reason = query_problem(*q);
    p.malformed = !p.malformed_reason.empty();
    if (q->struct_size >= sizeof(ecid_query)) {
      p.kind = q->kind;
      p.subject_ref = std::string(sv(q->subject_ref).substr(0, kMaxSubjectRefBytes));
      p.purpose = std::string(sv(q->purpose).substr(0, kMaxPurposeBytes));
    }
    if (!p.malformed) {
      p.key = std::string(sv(q->key));
      for (uint32_t i = 0; i < q->claim_count; ++i)
        p.claims.push_back({q->claims[i].field, std::string(sv(q->claims[i].value))});
      for (uint32_t i = 0; i < q->field_count; ++i) p.requested.add(q->fields[i]);
    }
    *out_id = p.id;
    st->pending.push_back(std::move(p));
    return ECID_OK;
  } catch (...) {
    return ECID_E_NO_MEMORY;
  }
}

int32_t sink_add_finding(void* ctx, const ecid_finding* f) noexcept {
  auto* st = static_cast<DocumentState*>(ctx);
  if (!f) return ECID_E_ARGUMENT;
  try {
    if (st->findings.size() >= kMaxFindingsPerDocument) return ECID_E_LIMIT;
    if (std::string why = finding_problem(*f); !why.empty()) {
      st->findings_error = std::move(why);
      return ECID_E_ARGUMENT;
    }
    st->findings.push_back({f->code, f->severity, f->field, std::string(sv(f->subject_ref)),
                            std::string(sv(f->value)), std::string(sv(f->detail))});
    return ECID_OK;
  } catch (...) {
    return ECID_E_NO_MEMORY;
  }
}



}  // namespace

int DocumentReport::exit_class() const {
  if (!ok) return 2;
  for (const auto& f : findings)
    if (f.severity != ECID_SEVERITY_OK) return 1;
  return 0;
}

namespace {

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

}  // namespace

struct Engine::Impl {
  Config config;
  AdapterRegistry registry;
  std::shared_ptr<RegisterBackend> population;
  std::unique_ptr<eid::Verifier> verifier;  // null when no issuer is configured
  std::unique_ptr<eid::ReplayCache> replay;  // with the verifier: tokens already used, per document
  std::unique_ptr<AuditLog> audit;          // null when no audit trail is configured
  // The configured issuer is a test one (is_test_issuer): its "verified" means nothing, and the
  // report and the audit trail say so on every verification.
  bool test_issuer = false;
  std::function<bool()> stop;  // see Engine::set_stop

  // What the audit rows and the eID replay binding call the document: one value for both.
  static const std::string& document_ref_of(const DocumentState& st) {
    return st.document_ref.empty() ? st.file_ref : st.document_ref;
  }

  // One audit row per query, refusals included, before the adapter sees any answer.
  void audit_round(const LoadedAdapter& a, const std::vector<PlannedQuery>& batch,
                   const std::vector<OwnedAnswer>& answers, const std::string& document_ref) {
    if (!audit) return;
    const AdapterPolicy* ap = config.policy_for(a.manifest.name);
    std::vector<AuditEvent> events;
    events.reserve(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      const PlannedQuery& q = batch[i];
      const OwnedAnswer& oa = answers[i];
      AuditEvent e;
      e.kind = oa.source == "policy" ? kAuditPolicyRefusal
               : q.kind == ECID_Q_EID_ASSERTION ? kAuditIdentityVerification
                                                : kAuditRegisterQuery;
      e.adapter = a.manifest.name;
      e.adapter_version = a.manifest.version;
      e.purpose = q.purpose;
      const PurposePolicy* pp = ap ? ap->find(q.purpose) : nullptr;
      e.legal_basis = pp ? pp->legal_basis : "";
      e.document_ref = document_ref;
      e.subject_id = audit_subject_of(q.kind, q.key, q.claims);
      if (!oa.records.empty())
        for (const auto& [f, v] : oa.records.front().values) e.fields_disclosed.emplace_back(field_name(f));
      e.outcome = std::string(answer_status_name(oa.status));
      if (oa.status == ECID_ANSWER_REFUSED || oa.status == ECID_ANSWER_REJECTED) e.outcome += ": " + oa.detail;
      if (q.kind == ECID_Q_EID_ASSERTION && oa.source == "eid" && test_issuer) e.outcome += test_issuer_note();
      std::vector<AuditEvent> disclosures;
      for (const auto& [record, person] : oa.disclosed) {
        AuditEvent d = e;
        make_disclosure(d, q.kind, person, oa.records[record]);
        disclosures.push_back(std::move(d));
      }
      events.push_back(std::move(e));
      for (AuditEvent& d : disclosures) events.push_back(std::move(d));
    }
    audit->append_batch(events);
  }

  std::string test_issuer_note() const {
    return " (TEST issuer " + config.eid.issuer + ": not a genuine identity)";
  }

  // An identity assertion: signature and claims by the verifier, bound to the party's ID,
  // then the token's name and birth date cross-checked with the register.
  // `document_ref` is what the token is bound to: a token already used with another document is
  // a replay.
  void answer_assertion(const PlannedQuery& q, OwnedAnswer& oa, const std::string& document_ref) {
    oa.source = "eid";
    if (!verifier) {
      oa.status = ECID_ANSWER_UNAVAILABLE;
      oa.detail = "no electronic-identity issuer is configured (eid: in the configuration)";
      return;
    }
    std::string party_id;
    int min_level = 2;
    std::optional<std::string> nonce;
    for (const Claim& c : q.claims) {
      if (c.field == ECID_F_PERSONAL_ID) party_id = c.value;
      if (c.field == ECID_F_EID_LEVEL && !c.value.empty() && c.value.size() < 3) min_level = std::atoi(c.value.c_str());
      if (c.field == ECID_F_EID_NONCE && !c.value.empty()) nonce = c.value;
    }
    if (!nonce && config.eid.require_nonce) {
      oa.status = ECID_ANSWER_REJECTED;
      oa.detail = "bad_nonce: the document carries no nonce for its token, and eid.require_nonce is set";
      return;
    }
    eid::AssertionCheck check = verifier->verify_for_party(q.key, eid::ExpectedParty{party_id, min_level, nonce, 0});
    if (check.verdict == eid::Verdict::KeysUnavailable) {
      oa.status = ECID_ANSWER_UNAVAILABLE;
      oa.detail = std::string(eid::verdict_code(check.verdict)) + ": " + check.reason;
      return;
    }
    if (!check.verified()) {
      oa.status = ECID_ANSWER_REJECTED;
      oa.detail = std::string(eid::verdict_code(check.verdict)) + ": " + check.reason;
      return;
    }
    const eid::VerifiedClaims& claims = *check.claims;
    try {
      const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch()).count();
      if (!replay->bind(eid::replay_token_key(claims, q.key), eid::replay_document_key(document_ref),
                        claims.expires_at + config.eid.clock_skew_s, now)) {
        oa.status = ECID_ANSWER_REJECTED;
        oa.detail = "replayed: this token was already used with another document";
        return;
      }
    } catch (const std::exception& e) {
      oa.status = ECID_ANSWER_UNAVAILABLE;
      oa.detail = std::string("the replay cache could not be read: ") + e.what();
      return;
    }
    std::vector<Claim> token_claims{{ECID_F_FULL_NAME, claims.full_name}, {ECID_F_BIRTH_DATE, claims.birth_date.iso()}};
    LookupRequest r;
    r.kind = ECID_Q_PERSON_BY_ID;
    r.key = claims.personal_id;
    r.claims = token_claims;
    r.fields = fields_needed_for_checks(token_claims, false);
    r.purpose = q.purpose;
    std::vector<LookupResult> results(1);
    population->lookup(std::span<const LookupRequest>(&r, 1), results);
    RegisterRecord disclosed;
    if (q.requested.has(ECID_F_EID_LEVEL)) disclosed.values.emplace_back(ECID_F_EID_LEVEL, std::to_string(claims.level.account));
    std::vector<FieldCheck> checks;
    if (results[0].status == ECID_ANSWER_FOUND && !results[0].records.empty()) {
      checks = check_claims(token_claims, results[0].records.front(), false);
      for (FieldCheck& c : checks)
        if (c.field == ECID_F_FULL_NAME && c.outcome == ECID_CHECK_NEEDS_REVIEW && is_ascii(claims.full_name)) {
          // VNeID may send names without diacritics; the ID binding is cryptographic, the name a cross-check.
          c.outcome = ECID_CHECK_MATCH_PARTIAL;
          c.reason = "the token's name has no diacritics; it agrees without them";
        }
    } else if (results[0].status == ECID_ANSWER_NOT_FOUND) {
      checks.push_back({ECID_F_PERSONAL_ID, ECID_CHECK_MISMATCH, "the token's personal ID is not on the register"});
    } else {
      oa.status = ECID_ANSWER_UNAVAILABLE;
      oa.detail = "token verified but the register could not cross-check it: " + results[0].detail;
      return;
    }
    oa.status = ECID_ANSWER_FOUND;
    oa.detail = "verified at account level " + std::to_string(claims.level.account);
    if (test_issuer) oa.detail += test_issuer_note();
    oa.records.push_back(std::move(disclosed));
    oa.checks.push_back(std::move(checks));
  }

  void run_round(const LoadedAdapter& a, DocumentState& st, std::deque<OwnedAnswer>& answers,
                 DocumentReport& report) {
    std::vector<PlannedQuery> batch = std::move(st.pending);
    st.pending.clear();
    std::vector<LookupRequest> requests;
    std::vector<size_t> request_owner;  // index into batch
    std::vector<OwnedAnswer> round_answers(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      const PlannedQuery& q = batch[i];
      OwnedAnswer& oa = round_answers[i];
      oa.query_id = q.id;
      oa.round = q.round;
      if (q.malformed) {
        oa.status = ECID_ANSWER_REFUSED;
        oa.source = "host";
        oa.detail = "malformed query: " + q.malformed_reason;
        continue;
      }
      if (std::string why = policy_refusal(config, a.manifest, q.kind, q.purpose, q.requested); !why.empty()) {
        oa.status = ECID_ANSWER_REFUSED;
        oa.source = "policy";
        oa.detail = "refused by policy: " + why;
        log::info("query refused by policy for adapter " + a.manifest.name + ": " + why);
        continue;
      }
      if (q.kind == ECID_Q_EID_ASSERTION) {
        answer_assertion(q, oa, document_ref_of(st));
        continue;
      }
      if (!is_register_kind(q.kind)) {
        oa.status = ECID_ANSWER_UNAVAILABLE;
        oa.source = "host";
        oa.detail = std::string("no service for ") + std::string(query_kind_name(q.kind)) + " is configured";
        continue;
      }
      LookupRequest r;
      r.kind = q.kind;
      r.key = q.key;
      r.claims = q.claims;
      r.fields = q.requested | fields_needed_for_checks(q.claims, q.kind != ECID_Q_PERSON_CANDIDATES && is_person_kind(q.kind));
      if (needs_record_personal_id(q.kind)) r.fields = r.fields | FieldSet{ECID_F_PERSONAL_ID};
      r.purpose = q.purpose;
      r.document_ref = st.document_ref;
      requests.push_back(std::move(r));
      request_owner.push_back(i);
    }
    log::debug(a.manifest.name + ": round " + std::to_string(st.round) + ": " + std::to_string(batch.size()) +
               " queries planned, " + std::to_string(requests.size()) + " sent to " + population->source_name());
    if (!requests.empty()) {
      std::vector<LookupResult> results(requests.size());
      try {
        population->lookup(requests, results);
      } catch (const std::exception& e) {
        log::error(std::string("register lookup failed: ") + e.what());
        for (auto& r : results) {
          r.status = ECID_ANSWER_UNAVAILABLE;
          r.detail = "register failed: " + std::string(e.what());
          r.records.clear();
        }
      }
      for (size_t j = 0; j < requests.size(); ++j) {
        const PlannedQuery& q = batch[request_owner[j]];
        OwnedAnswer& oa = round_answers[request_owner[j]];
        LookupResult& res = results[j];
        oa.status = res.status;
        oa.detail = res.detail;
        oa.source = res.source.empty() ? population->source_name() : res.source;
        bool structure = is_person_kind(q.kind);
        const std::string_view subject = audit ? audit_subject_of(q.kind, q.key, q.claims) : std::string_view();
        for (auto& rec : res.records) {
          oa.checks.push_back(check_claims(q.claims, rec, structure));
          if (audit) {
            thread_local std::vector<std::string_view> others;
            others.clear();
            disclosed_people(rec, subject, q.requested, others);
            for (std::string_view other : others) oa.disclosed.emplace_back(oa.records.size(), other);
          }
          RegisterRecord trimmed;  // minimisation: only what the adapter asked for and may see
          for (auto& [f, v] : rec.values)
            if (q.requested.has(f)) trimmed.values.emplace_back(f, std::move(v));
          oa.records.push_back(std::move(trimmed));
        }
        if (oa.status == ECID_ANSWER_FOUND && oa.records.empty()) {
          oa.status = ECID_ANSWER_BAD_ANSWER;
          oa.detail = "register said found but returned no record";
        }
      }
    }
    audit_round(a, batch, round_answers, document_ref_of(st));
    for (size_t i = 0; i < batch.size(); ++i) {
      const PlannedQuery& q = batch[i];
      OwnedAnswer& oa = round_answers[i];
      QueryTrace t;
      t.id = q.id;
      t.round = q.round;
      t.kind = q.kind;
      t.subject_ref = q.subject_ref;
      t.purpose = q.purpose;
      t.source = oa.source;
      t.status = oa.status;
      t.detail = oa.detail;
      if (!oa.records.empty())
        for (const auto& [f, v] : oa.records.front().values) t.fields_disclosed.push_back(f);
      if (q.kind == ECID_Q_EID_ASSERTION && oa.source == "eid" && test_issuer && report.warnings.empty())
        report.warnings.push_back("identity tokens were checked against the TEST issuer " + config.eid.issuer +
                                  ", whose keys are published: no identity in this report is genuine");
      report.queries.push_back(std::move(t));
      answers.push_back(std::move(oa));
    }
  }

  DocumentReport check(std::string_view file_name, std::string_view bytes) {
    auto started = std::chrono::steady_clock::now();
    DocumentReport report;
    report.file = std::string(file_name);
    auto finish = [&](DocumentReport& r) -> DocumentReport {
      r.elapsed_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
      return std::move(r);
    };
    if (bytes.empty()) {
      report.error = "empty document";
      return finish(report);
    }
    if (bytes.size() > kMaxDocumentBytes) {
      report.error = "document too large (" + std::to_string(bytes.size()) + " bytes; limit " +
                     std::to_string(kMaxDocumentBytes) + ")";
      return finish(report);
    }
    // Route on the root element; the adapter does its own full parse.
    pugi::xml_document xml;
    pugi::xml_parse_result parsed =
        xml.load_buffer(bytes.data(), bytes.size(), pugi::parse_minimal | pugi::parse_doctype, pugi::encoding_utf8);
    if (!parsed) {
      report.error = std::string("not well-formed XML: ") + parsed.description() + " at byte " +
                     std::to_string(parsed.offset);
      return finish(report);
    }
    // No parser here expands entities: a name written as "&xxe;" would be compared as text and
    // reported as a mismatch. No sector document needs a DOCTYPE, so none reaches an adapter.
    for (pugi::xml_node n = xml.first_child(); n; n = n.next_sibling())
      if (n.type() == pugi::node_doctype) {
        report.error = std::string(kDoctypeRefused);
        return finish(report);
      }
    pugi::xml_node root = xml.document_element();
    std::string qname = root.name();
    std::string prefix, local = qname;
    if (auto colon = qname.find(':'); colon != std::string::npos) {
      prefix = qname.substr(0, colon);
      local = qname.substr(colon + 1);
    }
    std::string ns = root.attribute(prefix.empty() ? "xmlns" : ("xmlns:" + prefix).c_str()).value();
    const LoadedAdapter* a = registry.route(local, ns);
    if (!a) {
      std::string known;
      for (const auto& l : registry.loaded())
        for (const auto& t : l->manifest.document_types) known += (known.empty() ? "" : ", ") + t.root + "{" + t.namespace_uri + "}";
      report.error = "no adapter handles root element " + local + "{" + ns + "}" +
                     (known.empty() ? std::string("; no adapter is loaded") : "; loaded adapters handle: " + known);
      return finish(report);
    }
    report.adapter = a->manifest.name;
    report.adapter_version = a->manifest.version;
    const ecid_adapter_v1* d = a->descriptor;

    DocumentState st;
    // The path may name a party ("001085000101 Nguyễn Văn An.xml"): only a keyed digest of it is
    // kept, and logs name the document by that digest too (`ecid audit ref FILE` maps it back).
    st.file_ref = audit ? audit->file_reference(report.file, bytes) : audit_file_reference("", report.file, bytes);
    log::debug(st.file_ref + ": routed to adapter " + a->manifest.name + " " + a->manifest.version);
    ecid_report_sink diag{sizeof(ecid_report_sink), &st, &sink_add_finding, &sink_set_document_ref<DocumentState>,
                          &sink_set_error<DocumentState>};
    ecid_plan_sink plan_sink{sizeof(ecid_plan_sink), &st, &sink_add_query};
    void* session = nullptr;
    int32_t rc = d->open_document(a->instance, ecid_str{bytes.data(), bytes.size()}, &diag, &session);
    if (rc != ECID_OK || !session) {
      report.error = a->manifest.name + " adapter: " + adapter_result_name(rc) + (st.error.empty() ? "" : ": " + st.error);
      if (session) d->close_document(session);
      return finish(report);
    }
    struct SessionGuard {
      const ecid_adapter_v1* d;
      void* s;
      ~SessionGuard() { d->close_document(s); }
    } guard{d, session};

    std::deque<OwnedAnswer> answers;
    std::vector<ecid_answer> views;
    auto refresh_views = [&] {
      views.clear();
      for (auto& oa : answers) views.push_back(oa.view());
    };
    for (uint32_t round = 0;; ++round) {
      st.round = round;
      st.pending.clear();
      rc = d->plan(session, round, views.data(), static_cast<uint32_t>(views.size()), &plan_sink, &diag);
      if (rc != ECID_OK) {
        report.error = a->manifest.name + " adapter: plan round " + std::to_string(round) + ": " + adapter_result_name(rc) +
                       (st.error.empty() ? "" : ": " + st.error);
        return finish(report);
      }
      if (st.pending.empty()) break;
      if (round >= ECID_MAX_ROUNDS) {
        report.error = a->manifest.name + " adapter asked for more than " + std::to_string(ECID_MAX_ROUNDS) + " rounds";
        return finish(report);
      }
      if (stop && stop()) {
        report.interrupted = true;
        report.error = "interrupted before round " + std::to_string(round) + "'s register queries";
        // The rows of the rounds answered so far are committed now, not at some later flush.
        try {
          if (audit) audit->flush();
        } catch (const std::exception& e) {
          report.error += std::string("; the audit trail could not be written: ") + e.what();
        }
        return finish(report);
      }
      report.rounds = round + 1;
      run_round(*a, st, answers, report);
      refresh_views();
    }
    st.findings.clear();
    rc = d->assess(session, views.data(), static_cast<uint32_t>(views.size()), &diag);
    if (!st.findings_error.empty()) {
      report.error = a->manifest.name + " adapter returned an invalid finding: " + st.findings_error;
      return finish(report);
    }
    if (rc != ECID_OK) {
      report.error = a->manifest.name + " adapter: assess: " + adapter_result_name(rc) + (st.error.empty() ? "" : ": " + st.error);
      return finish(report);
    }
    report.document_ref = st.document_ref;
    if (audit) {
      // Findings carry what the register disclosed: none leaves before its audit rows are
      // committed, so a crash right after the caller prints them cannot lose the trail of it.
      try {
        audit->flush();
      } catch (const std::exception& e) {
        report.error = std::string("the audit trail could not be written, so the findings are withheld: ") + e.what();
        return finish(report);
      }
    }
    report.findings = std::move(st.findings);
    report.ok = true;
    return finish(report);
  }
};


Engine::Engine(const Config& config) : Engine(config, nullptr) {}

Engine::Engine(const Config& config, std::shared_ptr<RegisterBackend> population) : impl_(std::make_unique<Impl>()) {
  impl_->config = config;
  impl_->audit = open_configured_audit(config);  // first: no audit choice, nothing else is opened
  impl_->registry.load_configured(config);
  check_policy_names(config, impl_->registry);
  impl_->population = population ? std::move(population) : open_configured_register(config);
  if (config.eid.enabled) {
    impl_->verifier = std::make_unique<eid::Verifier>(eid::verifier_config_from(config));
    impl_->test_issuer = is_test_issuer(config.eid.issuer);
    impl_->replay = eid::open_replay_cache(config.eid.replay_cache);
  }
}

Engine::~Engine() {
  if (impl_ && impl_->audit) {
    try {
      impl_->audit->close();
    } catch (const std::exception& e) {
      log::error(std::string("audit trail could not be closed: ") + e.what());
    }
  }
}

const AdapterRegistry& Engine::adapters() const { return impl_->registry; }

void Engine::set_stop(std::function<bool()> stop) { impl_->stop = std::move(stop); }

DocumentReport Engine::check(std::string_view file_name, std::string_view bytes) {
  return impl_->check(file_name, bytes);
}

}  // namespace ecid
