#include <ecid/contract.h>
#include <ecid/fields.hpp>

#include <array>

namespace ecid {
namespace {

constexpr FieldInfo kFields[] = {
    {ECID_F_FULL_NAME, "full_name", false},
    {ECID_F_OTHER_NAMES, "other_names", false},
    {ECID_F_PERSONAL_ID, "personal_id", false},
    {ECID_F_BIRTH_DATE, "birth_date", false},
    {ECID_F_SEX, "sex", false},
    {ECID_F_BIRTH_PLACE, "birth_place", false},
    {ECID_F_BIRTH_REGISTRATION_PLACE, "birth_registration_place", false},
    {ECID_F_HOMETOWN, "hometown", false},
    {ECID_F_ETHNICITY, "ethnicity", true},
    {ECID_F_RELIGION, "religion", true},
    {ECID_F_NATIONALITY, "nationality", false},
    {ECID_F_BLOOD_TYPE, "blood_type", true},
    {ECID_F_LEGACY_ID, "legacy_id", false},
    {ECID_F_PERMANENT_RESIDENCE, "permanent_residence", false},
    {ECID_F_TEMPORARY_RESIDENCE, "temporary_residence", false},
    {ECID_F_CURRENT_RESIDENCE, "current_residence", false},
    {ECID_F_MARITAL_STATUS, "marital_status", false},
    {ECID_F_HOUSEHOLD, "household", false},
    {ECID_F_DEATH_DATE, "death_date", false},
    {ECID_F_PLATE, "plate", false},
    {ECID_F_VEHICLE_OWNER_ID, "vehicle_owner_id", false},
    {ECID_F_VEHICLE_OWNER_KIND, "vehicle_owner_kind", false},
    {ECID_F_PLATE_STATUS, "plate_status", false},
    {ECID_F_PLATE_HISTORY, "plate_history", false},
    {ECID_F_VEHICLE_KIND, "vehicle_kind", false},
    {ECID_F_ORG_CODE, "org_code", false},
    {ECID_F_ORG_NAME, "org_name", false},
    {ECID_F_ORG_REPRESENTATIVE_ID, "org_representative_id", false},
    {ECID_F_ORG_REPRESENTATIVE_NAME, "org_representative_name", false},
    {ECID_F_ORG_STATUS, "org_status", false},
    {ECID_F_ORG_HEAD_OFFICE, "org_head_office", false},
    {ECID_F_EID_LEVEL, "eid_level", false},
    {ECID_F_EID_NONCE, "eid_nonce", false},
    {ECID_F_SECTOR_RECORD_ID, "sector_record_id", false},
};

struct KindInfo {
  uint32_t id;
  std::string_view name;
};
constexpr KindInfo kKinds[] = {
    {ECID_Q_PERSON_BY_ID, "person.by_id"},
    {ECID_Q_PERSON_BY_LEGACY_ID, "person.by_legacy_id"},
    {ECID_Q_PERSON_CANDIDATES, "person.candidates"},
    {ECID_Q_VEHICLE_BY_PLATE, "vehicle.by_plate"},
    {ECID_Q_ORGANISATION_BY_CODE, "organisation.by_code"},
    {ECID_Q_EID_ASSERTION, "eid.assertion"},
    {ECID_Q_BATCH_DUPLICATES, "batch.duplicates"},
};

}  // namespace

std::span<const FieldInfo> all_fields() { return kFields; }

std::optional<uint32_t> field_by_name(std::string_view name) {
  for (const auto& f : kFields)
    if (f.name == name) return f.id;
  return std::nullopt;
}

std::string_view field_name(uint32_t id) {
  for (const auto& f : kFields)
    if (f.id == id) return f.name;
  return "unknown_field";
}

bool field_is_sensitive(uint32_t id) {
  for (const auto& f : kFields)
    if (f.id == id) return f.sensitive;
  return true;  // unknown fields are treated as sensitive: never disclosed by default
}

std::optional<uint32_t> query_kind_by_name(std::string_view name) {
  for (const auto& k : kKinds)
    if (k.name == name) return k.id;
  return std::nullopt;
}

std::string_view query_kind_name(uint32_t kind) {
  for (const auto& k : kKinds)
    if (k.id == kind) return k.name;
  return "unknown_kind";
}

std::string_view answer_status_name(uint32_t status) {
  switch (status) {
    case ECID_ANSWER_FOUND: return "found";
    case ECID_ANSWER_NOT_FOUND: return "not_found";
    case ECID_ANSWER_UNAVAILABLE: return "unavailable";
    case ECID_ANSWER_BAD_ANSWER: return "bad_answer";
    case ECID_ANSWER_REFUSED: return "refused";
    case ECID_ANSWER_INVALID_KEY: return "invalid_key";
    case ECID_ANSWER_REJECTED: return "rejected";
    default: return "unknown";
  }
}

}  // namespace ecid
