#include "adapter/policy_gate.hpp"

#include <ecid/fields.hpp>
#include <ecid/log.hpp>

namespace ecid {

void check_policy_names(const Config& config, const AdapterRegistry& registry) {
  std::string loaded;
  for (const auto& a : registry.loaded()) loaded += (loaded.empty() ? "" : ", ") + a->manifest.name;
  for (const AdapterPolicy& ap : config.policy) {
    const LoadedAdapter* a = registry.find(ap.adapter);
    if (!a) {
      log::security((ap.where.empty() ? "" : ap.where + ": ") + "policy." + ap.adapter +
                    " names no loaded adapter (loaded: " + (loaded.empty() ? "none" : loaded) +
                    "): it grants nothing; a misspelling?");
      continue;
    }
    for (const PurposePolicy& pp : ap.purposes) {
      bool declared = false;
      std::string purposes;
      for (const ManifestPurpose& mp : a->manifest.purposes) {
        declared = declared || mp.id == pp.id;
        purposes += (purposes.empty() ? "" : ", ") + mp.id;
      }
      if (!declared)
        throw ConfigError((pp.where.empty() ? "" : pp.where + ": ") + "policy." + ap.adapter + "." + pp.id +
                          ": the " + ap.adapter + " adapter declares no such purpose (it declares: " +
                          (purposes.empty() ? "none" : purposes) + ")");
    }
  }
}

bool is_register_kind(uint32_t kind) {
  return kind == ECID_Q_PERSON_BY_ID || kind == ECID_Q_PERSON_BY_LEGACY_ID || kind == ECID_Q_PERSON_CANDIDATES ||
         kind == ECID_Q_VEHICLE_BY_PLATE || kind == ECID_Q_ORGANISATION_BY_CODE;
}

bool is_person_kind(uint32_t kind) {
  return kind == ECID_Q_PERSON_BY_ID || kind == ECID_Q_PERSON_BY_LEGACY_ID || kind == ECID_Q_PERSON_CANDIDATES;
}

bool is_batch_kind(uint32_t kind) { return kind == ECID_Q_BATCH_DUPLICATES; }

bool needs_record_personal_id(uint32_t kind) {
  return kind == ECID_Q_PERSON_CANDIDATES || kind == ECID_Q_PERSON_BY_LEGACY_ID;
}

GateDecisions::GateDecisions(const Config& config, const Manifest& manifest, bool log_refusals)
    : config_(config), manifest_(manifest), log_refusals_(log_refusals) {}

const std::string& GateDecisions::refusal(uint32_t kind, std::string_view purpose, const FieldSet& requested) {
  for (const Shape& s : shapes_)
    if (s.kind == kind && s.requested == requested && s.purpose == purpose) return s.refusal;
  const Shape& s = shapes_.emplace_back(
      Shape{kind, std::string(purpose), requested, policy_refusal(config_, manifest_, kind, purpose, requested)});
  if (log_refusals_ && !s.refusal.empty())
    log::info("query refused by policy for adapter " + manifest_.name + ": " + s.refusal);
  return s.refusal;
}

std::string policy_refusal(const Config& config, const Manifest& m, uint32_t kind, std::string_view purpose_view,
                           const FieldSet& requested) {
  const std::string purpose(purpose_view);
  const std::string manifest_name = m.file.filename().string();
  const std::string kind_name(query_kind_name(kind));
  if (kind_name == "unknown_kind") return "unknown query kind " + std::to_string(kind);
  if (!m.find_purpose(purpose)) return "purpose '" + purpose + "' is not declared in " + manifest_name;
  const ManifestQuery* mq = m.find_query(kind, purpose);
  if (!mq) return "query kind " + kind_name + " for purpose '" + purpose + "' is not declared in " + manifest_name;
  for (uint32_t f : requested.list())
    if (!mq->fields.has(f))
      return "field '" + std::string(field_name(f)) + "' is not declared in " + manifest_name + " for " + kind_name +
             "/" + purpose;
  const AdapterPolicy* ap = config.policy_for(m.name);
  if (!ap) return "adapter '" + m.name + "' has no policy in the configuration (policy." + m.name + ")";
  const PurposePolicy* pp = ap->find(purpose);
  if (!pp) return "purpose '" + purpose + "' is not granted to adapter '" + m.name + "' (policy." + m.name + ")";
  for (uint32_t f : requested.list()) {
    if (is_batch_kind(kind)) {
      if (f != ECID_F_SECTOR_RECORD_ID)
        return "a batch query may disclose only sector_record_id, not '" + std::string(field_name(f)) + "'";
    } else if (!pp->fields.has(f)) {
      return "field '" + std::string(field_name(f)) + "' is not permitted for purpose '" + purpose + "' (policy." +
             m.name + "." + purpose + ".fields)";
    }
  }
  return {};
}

}  // namespace ecid
