#include <ecid/contract.h>
#include <ecid/fields.hpp>
#include <ecid/findings.hpp>
#include <ecid/report.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

namespace ecid {
namespace {

// Display width of UTF-8 text: counts code points, skipping combining marks (good enough
// for Vietnamese in a terminal).
size_t display_width(const std::string& s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    uint32_t cp = 0;
    if (len == 2 && i + 1 < s.size()) cp = ((c & 0x1f) << 6) | (s[i + 1] & 0x3f);
    bool combining = cp >= 0x300 && cp <= 0x36f;
    if (!combining) ++w;
    i += len;
  }
  return w;
}

std::string pad(const std::string& s, size_t width) {
  size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

}  // namespace

std::string render_text(const DocumentReport& r, bool show_queries) {
  std::string out = r.file;
  if (!r.ok) {
    out += ": cannot be checked: " + r.error + "\n";
    return out;
  }
  out += "  [" + r.adapter + " " + r.adapter_version + "]";
  if (!r.document_ref.empty()) out += "  ref " + r.document_ref;
  out += "\n";
  for (const auto& w : r.warnings) out += "  WARNING: " + w + "\n";
  size_t w_subject = 7, w_code = 7, w_field = 5;
  for (const auto& f : r.findings) {
    w_subject = std::max(w_subject, display_width(f.subject_ref));
    w_code = std::max(w_code, finding_name(f.code).size());
    w_field = std::max(w_field, f.field ? field_name(f.field).size() : size_t{0});
  }
  out += "  " + pad("SUBJECT", w_subject) + "  " + pad("FINDING", w_code) + "  " + pad("FIELD", w_field) + "  DETAIL\n";
  for (const auto& f : r.findings) {
    std::string marker = f.severity == ECID_SEVERITY_OK ? " " : f.severity == ECID_SEVERITY_ATTENTION ? "!" : "E";
    std::string detail = f.value.empty() ? f.detail : (f.detail.empty() ? f.value : f.value + " (" + f.detail + ")");
    out += marker + " " + pad(f.subject_ref, w_subject) + "  " + pad(std::string(finding_name(f.code)), w_code) + "  " +
           pad(f.field ? std::string(field_name(f.field)) : std::string(), w_field) + "  " + detail + "\n";
  }
  // "population/embedded: found 1, not_found 1; vehicle/embedded: found 1": who answered what.
  std::map<std::string, std::map<std::string, int>> by_source;
  for (const auto& q : r.queries) by_source[q.source][std::string(answer_status_name(q.status))]++;
  out += "  " + std::to_string(r.queries.size()) + " quer" + (r.queries.size() == 1 ? "y" : "ies") + " in " +
         std::to_string(r.rounds) + " round" + (r.rounds == 1 ? "" : "s");
  for (const auto& [source, outcomes] : by_source) {
    out += "; " + source + ":";
    const char* sep = " ";
    for (const auto& [status, n] : outcomes) {
      out += sep + status + " " + std::to_string(n);
      sep = ", ";
    }
  }
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", r.elapsed_ms);
  out += "; " + std::string(ms) + " ms\n";
  if (show_queries) {
    for (const auto& q : r.queries) {
      out += "    round " + std::to_string(q.round) + " #" + std::to_string(q.id) + " " +
             std::string(query_kind_name(q.kind)) + " " + q.subject_ref + " purpose=" + q.purpose + " → " + q.source +
             " " + std::string(answer_status_name(q.status));
      if (!q.detail.empty()) out += " (" + q.detail + ")";
      out += "\n";
    }
  }
  return out;
}

std::string render_json(const std::vector<DocumentReport>& reports) {
  nlohmann::ordered_json docs = nlohmann::ordered_json::array();
  std::map<std::string, int> totals;
  int worst = 0;
  for (const auto& r : reports) {
    nlohmann::ordered_json d;
    d["file"] = r.file;
    d["ok"] = r.ok;
    d["exit_class"] = r.exit_class();
    worst = std::max(worst, r.exit_class());
    if (!r.ok) d["error"] = r.error;
    d["adapter"] = r.adapter;
    d["adapter_version"] = r.adapter_version;
    d["document_ref"] = r.document_ref;
    if (!r.warnings.empty()) d["warnings"] = r.warnings;
    d["rounds"] = r.rounds;
    d["elapsed_ms"] = r.elapsed_ms;
    nlohmann::ordered_json fs = nlohmann::ordered_json::array();
    for (const auto& f : r.findings) {
      nlohmann::ordered_json j;
      j["subject"] = f.subject_ref;
      j["code"] = finding_name(f.code);
      j["severity"] = severity_name(f.severity);
      if (f.field) j["field"] = field_name(f.field);
      if (!f.value.empty()) j["value"] = f.value;
      if (!f.detail.empty()) j["detail"] = f.detail;
      fs.push_back(std::move(j));
      totals[std::string(finding_name(f.code))]++;
    }
    d["findings"] = std::move(fs);
    nlohmann::ordered_json qs = nlohmann::ordered_json::array();
    for (const auto& q : r.queries) {
      nlohmann::ordered_json j;
      j["id"] = q.id;
      j["round"] = q.round;
      j["kind"] = query_kind_name(q.kind);
      j["subject"] = q.subject_ref;
      j["purpose"] = q.purpose;
      j["answered_by"] = q.source;
      j["status"] = answer_status_name(q.status);
      if (!q.detail.empty()) j["detail"] = q.detail;
      nlohmann::ordered_json fields = nlohmann::ordered_json::array();
      for (uint32_t f : q.fields_disclosed) fields.push_back(field_name(f));
      j["fields_disclosed"] = std::move(fields);
      qs.push_back(std::move(j));
    }
    d["queries"] = std::move(qs);
    docs.push_back(std::move(d));
  }
  nlohmann::ordered_json root;
  root["documents"] = std::move(docs);
  root["summary"]["documents"] = reports.size();
  root["summary"]["exit_code"] = worst;
  root["summary"]["findings"] = totals;
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace ecid
