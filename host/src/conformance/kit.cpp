// The adapter conformance kit (`ecid adapters check PATH.so [--corpus DIR]`).
//
// Runs an adapter binary through the contract's rules with the production loader and host
// services. Each check group runs in a forked child that streams its results to the parent
// through a pipe, so an adapter that crashes or hangs costs a failed line, never the kit.
// The checks, the corpus format and the leak method are described in docs/writing-an-adapter.md.
#include <ecid/conformance.hpp>

#include "adapter/binding.hpp"
#include "adapter/driver.hpp"

#include <ecid/fields.hpp>
#include <ecid/loader.hpp>
#include <ecid/log.hpp>
#include <ecid/manifest.hpp>

#include <nlohmann/json.hpp>

#include <dlfcn.h>
#include <elf.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <optional>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace ecid {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitAttention = 1;
constexpr int kExitBadInput = 2;

namespace fs = std::filesystem;

enum class Outcome { Passed, Failed, Skipped };

struct CheckResult {
  std::string group;
  std::string check;
  Outcome outcome = Outcome::Failed;
  std::string detail;
};

// ---------------------------------------------------------------------------------------------
// What the checks run on.

struct CorpusDocument {
  std::string name;  // file name
  std::string bytes;
  bool has_expected = false;
  nlohmann::json expected;  // from <stem>.expected.json
  fs::path expected_file;   // <stem>.expected.json, present or not
};

struct Target {
  fs::path library;
  fs::path manifest_file;  // empty when none was found
  std::string manifest_problem;
  std::vector<CorpusDocument> corpus;
  bool update = false;  // --update: goldens that differ are rewritten, not failed
};

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The manifest beside the library whose `library:` is this file.
void find_manifest(Target& t) {
  std::error_code ec;
  std::string problems;
  for (const auto& entry : fs::directory_iterator(t.library.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".manifest.yaml")) continue;
    try {
      Manifest m = load_manifest(entry.path());
      if (fs::equivalent(m.library, t.library, ec)) {
        t.manifest_file = entry.path();
        return;
      }
    } catch (const std::exception& e) {
      problems += std::string("; ") + e.what();
    }
  }
  t.manifest_problem = "no valid *.manifest.yaml beside the library names " + t.library.filename().string() + problems;
}

// ---------------------------------------------------------------------------------------------
// Child side: results go to the pipe as tab-separated lines.

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  if (s.size() > 600) s = s.substr(0, 600) + "…";
  return s;
}

class Emitter {
 public:
  Emitter(int fd, std::string group) : fd_(fd), group_(std::move(group)) {}
  // Announced before a check runs, so a crash can be blamed on it.
  void begin(const std::string& check) { write("B\t" + one_line(check) + "\n"); }
  void result(const std::string& check, Outcome o, const std::string& detail = {}) {
    const char* code = o == Outcome::Passed ? "P" : o == Outcome::Failed ? "F" : "S";
    write(std::string("R\t") + code + "\t" + one_line(check) + "\t" + one_line(detail) + "\n");
  }
  // `why_failed` is reported only when the check fails: a passed check must not read like a failure.
  void check(const std::string& name, bool ok, const std::string& why_failed = {}) {
    result(name, ok ? Outcome::Passed : Outcome::Failed, ok ? std::string() : why_failed);
  }
  const std::string& group() const { return group_; }

 private:
  void write(const std::string& line) {
    size_t done = 0;
    while (done < line.size()) {
      ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }
  int fd_;
  std::string group_;
};


struct PlannedQuery {
  uint32_t round = 0, kind = 0;
  std::string subject, key, purpose;
  std::vector<uint32_t> fields;
  std::vector<std::pair<uint32_t, std::string>> claims;
};

// What one document run handed to the host.
struct Recorder {
  std::vector<PlannedQuery> queries;
  std::vector<Finding> findings;
  std::string error, document_ref;
  std::string contract_violation;  // struct sizes, NULL pointers, invalid findings, too many rounds
};

struct DocumentRun {
  int32_t open_rc = -1, plan_rc = ECID_OK, assess_rc = ECID_OK;
  Recorder rec;
  std::string document_ref_at_open;  // what the host stamps on the document's audit rows
  // Everything the adapter produced, for comparing runs.
  std::string fingerprint() const {
    std::ostringstream s;
    s << open_rc << '/' << plan_rc << '/' << assess_rc << '|' << rec.document_ref << '|';
    for (const auto& q : rec.queries) {
      s << 'Q' << q.round << ',' << q.kind << ',' << q.subject << ',' << q.key << ',' << q.purpose;
      for (auto f : q.fields) s << ',' << f;
      for (const auto& [f, v] : q.claims) s << ';' << f << '=' << v;
      s << '|';
    }
    for (const auto& f : rec.findings)
      s << 'F' << f.code << ',' << f.severity << ',' << f.field << ',' << f.subject_ref << ',' << f.value << ',' << f.detail << '|';
    return s.str();
  }
};

// Answers every query with one status, as if every register said the same.
class FixedAnswerer : public adapter::Answerer {
 public:
  FixedAnswerer(uint32_t status, std::string_view detail) : status_(status), detail_(status == ECID_ANSWER_FOUND ? "" : detail) {}
  void answer(const adapter::Session&, const adapter::Round& round, std::span<adapter::Answer> answers) override {
    for (size_t i = 0; i < answers.size(); ++i) {
      if (!round.queries()[i].malformed.empty()) continue;  // refused by the driver
      adapter::Answer& a = answers[i];
      a.status = status_;
      a.source = "conformance/kit";
      a.detail = detail_;
    }
  }

