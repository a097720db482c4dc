// ecid audit verify | export | find, and ecid policy show.
#include <ecid/audit.hpp>
#include <ecid/fields.hpp>
#include <ecid/loader.hpp>

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "commands.hpp"

namespace ecid::cli {
namespace {

void require_audit(const Config& c) {
  if (c.audit_path.empty()) throw ConfigError("no audit: section in the configuration");
}

int cmd_verify(const GlobalOptions& g) {
  Config c = load(g);
  require_audit(c);
  AuditVerifyResult r;
  {
    ProgressLine progress(g, "verifying", "rows");
    r = verify_audit(c.audit_path, c.audit_anchor_file, [&](uint64_t done, uint64_t total) { progress(done, total); },
                     c.audit_anchor_every);
  }
  for (const auto& w : r.warnings) std::cerr << "ecid: warning: " << w << "\n";
  if (r.ok) {
    std::cout << "audit chain intact: " << r.rows << " rows, " << r.anchors_checked << " anchors checked, head seq "
              << r.head.seq << " " << r.head.head << "\n";
    return kExitOk;
  }
  std::cout << "audit chain BROKEN: " << to_string(r.problem) << " at row " << r.first_bad_seq << ": " << r.detail << "\n";
  return kExitAttention;
}

// --from/--to of export and find.
struct RangeOptions {
  std::string from, to;

