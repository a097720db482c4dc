#include <ecid/fields.hpp>
#include <ecid/manifest.hpp>

#include <charconv>
#include <fstream>
#include <sstream>

#include "config/yaml_check.hpp"

namespace ecid {

const ManifestQuery* Manifest::find_query(uint32_t kind, std::string_view purpose) const {
  for (const auto& q : queries)
    if (q.kind == kind && q.purpose == purpose) return &q;
  return nullptr;
}

const ManifestPurpose* Manifest::find_purpose(std::string_view id) const {
  for (const auto& p : purposes)
    if (p.id == id) return &p;
  return nullptr;
}

namespace {

using Reader = yaml_check::Reader<ManifestError>;

bool parse_abi(const std::string& s, uint16_t& major, uint16_t& minor) {
  auto dot = s.find('.');
  if (dot == std::string::npos) return false;
  auto a = std::from_chars(s.data(), s.data() + dot, major);
  auto b = std::from_chars(s.data() + dot + 1, s.data() + s.size(), minor);
  return a.ec == std::errc() && a.ptr == s.data() + dot && b.ec == std::errc() && b.ptr == s.data() + s.size();
}

bool is_identifier(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

Manifest parse_manifest(std::string_view yaml, const std::filesystem::path& file) {
  Reader r{file.string()};
  YAML::Node root = yaml_check::parse<ManifestError>(yaml, file.string());
  if (!root.IsMap()) r.fail_plain("a manifest must be a mapping");
  r.only_keys(root, "the manifest",
              {"name", "version", "abi", "library", "description", "max_document_bytes", "document_types", "queries",
               "purposes"});
  Manifest m;
  m.file = file;
  m.name = r.scalar(root, "name", true);
  if (!is_identifier(m.name)) r.fail(root["name"], "name must be lower-case letters, digits, '_' or '-'");
  m.version = r.scalar(root, "version", true);
  std::string abi = r.scalar(root, "abi", true);
  if (!parse_abi(abi, m.abi_major, m.abi_minor)) r.fail(root["abi"], "abi must be MAJOR.MINOR, e.g. \"1.0\"");
  std::string lib = r.scalar(root, "library", true);
  if (lib.find('/') != std::string::npos)
    r.fail(root["library"], "library must be a file name beside the manifest, not a path");
  m.library = std::filesystem::absolute(file).parent_path() / lib;
  m.description = r.scalar(root, "description", false);
  m.max_document_bytes = static_cast<uint64_t>(r.integer(root, "max_document_bytes", 0, 1, 4L << 30));

  YAML::Node types = root["document_types"];
  if (!types.IsDefined() || !types.IsSequence() || types.size() == 0)
    r.fail(types.IsDefined() ? types : root, "document_types must be a non-empty list");
  for (const auto& t : types) {
    r.expect_map(t, "document_types item");
    r.only_keys(t, "a document type", {"root", "namespace"});
    m.document_types.push_back({r.scalar(t, "root", true), r.scalar(t, "namespace", false)});
  }

  YAML::Node purposes = root["purposes"];
  if (purposes.IsDefined() && !purposes.IsNull()) {
    if (!purposes.IsSequence()) r.fail(purposes, "purposes must be a list");
    for (const auto& p : purposes) {
      r.expect_map(p, "purposes item");
      r.only_keys(p, "a purpose", {"id", "legal_basis"});
      m.purposes.push_back({r.scalar(p, "id", true), r.scalar(p, "legal_basis", true)});
    }
  }

  YAML::Node queries = root["queries"];
  if (queries.IsDefined() && !queries.IsNull()) {
    if (!queries.IsSequence()) r.fail(queries, "queries must be a list");
    for (const auto& q : queries) {
      r.expect_map(q, "queries item");
      r.only_keys(q, "a query", {"kind", "purpose", "fields"});
      ManifestQuery mq;
      std::string kind = r.scalar(q, "kind", true);
      auto k = query_kind_by_name(kind);
      if (!k) r.fail(q["kind"], "unknown query kind '" + kind + "'");
      mq.kind = *k;
      mq.purpose = r.scalar(q, "purpose", true);
      if (!m.find_purpose(mq.purpose))
        r.fail(q["purpose"], "query purpose '" + mq.purpose + "' is not declared under purposes");
      for (const auto& name : r.string_list(q, "fields", false)) {
        auto f = field_by_name(name);
        if (!f) r.fail(q["fields"], "unknown register field '" + name + "'");
        mq.fields.add(*f);
      }
      m.queries.push_back(std::move(mq));
    }
  }
  return m;
}

Manifest load_manifest(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ManifestError(file.string() + ": cannot read the manifest");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_manifest(ss.str(), file);
}

}  // namespace ecid