 private:
  uint32_t status_;
  std::string detail_;
};

// open → plan rounds (every query answered with `status`) → assess → close, by the host's driver.
DocumentRun run_document(const AdapterBinding& binding, const std::string& adapter_name, std::string_view bytes,
                         uint32_t status, std::string_view status_detail = "conformance kit",
                         int32_t refuse_queries_with = ECID_OK) {
  DocumentRun run;
  Recorder& r = run.rec;
  adapter::Session session(binding, adapter_name, adapter::Limits{});
  session.refuse_queries_with(refuse_queries_with);
  const std::string open_failure = session.open(bytes);
  run.open_rc = session.return_codes().open;
  r.error = session.adapter_error();
  r.document_ref = session.document_ref();
  if (!open_failure.empty()) {
    r.contract_violation = session.contract_violation();
    return run;
  }
  run.document_ref_at_open = session.document_ref_at_open();
  FixedAnswerer answerer(status, status_detail);
  const std::string failure = session.run(answerer);
  run.plan_rc = session.return_codes().plan;
  run.assess_rc = session.return_codes().assess;
  r.error = session.adapter_error();
  r.document_ref = session.document_ref();
  r.contract_violation = session.contract_violation();
  for (const adapter::Round& round : session.rounds())
    for (const adapter::Query& q : round.queries()) {
      PlannedQuery p{round.number(), q.kind, std::string(round.subject_of(q)), q.key, session.purpose(q.purpose), {}, {}};
      const auto fields = round.fields_of(q);
      p.fields.assign(fields.begin(), fields.end());
      for (const Claim& c : round.claims_of(q)) p.claims.emplace_back(c.field, c.value);
      r.queries.push_back(std::move(p));
    }
  if (!failure.empty() && run.plan_rc == ECID_OK && run.assess_rc == ECID_OK && r.contract_violation.empty())
    r.contract_violation = failure;
  r.findings = std::move(session.findings());
  return run;
}

// The production loader, in this (child) process.
struct Loaded {
  std::unique_ptr<AdapterRegistry> registry;
  const LoadedAdapter* adapter = nullptr;
  std::string problem;
};
Loaded load_with_production_loader(const Target& t) {
  Loaded l;
  if (t.manifest_file.empty()) {
    l.problem = t.manifest_problem;
    return l;
  }
  l.registry = std::make_unique<AdapterRegistry>();
  if (!l.registry->load_manifest_file(t.manifest_file)) {
    l.problem = l.registry->refused().empty() ? "refused" : l.registry->refused().front().reason;
    return l;
  }
  l.adapter = l.registry->loaded().front().get();
  return l;
}

// Documents to run: the corpus, or else a minimal document of each declared type.
std::vector<CorpusDocument> documents_for(const Target& t, const LoadedAdapter& a) {
  if (!t.corpus.empty()) return t.corpus;
  std::vector<CorpusDocument> out;
  for (const auto& dt : a.manifest.document_types)
    out.push_back({"minimal " + dt.root, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + dt.root + " xmlns=\"" +
                                             dt.namespace_uri + "\"/>\n", false, {}, {}});
  return out;
}

// ---------------------------------------------------------------------------------------------
// The check groups. Each runs in its own child process.

void group_manifest(const Target& t, Emitter& e) {
  e.begin("manifest found beside the library");
  e.check("manifest found beside the library", !t.manifest_file.empty(),
          t.manifest_file.empty() ? t.manifest_problem : t.manifest_file.filename().string());
  if (t.manifest_file.empty()) return;
  e.begin("manifest valid");
  Manifest m;
  try {
    m = load_manifest(t.manifest_file);
    e.check("manifest valid", true);
  } catch (const std::exception& ex) {
    e.check("manifest valid", false, ex.what());
    return;
  }
  e.begin("manifest purposes declared");
  std::string undeclared;
  for (const auto& q : m.queries)
    if (!m.find_purpose(q.purpose)) undeclared += " " + q.purpose;
  e.check("every query purpose is declared under purposes", undeclared.empty(), "undeclared:" + undeclared);
  e.begin("production loader accepts the adapter");
  Loaded l = load_with_production_loader(t);
  e.check("production loader accepts it (manifest and descriptor agree)", l.adapter != nullptr, l.problem);
}

// The library's dynamic exports: defined GLOBAL/WEAK symbols of .dynsym with default or protected
// visibility — what dlsym can reach. Read from .dynsym (not .symtab, which is what
// boost::dll::library_info reads) so a stripped library is judged by what it really exports.
std::optional<std::vector<std::string>> dynamic_exports(const fs::path& lib, std::string& problem) {
  const std::string bytes = read_all(lib);
  auto at = [&](uint64_t off, uint64_t len) { return off <= bytes.size() && len <= bytes.size() - off; };
  if (!at(0, sizeof(Elf64_Ehdr)) || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0 || bytes[EI_CLASS] != ELFCLASS64) {
    problem = "not a 64-bit ELF file";
    return std::nullopt;
  }
  Elf64_Ehdr eh;
  std::memcpy(&eh, bytes.data(), sizeof eh);
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || !at(eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr))) {
    problem = "section headers unreadable";
    return std::nullopt;
  }
  std::vector<Elf64_Shdr> sections(eh.e_shnum);
  std::memcpy(sections.data(), bytes.data() + eh.e_shoff, sections.size() * sizeof(Elf64_Shdr));
  for (const Elf64_Shdr& sh : sections) {
    if (sh.sh_type != SHT_DYNSYM) continue;
    if (sh.sh_link >= sections.size() || !at(sh.sh_offset, sh.sh_size)) break;
    const Elf64_Shdr& strtab = sections[sh.sh_link];
    if (!at(strtab.sh_offset, strtab.sh_size)) break;
    std::vector<std::string> out;
    for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      std::memcpy(&sym, bytes.data() + sh.sh_offset + off, sizeof sym);
      const unsigned bind = ELF64_ST_BIND(sym.st_info), vis = ELF64_ST_VISIBILITY(sym.st_other);
      if (sym.st_shndx == SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK) ||
          (vis != STV_DEFAULT && vis != STV_PROTECTED) || sym.st_name >= strtab.sh_size)
        continue;
      const char* name = bytes.data() + strtab.sh_offset + sym.st_name;
      out.emplace_back(name, strnlen(name, strtab.sh_size - sym.st_name));
    }
    return out;
  }
  problem = "no dynamic symbol table (.dynsym)";
  return std::nullopt;
}