  void add_to(CLI::App* cmd) {
    cmd->add_option("--from", from, "First row: a sequence number or an ISO UTC time (2025-01-31T08:15)");
    cmd->add_option("--to", to, "Last row: a sequence number or an ISO UTC time; a date includes its whole day");
  }
  AuditRange parse() const {
    try {
      return parse_audit_range(from, to);
    } catch (const std::invalid_argument& e) {
      throw CLI::ValidationError("--from/--to", e.what());
    }
  }
};

int cmd_export(const GlobalOptions& g, const RangeOptions& bounds) {
  const AuditRange range = bounds.parse();
  Config c = load(g);
  require_audit(c);
  uint64_t n = export_audit(c.audit_path, range, std::cout);
  if (!g.quiet) std::cerr << "exported " << n << " rows\n";
  return kExitOk;
}

// The operating-system account behind this command, and the one sudo was run from if any.
std::string who_is_asking() {
  const passwd* pw = ::getpwuid(::getuid());
  std::string who = pw ? pw->pw_name : "uid " + std::to_string(::getuid());
  if (const char* sudo = std::getenv("SUDO_USER"); sudo && *sudo) who += " (sudo by " + std::string(sudo) + ")";
  return who;
}

int cmd_find(const GlobalOptions& g, const std::string& id, const RangeOptions& bounds) {
  const AuditRange range = bounds.parse();
  Config c = load(g);
  require_audit(c);
  AuditOptions o;
  o.path = c.audit_path;
  o.key_file = c.audit_key_file;
  std::vector<AuditRow> rows;
  {
    ProgressLine progress(g, "searching", "rows");
    rows = find_audit(c.audit_path, load_audit_key(o), id, range,
                      [&](uint64_t done, uint64_t total) { progress(done, total); });
  }
  // The search is recorded before its answer is shown, like any other look-up of a person.
  {
    std::unique_ptr<AuditLog> trail = open_configured_audit(c);
    AuditEvent e;
    e.kind = kAuditSearch;
    e.adapter = "ecid audit find";
    e.purpose = "audit.search";
    e.document_ref = "by " + who_is_asking();
    e.subject_id = id;
    e.outcome = std::to_string(rows.size()) + " rows found";
    trail->append(e);
    trail->close();
  }
  for (const auto& row : rows) std::cout << audit_row_json(row) << "\n";
  if (!g.quiet) std::cerr << rows.size() << " look-ups of this person\n";
  return kExitOk;
}

// The document_ref that `ecid check FILE` gives a document without a reference of its own
// (the file's name may name a party, so only a keyed digest of its path is stored).
int cmd_ref(const GlobalOptions& g, const std::vector<std::string>& files) {
  Config c = load(g);
  require_audit(c);
  AuditOptions o;
  o.key_file = c.audit_key_file;
  const std::string key = load_audit_key(o);
  for (const auto& f : files) {
    if (f == "-") throw std::invalid_argument("the standard input has no name to map: its reference digests its bytes");
    std::cout << audit_file_reference(key, f, {}) << "  " << f << "\n";
  }
  return kExitOk;
}

int cmd_policy_show(const GlobalOptions& g) {
  Config c = load(g);
  AdapterRegistry registry;
  registry.load_configured(c);
  std::cout << "Effective policy (a query runs only if the manifest declares it AND the configuration grants it):\n";
  for (const auto& a : registry.loaded()) {
    const Manifest& m = a->manifest;
    const AdapterPolicy* ap = c.policy_for(m.name);
    std::cout << "\nadapter " << m.name << " " << m.version << "\n";
    for (const auto& p : m.purposes) {
      const PurposePolicy* pp = ap ? ap->find(p.id) : nullptr;
      std::cout << "  purpose " << p.id << (pp ? "  [granted]" : "  [NOT granted: every query for it is refused]") << "\n";
      std::cout << "    legal basis: " << (pp ? pp->legal_basis : p.legal_basis) << "\n";
      for (const auto& q : m.queries) {
        if (q.purpose != p.id) continue;
        std::cout << "    " << query_kind_name(q.kind) << ":";
        for (uint32_t f : q.fields.list()) {
          bool granted = pp && pp->fields.has(f);
          std::cout << " " << field_name(f) << (granted ? "" : "(refused)") << (field_is_sensitive(f) ? "[sensitive]" : "");
        }
        std::cout << "\n";
      }
    }
    if (!ap) std::cout << "  (no policy." << m.name << " section: all its queries are refused)\n";
  }
  for (const auto& ap : c.policy)
    if (!registry.find(ap.adapter))
      std::cout << "\npolicy for '" << ap.adapter << "' (" << ap.where << ") names no loaded adapter\n";
  return kExitOk;
}

}  // namespace

void add_audit_commands(CLI::App& app, const GlobalOptions& g, CommandTable& table) {
  auto* audit = app.add_subcommand("audit", "The tamper-evident audit trail");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand(
      "verify", "Prove the hash chain and its anchors; report the first broken row (exit 0 intact, 1 broken)");
  table.add(verify, [&g] { return cmd_verify(g); });

  auto export_bounds = std::make_shared<RangeOptions>();
  auto* exp = audit->add_subcommand("export", "Write rows as JSON lines (bounds inclusive: sequence numbers or UTC times)");
  export_bounds->add_to(exp);
  table.add(exp, [&g, export_bounds] { return cmd_export(g, *export_bounds); });

  auto id = std::make_shared<std::string>();
  auto find_bounds = std::make_shared<RangeOptions>();
  auto* find = audit->add_subcommand(
      "find", "Who looked up this citizen, when, and for what (by the keyed pseudonym; bounds as for export)");
  find->add_option("--id", *id, "The citizen's personal ID number (or other subject key)")->required();
  find_bounds->add_to(find);
  table.add(find, [&g, id, find_bounds] { return cmd_find(g, *id, *find_bounds); });

  auto ref_files = std::make_shared<std::vector<std::string>>();
  auto* ref = audit->add_subcommand(
      "ref", "The audit document_ref of documents checked without a reference of their own (file:<keyed digest>)");
  ref->add_option("files", *ref_files, "Paths as given to ecid check (relative ones from the same folder)")->required();
  ref->footer("The path is made absolute and normalised, then digested with the pseudonym key: the trail never "
              "holds a file name, which may name a party. Find its rows with: ecid audit export | grep REF");
  table.add(ref, [&g, ref_files] { return cmd_ref(g, *ref_files); });

  auto* policy = app.add_subcommand("policy", "Purposes and fields granted to each adapter");
  policy->require_subcommand(1);
  auto* show = policy->add_subcommand("show", "Print the effective policy: manifest declarations against the configuration");
  table.add(show, [&g] { return cmd_policy_show(g); });
}

}  // namespace ecid::cli
