// Engine: document → adapter plan (round by round) → policy gate → registers → assess.
#include <ecid/audit.hpp>
#include <ecid/eid.hpp>
#include <ecid/engine.hpp>
#include <ecid/http_register.hpp>
#include <ecid/fields.hpp>
#include <ecid/findings.hpp>
#include <ecid/log.hpp>
#include <ecid/matching.hpp>

#include "adapter/host_answerer.hpp"
#include "adapter/validation.hpp"
#include "eid/identity_service.hpp"
#include "adapter/policy_gate.hpp"

#include <pugixml.hpp>

#include <filesystem>

#include <chrono>
#include <cstdlib>

namespace ecid {
namespace {

constexpr size_t kMaxDocumentBytes = 256u * 1024 * 1024;

// The engine's answers: the host's, with audit rows appended round by round to the trail, and
// documents named by the adapter's reference or, without one, a keyed digest of the file.
class EngineAnswerer : public adapter::HostAnswerer {
 public:
  EngineAnswerer(const Config& config, const LoadedAdapter& adapter, RegisterBackend& population,
                 const eid::IdentityService* identity, AuditLog* audit, std::string file_ref,
                 const std::function<bool()>& stop)
      : HostAnswerer(config, adapter, population, identity, audit != nullptr),
        audit_log_(audit),
        file_ref_(std::move(file_ref)),
        stop_(stop) {}

  std::string before_round(const adapter::Session&, const adapter::Round& round) override {
    if (!stop_ || !stop_()) return {};
    interrupted = true;
    std::string why = "interrupted before round " + std::to_string(round.number()) + "'s register queries";
    // The rows of the rounds answered so far are committed now, not at some later flush.
    try {
      if (audit_log_) audit_log_->flush();
    } catch (const std::exception& e) {
      why += std::string("; the audit trail could not be written: ") + e.what();
    }
    return why;
  }

  std::string document_ref_of(const adapter::Session& session) const override {
    return session.document_ref().empty() ? file_ref_ : session.document_ref();
  }

  bool interrupted = false;

 protected:
  void audit(const AuditEvent& event) override { events_.push_back(event); }
  void audit_round_done() override {
    audit_log_->append_batch(events_);
    events_.clear();
  }

 private:
  AuditLog* audit_log_;
  std::string file_ref_;
  const std::function<bool()>& stop_;
  std::vector<AuditEvent> events_;
};

// What was asked and who answered, round by round, for the report.
void trace_queries(const adapter::Session& session, DocumentReport& report) {
  for (const adapter::Round& round : session.rounds())
    for (size_t i = 0; i < session.answers_of(round).size(); ++i) {
      const adapter::Query& q = round.queries()[i];
      const adapter::Answer& a = session.answers_of(round)[i];
      QueryTrace t;
      t.id = q.id;
      t.round = q.round;
      t.kind = q.kind;
      t.subject_ref = std::string(round.subject_of(q));
      t.purpose = session.purpose(q.purpose);
      t.source = a.source;
      t.status = a.status;
      t.detail = a.detail;
      if (!a.records.empty())
        for (const auto& [f, v] : a.records.front().values) t.fields_disclosed.push_back(f);
      report.queries.push_back(std::move(t));
    }
}

}  // namespace

int DocumentReport::exit_class() const {
  if (!ok) return 2;
  for (const auto& f : findings)
    if (f.severity != ECID_SEVERITY_OK) return 1;
  return 0;
}


struct Engine::Impl {
  Config config;
  AdapterRegistry registry;
  std::shared_ptr<RegisterBackend> population;
  std::unique_ptr<eid::IdentityService> identity;  // null when no issuer is configured
  std::unique_ptr<AuditLog> audit;                 // null when no audit trail is configured
  std::function<bool()> stop;                      // see Engine::set_stop

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
    // The path may name a party ("001085000101 Nguyễn Văn An.xml"): only a keyed digest of it is
    // kept, and logs name the document by that digest too (`ecid audit ref FILE` maps it back).
    std::string file_ref = audit ? audit->file_reference(report.file, bytes) : audit_file_reference("", report.file, bytes);
    log::debug(file_ref + ": routed to adapter " + a->manifest.name + " " + a->manifest.version);
    adapter::Session session(*a, adapter::Limits{});
    if (std::string why = session.open(bytes); !why.empty()) {
      report.error = a->manifest.name + " adapter: " + why;
      return finish(report);
    }
    EngineAnswerer answerer(config, *a, *population, identity.get(), audit.get(), std::move(file_ref), stop);
    const std::string failure = session.run(answerer);
    report.rounds = session.rounds_answered();
    trace_queries(session, report);
    if (identity && identity->test_issuer())
      for (const QueryTrace& t : report.queries)
        if (t.kind == ECID_Q_EID_ASSERTION && t.source == "eid") {
          report.warnings.push_back("identity tokens were checked against the TEST issuer " + identity->issuer() +
                                    ", whose keys are published: no identity in this report is genuine");
          break;
        }
    if (!failure.empty()) {
      report.interrupted = answerer.interrupted;
      report.error = failure;
      return finish(report);
    }
    report.document_ref = session.document_ref();
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
    report.findings = std::move(session.findings());
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
  impl_->identity = eid::open_identity_service(config);
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