void group_symbols(const Target& t, Emitter& e) {
  const std::string name = "exports exactly the entry symbol " ECID_ADAPTER_ENTRY_NAME;
  e.begin(name);
  std::string problem;
  const auto exports = dynamic_exports(t.library, problem);
  if (!exports) {
    e.check(name, false, "cannot read the exports: " + problem);
    return;
  }
  std::set<std::string> exported(exports->begin(), exports->end());
  std::string list;
  for (const auto& s : exported) list += (list.empty() ? "" : ", ") + s;
  const bool ok = exported.size() == 1 && *exported.begin() == ECID_ADAPTER_ENTRY_NAME;
  e.check(name, ok, "exports " + std::to_string(exported.size()) + " symbol(s): " + list.substr(0, 400));
}

ecid_adapter_entry_fn open_entry(const Target& t, std::string& problem) {
  void* h = dlopen(fs::absolute(t.library).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    problem = std::string("cannot load: ") + dlerror();
    return nullptr;
  }
  auto entry = reinterpret_cast<ecid_adapter_entry_fn>(dlsym(h, ECID_ADAPTER_ENTRY_NAME));
  if (!entry) problem = "no symbol " ECID_ADAPTER_ENTRY_NAME;
  return entry;
}

void group_abi(const Target& t, Emitter& e) {
  e.begin("entry returns a descriptor for this host");
  std::string problem;
  ecid_adapter_entry_fn entry = open_entry(t, problem);
  if (!entry) {
    e.check("entry returns a descriptor for this host", false, problem);
    return;
  }
  const ecid_adapter_v1* d = entry(ECID_ABI_MAJOR, ECID_ABI_MINOR);
  e.check("entry returns a descriptor for this host", d != nullptr, "entry(1, 0) returned NULL");
  if (!d) return;
  e.begin("descriptor ABI");
  e.check("descriptor declares ABI major 1, minor not newer than the host",
          d->struct_size >= sizeof(ecid_adapter_v1) && d->abi_major == ECID_ABI_MAJOR && d->abi_minor <= ECID_ABI_MINOR,
          "descriptor: struct_size " + std::to_string(d->struct_size) + ", ABI " + std::to_string(d->abi_major) + "." +
              std::to_string(d->abi_minor));
  e.begin("refuses other host majors");
  const ecid_adapter_v1* v0 = entry(0, 0);
  const ecid_adapter_v1* v2 = entry(ECID_ABI_MAJOR + 1, 0);
  e.check("refuses a host of another major (entry(0,0) and entry(2,0) return NULL)", !v0 && !v2,
          std::string(v0 ? "accepted major 0 " : "") + (v2 ? "accepted major 2" : ""));
  e.begin("accepts a newer host minor");
  e.check("accepts a host of a newer minor (entry(1, minor+1))", entry(ECID_ABI_MAJOR, ECID_ABI_MINOR + 1) != nullptr,
          "an adapter of minor m must run on any host of minor >= m");
}

void group_entry(const Target& t, Emitter& e) {
  e.begin("entry is repeatable");
  std::string problem;
  ecid_adapter_entry_fn entry = open_entry(t, problem);
  const ecid_adapter_v1* first = entry ? entry(ECID_ABI_MAJOR, ECID_ABI_MINOR) : nullptr;
  if (!first) {
    e.check("entry is repeatable", false, problem.empty() ? "entry returned NULL" : problem);
    return;
  }
  std::vector<unsigned char> snapshot(reinterpret_cast<const unsigned char*>(first),
                                      reinterpret_cast<const unsigned char*>(first) + sizeof(ecid_adapter_v1));
  const size_t heap_before = mallinfo2().uordblks;
  bool same = true;
  for (int i = 0; i < 1000; ++i) same = same && entry(ECID_ABI_MAJOR, ECID_ABI_MINOR) == first;
  const size_t heap_after = mallinfo2().uordblks;
  e.check("entry is repeatable (1000 calls return the same descriptor)", same);
  e.begin("entry has no side effects");
  const bool unchanged = std::memcmp(snapshot.data(), first, snapshot.size()) == 0;
  e.check("entry is side-effect free (descriptor unchanged, no heap growth over 1000 calls)",
          unchanged && heap_after <= heap_before,
          std::string(unchanged ? "" : "descriptor bytes changed; ") + "heap " + std::to_string(heap_before) + " → " +
              std::to_string(heap_after) + " bytes");
}

// Groups below need the adapter loaded by the production loader.
using LoadedGroup = std::function<void(const Target&, const LoadedAdapter&, Emitter&)>;
void with_loaded(const Target& t, Emitter& e, const std::vector<std::string>& checks, const LoadedGroup& body) {
  Loaded l = load_with_production_loader(t);
  if (!l.adapter) {
    for (const auto& c : checks) e.check(c, false, "not loaded by the production loader: " + l.problem);
    return;
  }
  body(t, *l.adapter, e);
}

std::string expect_text(const nlohmann::json& j) { return j.dump(); }

nlohmann::json queries_json(const std::vector<PlannedQuery>& qs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& q : qs) {
    nlohmann::json fields = nlohmann::json::array();
    for (auto f : q.fields) fields.push_back(std::string(field_name(f)));
    out.push_back({{"round", q.round}, {"kind", std::string(query_kind_name(q.kind))}, {"subject", q.subject},
                   {"purpose", q.purpose}, {"fields", fields}});
  }
  return out;
}

void group_corpus(const Target& t, const LoadedAdapter& a, Emitter& e) {
  if (t.corpus.empty()) {
    e.result("golden documents", Outcome::Skipped, "no --corpus given");
    return;
  }
  for (const auto& doc : t.corpus) {
    const std::string name = "golden " + doc.name;
    e.begin(name);
    DocumentRun run = run_document(*a.binding, a.manifest.name, doc.bytes, ECID_ANSWER_NOT_FOUND);
    if (!run.rec.contract_violation.empty()) {
      e.check(name, false, run.rec.contract_violation);
      continue;
    }
    const std::string want_open = doc.has_expected ? doc.expected.value("open", "ok") : "ok";
    const std::string got_open = run.open_rc == ECID_OK ? "ok" : run.open_rc == ECID_E_INVALID_DOCUMENT ? "invalid_document"
                                                                                                        : "code " + std::to_string(run.open_rc);
    if (t.update && (run.open_rc == ECID_OK || run.open_rc == ECID_E_INVALID_DOCUMENT) &&
        (run.open_rc != ECID_OK || (run.plan_rc == ECID_OK && run.assess_rc == ECID_OK))) {
      // The golden as this run gives it, in the files' own layout (sorted keys, one-space indent).
      nlohmann::json golden{{"open", got_open}};
      if (run.open_rc == ECID_OK) golden["queries"] = queries_json(run.rec.queries);
      if (doc.has_expected && doc.expected == golden) {
        e.check(name + " (golden unchanged)", true);
      } else {
        std::ofstream(doc.expected_file) << golden.dump(1) << "\n";
        e.result(name + " golden updated", Outcome::Passed,
                 "was " + (doc.has_expected ? expect_text(doc.expected.value("queries", nlohmann::json::array())) + " (open " +
                                                  want_open + ")"
                                            : std::string("absent")) +
                     ", now " + expect_text(golden.value("queries", nlohmann::json::array())) + " (open " + got_open +
                     "): " + doc.expected_file.string());
      }
      continue;
    }
    if (got_open != want_open) {
      e.check(name, false, "open_document: expected " + want_open + ", got " + got_open + " (" + run.rec.error + ")");
      continue;
    }
    if (run.open_rc != ECID_OK) {
      e.check(name, true);
      continue;
    }
    if (run.plan_rc != ECID_OK || run.assess_rc != ECID_OK) {
      e.check(name, false, "plan/assess returned " + std::to_string(run.plan_rc) + "/" + std::to_string(run.assess_rc) +
                               ": " + run.rec.error);
      continue;
    }
    if (!run.rec.document_ref.empty())
      e.check(name + " gives its document reference at open", run.document_ref_at_open == run.rec.document_ref,
              "'" + run.rec.document_ref + "' reached the host only after open, so the audit rows of its look-ups "
              "name the file instead: give it at open (C++ SDK: override Session::document_ref())");
    if (!doc.has_expected) {
      e.check(name + " (no .expected.json: runs cleanly)", true);
      continue;
    }
    const nlohmann::json got = queries_json(run.rec.queries);
    const nlohmann::json want = doc.expected.value("queries", nlohmann::json::array());
    e.check(name + " plans the expected queries", got == want,
            "expected " + expect_text(want) + " got " + expect_text(got));
  }
}

std::string mangle_encoding(const std::string& doc) {
  std::string out = doc;
  for (char& c : out)
    if (static_cast<unsigned char>(c) >= 0x80) {
      c = '\xFF';  // never valid in UTF-8
      return out;
    }
  const size_t gt = out.find('>', out.find('<', out.find("?>") == std::string::npos ? 0 : out.find("?>") + 2));
  out.insert(gt == std::string::npos ? out.size() / 2 : gt + 1, "\xC3\x28");  // a broken 2-byte sequence
  return out;
}

std::string utf16le(const std::string& ascii_ish) {
  std::string out = "\xFF\xFE";
  for (char c : ascii_ish) {
    out += c;
    out += '\0';
  }
  return out;
}

void group_malformed(const Target& t, const LoadedAdapter& a, Emitter& e) {
  std::vector<std::pair<std::string, std::string>> inputs;
  inputs.emplace_back("empty document", "");
  std::mt19937 rng(20261127);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(rng() & 0xFF);
  inputs.emplace_back("4 KiB of random bytes", noise);
  inputs.emplace_back("not XML at all", "this is not a document\n");
  inputs.emplace_back("another document type", "<?xml version=\"1.0\"?><NotThisAdapter xmlns=\"urn:ecid:conformance:other\"/>");
  for (const auto& doc : documents_for(t, a)) {
    std::string body = doc.bytes;
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.pop_back();
    if (doc.has_expected && doc.expected.value("open", "ok") != "ok") continue;  // already invalid
    for (int quarter : {1, 2, 3})
      inputs.emplace_back(doc.name + " truncated at " + std::to_string(quarter * 25) + "%",
                          body.substr(0, body.size() * quarter / 4));
    inputs.emplace_back(doc.name + " without its last byte", body.substr(0, body.size() - 1));
    // Hostile size: 64 MiB, or one byte more than the manifest's declared limit if that is larger.
    const size_t oversize = std::max<size_t>(size_t{64} << 20, a.manifest.max_document_bytes + 1);
    if (body.size() < oversize)
      inputs.emplace_back(doc.name + " padded to " + std::to_string(oversize) + " bytes",
                          body + std::string(oversize - body.size(), ' '));
    inputs.emplace_back(doc.name + " with a byte that is not UTF-8", mangle_encoding(body));
    inputs.emplace_back(doc.name + " as UTF-16LE", utf16le(body));
    if (!t.corpus.empty()) break;  // one corpus document is enough to derive broken ones from
  }
  for (const auto& [label, bytes] : inputs) {
    const std::string name = "invalid document: " + label;
    e.begin(name);
    DocumentRun run = run_document(*a.binding, a.manifest.name, bytes, ECID_ANSWER_NOT_FOUND);
    const bool ok = run.open_rc == ECID_E_INVALID_DOCUMENT && !run.rec.error.empty();
    e.check(name, ok,
            run.open_rc == ECID_E_INVALID_DOCUMENT ? "no reason given through set_error"
                                                   : "open_document returned " + std::to_string(run.open_rc) +
                                                         ", expected ECID_E_INVALID_DOCUMENT (1)");
  }
}

void group_declared(const Target& t, const LoadedAdapter& a, Emitter& e) {
  e.begin("queries stay within the manifest");
  size_t count = 0;
  std::string violation;
  for (const auto& doc : documents_for(t, a)) {
    for (uint32_t status : {ECID_ANSWER_NOT_FOUND, ECID_ANSWER_UNAVAILABLE}) {
      DocumentRun run = run_document(*a.binding, a.manifest.name, doc.bytes, status);
      for (const auto& q : run.rec.queries) {
        ++count;
        const ManifestQuery* mq = a.manifest.find_query(q.kind, q.purpose);
        if (!mq) {
          violation = doc.name + ": query kind " + std::string(query_kind_name(q.kind)) + " for purpose '" + q.purpose +
                      "' is not declared";
          break;
        }
        for (uint32_t f : q.fields)
          if (!mq->fields.has(f)) violation = doc.name + ": field " + std::string(field_name(f)) + " is not declared for " +
                                              std::string(query_kind_name(q.kind)) + "/" + q.purpose;
        if (!violation.empty()) break;
      }
      if (!violation.empty()) break;
    }
    if (!violation.empty()) break;
  }
  e.check("only declared query kinds, purposes and fields are emitted (" + std::to_string(count) + " queries)",
          violation.empty(), violation);
}

void group_host_failures(const Target& t, const LoadedAdapter& a, Emitter& e) {
  struct Failure {
    std::string label;
    uint32_t status;
    std::string detail;
  };
  const std::vector<Failure> failures = {{"register unavailable", ECID_ANSWER_UNAVAILABLE, "register unavailable"},
                                         {"deadline exceeded", ECID_ANSWER_UNAVAILABLE, "deadline exceeded"},
                                         {"unusable register answer", ECID_ANSWER_BAD_ANSWER, "bad answer"}};
  const auto docs = documents_for(t, a);
  for (const auto& f : failures) {
    const std::string name = f.label + ": handled without crash and without VERIFIED findings";
    e.begin(name);
    std::string problem;
    size_t planned = 0;
    for (const auto& doc : docs) {
      DocumentRun run = run_document(*a.binding, a.manifest.name, doc.bytes, f.status, f.detail);
      if (run.open_rc != ECID_OK) continue;
      planned += run.rec.queries.size();
      if (run.plan_rc != ECID_OK || run.assess_rc != ECID_OK) {
        problem = doc.name + ": plan/assess returned " + std::to_string(run.plan_rc) + "/" + std::to_string(run.assess_rc);
        break;
      }
      bool flagged = false;
      for (const auto& fi : run.rec.findings) {
        if (fi.code == ECID_FINDING_VERIFIED || fi.code == ECID_FINDING_IDENTITY_VERIFIED) {
          problem = doc.name + ": a VERIFIED finding although no register answered";
          break;
        }
        flagged = flagged || fi.severity != ECID_SEVERITY_OK;
      }
      if (problem.empty() && !run.rec.queries.empty() && !flagged)
        problem = doc.name + ": no attention/error finding says the check could not be done";
      if (!problem.empty()) break;
    }
    if (problem.empty() && planned == 0)
      e.result(name, Outcome::Skipped, "no document planned a query");
    else
      e.check(name, problem.empty(), problem);
  }
  const std::string name = "host refuses planned queries (ECID_E_HOST): plan returns an error";
  e.begin(name);
  std::string problem;
  bool tried = false;
  for (const auto& doc : docs) {
    DocumentRun run = run_document(*a.binding, a.manifest.name, doc.bytes, ECID_ANSWER_NOT_FOUND, {}, ECID_E_HOST);
    if (run.open_rc != ECID_OK) continue;
    DocumentRun normal = run_document(*a.binding, a.manifest.name, doc.bytes, ECID_ANSWER_NOT_FOUND);
    if (normal.rec.queries.empty()) continue;
    tried = true;
    if (run.plan_rc == ECID_OK) problem = doc.name + ": plan returned ECID_OK although every add_query failed";
  }
  if (!tried)
    e.result(name, Outcome::Skipped, "no document planned a query");
  else
    e.check(name, problem.empty(), problem);
}

void group_concurrency(const Target& t, const LoadedAdapter& a, Emitter& e) {
  const std::string name = "one instance from 4 threads gives the same results as one thread";
  e.begin(name);
  const auto docs = documents_for(t, a);
  std::vector<std::string> baseline;
  for (const auto& doc : docs)
    baseline.push_back(run_document(*a.binding, a.manifest.name, doc.bytes, ECID_ANSWER_NOT_FOUND).fingerprint());
  std::atomic<int> differences{0};
  std::atomic<size_t> first_bad{SIZE_MAX};
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th)
    threads.emplace_back([&, th] {
      for (int i = 0; i < 50; ++i) {
        const size_t k = (static_cast<size_t>(th) + static_cast<size_t>(i)) % docs.size();
        if (run_document(*a.binding, a.manifest.name, docs[k].bytes, ECID_ANSWER_NOT_FOUND).fingerprint() != baseline[k]) {
          ++differences;
          first_bad = k;
        }
      }
    });
  for (auto& th : threads) th.join();
  e.check(name + " (200 runs)", differences == 0,
          std::to_string(differences.load()) + " run(s) differed, e.g. " +
              (first_bad.load() == SIZE_MAX ? std::string() : docs[first_bad.load()].name));
}

void group_lifecycle(const Target& t, const LoadedAdapter& a, Emitter& e) {
  const ecid_adapter_v1* d = a.binding->descriptor;
  {
    const std::string name = "create refuses host services of another ABI major";
    e.begin(name);
    ecid_host_services other = *host_services();
    other.abi_major = ECID_ABI_MAJOR + 1;
    void* inst = nullptr;
    const int32_t rc = d->create(&other, &inst);
    if (rc == ECID_OK && inst) d->destroy(inst);
    e.check(name, rc != ECID_OK, "create() accepted a host table declaring ABI 2");
  }
  const std::string name = "create/destroy cycles do not leak";
  e.begin(name);
  const auto docs = documents_for(t, a);
  auto cycle = [&](bool& ok) {
    void* inst = nullptr;
    if (d->create(host_services(), &inst) != ECID_OK || !inst) {
      ok = false;
      return;
    }
    const AdapterBinding binding{d, inst};
    for (const auto& doc : docs) (void)run_document(binding, a.manifest.name, doc.bytes, ECID_ANSWER_NOT_FOUND);
    d->destroy(inst);
  };
  bool ok = true;
  // Warm-up first: one-time allocations (static tables, the parser's pools) are not leaks.
  for (int i = 0; i < 50 && ok; ++i) cycle(ok);
  const size_t before = mallinfo2().uordblks;
  constexpr int kCycles = 1000;
  for (int i = 0; i < kCycles && ok; ++i) cycle(ok);
  const size_t after = mallinfo2().uordblks;
  const long long growth = static_cast<long long>(after) - static_cast<long long>(before);
  // A leak of even 64 bytes per cycle shows as 64 KB; allocator noise stays well below.
  constexpr long long kTolerance = 32 * 1024;
  e.check(name + " (" + std::to_string(kCycles) + " cycles)", ok && growth <= kTolerance,
          ok ? "heap in use grew by " + std::to_string(growth) + " bytes (tolerance " + std::to_string(kTolerance) + ")"
             : "create() failed during the cycles");
}

struct Group {
  std::string name;
  std::vector<std::string> checks_if_unloaded;  // what to report when the adapter cannot load
  std::function<void(const Target&, Emitter&)> run;
};

std::vector<Group> groups() {
  auto loaded = [](LoadedGroup g, std::vector<std::string> names) {
    return [g, names](const Target& t, Emitter& e) { with_loaded(t, e, names, g); };
  };
  return {
      {"manifest", {}, group_manifest},
      {"symbols", {}, group_symbols},
      {"abi", {}, group_abi},
      {"entry", {}, group_entry},
      {"corpus", {}, loaded(group_corpus, {"golden documents"})},
      {"invalid-documents", {}, loaded(group_malformed, {"invalid documents"})},
      {"declared-queries", {}, loaded(group_declared, {"only declared query kinds, purposes and fields are emitted"})},
      {"host-failures", {}, loaded(group_host_failures, {"host service failures are handled"})},
      {"concurrency", {}, loaded(group_concurrency, {"one instance from 4 threads gives the same results"})},
      {"lifecycle", {}, loaded(group_lifecycle, {"create/destroy cycles do not leak"})},
  };
}

// ---------------------------------------------------------------------------------------------
// Parent side: one child per group; a signal or a timeout is a failed line.

std::vector<CheckResult> run_group_isolated(const Group& g, const Target& t, int timeout_s) {
  std::vector<CheckResult> out;
  int fds[2];
  if (pipe(fds) != 0) {
    out.push_back({g.name, "run the group", Outcome::Failed, "pipe() failed"});
    return out;
  }
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = fork();
  if (pid < 0) {
    out.push_back({g.name, "run the group", Outcome::Failed, "fork() failed"});
    return out;
  }
  if (pid == 0) {
    close(fds[0]);
    Emitter e(fds[1], g.name);
    try {
      g.run(t, e);
    } catch (const std::exception& ex) {
      e.check("group ran to the end", false, std::string("exception escaped into the kit: ") + ex.what());
    }
    close(fds[1]);
    _exit(0);  // no atexit handlers, no static destructors of the adapter in the child
  }
  close(fds[1]);
  std::string buffer, current;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  bool timed_out = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(fds[0], chunk, sizeof chunk);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      std::string line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      std::vector<std::string> parts;
      std::stringstream ss(line);
      for (std::string part; std::getline(ss, part, '\t');) parts.push_back(part);
      if (parts.size() >= 2 && parts[0] == "B") current = parts[1];
      if (parts.size() >= 3 && parts[0] == "R") {
        const Outcome o = parts[1] == "P" ? Outcome::Passed : parts[1] == "S" ? Outcome::Skipped : Outcome::Failed;
        out.push_back({g.name, parts[2], o, parts.size() > 3 ? parts[3] : ""});
        current.clear();
      }
    }
  }
  if (timed_out) kill(pid, SIGKILL);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  const std::string where = current.empty() ? "between checks" : "during '" + current + "'";
  if (timed_out)
    out.push_back({g.name, current.empty() ? "group" : current, Outcome::Failed,
                   "timed out after " + std::to_string(timeout_s) + " s " + where});
  else if (WIFSIGNALED(status))
    out.push_back({g.name, current.empty() ? "group" : current, Outcome::Failed,
                   "crashed with signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ") " +
                       where});
  else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    out.push_back({g.name, "group", Outcome::Failed, "the check process exited with " + std::to_string(WEXITSTATUS(status))});
  return out;
}

const char* outcome_name(Outcome o) { return o == Outcome::Passed ? "passed" : o == Outcome::Failed ? "failed" : "skipped"; }

}  // namespace

int run_conformance_kit(const ConformanceOptions& o) {
  Target t;
  t.library = o.library;
  t.update = o.update;
  if (o.update && o.corpus.empty()) {
    std::cerr << "ecid: --update rewrites the goldens of a --corpus: give one\n";
    return kExitBadInput;
  }
  std::error_code ec;
  if (!fs::is_regular_file(t.library, ec)) {
    std::cerr << "ecid: " << o.library << ": no such library\n";
    return kExitBadInput;
  }
  t.library = fs::canonical(t.library);
  if (!o.manifest.empty()) {
    t.manifest_file = o.manifest;
  } else {
    find_manifest(t);
  }
  if (!o.corpus.empty()) {
    if (!fs::is_directory(o.corpus, ec)) {
      std::cerr << "ecid: " << o.corpus << ": corpus folder does not exist\n";
      return kExitBadInput;
    }
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(o.corpus))
      if (entry.path().extension() == ".xml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const fs::path expected = f.parent_path() / (f.stem().string() + ".expected.json");
      CorpusDocument d{f.filename().string(), read_all(f), false, {}, expected};
      if (fs::exists(expected)) {
        try {
          d.expected = nlohmann::json::parse(read_all(expected));
          d.has_expected = true;
        } catch (const std::exception& e) {
          std::cerr << "ecid: " << expected.string() << ": " << e.what() << "\n";
          return kExitBadInput;
        }
      }
      t.corpus.push_back(std::move(d));
    }
  }
  // The loader's own warnings would interleave with the results; refusals are reported as checks.
  log::set_level(log::Level::Error);

  std::vector<CheckResult> results;
  for (const Group& g : groups()) {
    auto r = run_group_isolated(g, t, o.timeout_s);
    if (o.format == "text")
      for (const auto& c : r)
        std::cout << (c.outcome == Outcome::Passed ? "PASS " : c.outcome == Outcome::Failed ? "FAIL " : "SKIP ") << c.group
                  << ": " << c.check << (!c.detail.empty() ? " — " + c.detail : "")
                  << "\n"
                  << std::flush;
    results.insert(results.end(), r.begin(), r.end());
  }
  size_t passed = 0, failed = 0, skipped = 0;
  nlohmann::ordered_json j;
  j["library"] = t.library.string();
  j["manifest"] = t.manifest_file.string();
  j["corpus"] = o.corpus;
  j["checks"] = nlohmann::ordered_json::array();
  for (const auto& c : results) {
    (c.outcome == Outcome::Passed ? passed : c.outcome == Outcome::Failed ? failed : skipped)++;
    j["checks"].push_back({{"group", c.group}, {"check", c.check}, {"result", outcome_name(c.outcome)}, {"detail", c.detail}});
  }
  j["passed"] = passed;
  j["failed"] = failed;
  j["skipped"] = skipped;
  if (!o.report.empty()) std::ofstream(o.report) << j.dump(2) << "\n";
  if (o.format == "json")
    std::cout << j.dump(2) << "\n";
  else
    std::cout << passed << " passed, " << failed << " failed" << (skipped ? ", " + std::to_string(skipped) + " skipped" : "")
              << "\n";
  return failed == 0 ? kExitOk : kExitAttention;
}

}  // namespace ecid
