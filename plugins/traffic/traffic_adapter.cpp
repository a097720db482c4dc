// Traffic adapter: two documents of the traffic police (plugins/traffic/README.md).
//
//  * ViolationRecord (urn:ecid:traffic:camera:1): a camera's record of a violation. Round 0
//    resolves the plate in the vehicle register; round 1 looks the owner *at the time of the
//    violation* up in the population register (or the organisation register) and routes the
//    notice to the owner's residence or head office (Circular 73/2024/TT-BCA).
//  * PlateRegistration (urn:ecid:traffic:registration:1): an application to register a vehicle.
//    Round 0 checks the applicant's identity (and eID assertion); round 1, for an adult
//    applicant who checks out, lists the plates held for them (Circular 79/2024/TT-BCA).
//
// Pure function of data: no I/O, no logging of personal data. Plates are sent to the host as
// the document writes them; the host normalises them with its plate rules.
#include <ecid/adapter.hpp>
#include <ecid/sdk_answers.hpp>
#include <ecid/sdk_document.hpp>
#include <ecid/sdk_person.hpp>
#include <ecid/sdk_text.hpp>
#include <ecid/sdk_xml.hpp>

#include <pugixml.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using ecid::sdk::all_digits;
using ecid::sdk::Finding;
using ecid::sdk::InvalidDocument;
using ecid::sdk::is_digit;
using ecid::sdk::lookup_failure;
using ecid::sdk::quoted;
using ecid::sdk::trim;
using ecid::sdk::with_default;
using ecid::sdk::XmlReader;

constexpr ecid::sdk::XmlRoot kCamera{"ViolationRecord", "urn:ecid:traffic:camera:1"};
constexpr ecid::sdk::XmlRoot kRegistration{"PlateRegistration", "urn:ecid:traffic:registration:1"};
constexpr std::string_view kCameraPurpose = "traffic.camera_notice";
constexpr std::string_view kRegistrationPurpose = "traffic.plate_registration";

// An applicant's identity token (Assertion) is longer than any other field: the verifier's bound.
constexpr ecid::sdk::XmlLimits kLimits{.max_document_bytes = 1u << 20,
                                       .max_field_bytes = 1024,
                                       .long_field = "PlateRegistration/Applicant/Assertion",
                                       .max_long_field_bytes = 16 * 1024};

// Circular 79/2024: owners are 15 or older; 15-17 with their guardian's consent.
constexpr int kMinimumOwnerAge = 15;
constexpr int kAdultAge = 18;
// Circular 24/2023 → 79/2024: a plate taken off a sold vehicle is held for its owner 5 years.
constexpr int kHoldYears = 5;
constexpr std::string_view kRegistrationEidLevel = "2";

constexpr uint32_t kVehicleFields[] = {ECID_F_PLATE, ECID_F_VEHICLE_KIND, ECID_F_VEHICLE_OWNER_KIND,
                                       ECID_F_VEHICLE_OWNER_ID, ECID_F_PLATE_STATUS, ECID_F_PLATE_HISTORY};
constexpr uint32_t kOwnerPersonFields[] = {ECID_F_DEATH_DATE, ECID_F_CURRENT_RESIDENCE,
                                           ECID_F_TEMPORARY_RESIDENCE, ECID_F_PERMANENT_RESIDENCE};
constexpr uint32_t kOwnerOrganisationFields[] = {ECID_F_ORG_NAME, ECID_F_ORG_STATUS, ECID_F_ORG_HEAD_OFFICE};
constexpr uint32_t kApplicantFields[] = {ECID_F_BIRTH_DATE, ECID_F_DEATH_DATE};
constexpr uint32_t kHeldPlateFields[] = {ECID_F_PLATE, ECID_F_VEHICLE_KIND, ECID_F_PLATE_STATUS,
                                         ECID_F_PLATE_HISTORY};
constexpr uint32_t kAssertionFields[] = {ECID_F_EID_LEVEL};

// ---------------------------------------------------------------------------------------------
// Text. The shared helpers are the SDK's (ecid/sdk_text.hpp); these are the traffic adapter's own.

int number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

// ---------------------------------------------------------------------------------------------
// Dates: days since 1970-01-01 (H. Hinnant's civil calendar) and "YYYY-MM-DD" text.

int days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

struct Ymd {
  int y = 0, m = 0, d = 0;
};

Ymd civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  Ymd r;
  r.d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  r.m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  r.y = static_cast<int>(yoe + era * 400 + (r.m <= 2));
  return r;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

std::string ymd_text(Ymd d) {
  std::string out(10, '0');
  auto put = [&](size_t at, int v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) out[at + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
  };
  put(0, d.y, 4);
  out[4] = '-';
  put(5, d.m, 2);
  out[7] = '-';
  put(8, d.d, 2);
  return out;
}

// "YYYY-MM-DD" exactly, a real day.
std::optional<Ymd> parse_iso_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) ||
      !all_digits(s.substr(8, 2)))
    return std::nullopt;
  Ymd d{number(s.substr(0, 4)), number(s.substr(5, 2)), number(s.substr(8, 2))};
  if (d.m < 1 || d.m > 12 || d.d < 1 || d.d > days_in_month(d.y, d.m)) return std::nullopt;
  return d;
}

// Vietnam keeps one time zone, UTC+7, without daylight saving.
constexpr int64_t kVietnamOffsetSeconds = 7 * 3600;

// A camera's time stamp: "2025-03-14T08:15:32+07:00", "…Z", "2025-03-14 08:15:32" (local
// time) or "14/03/2025 08:15:32" (local). Returns seconds since the epoch (UTC).
std::optional<int64_t> parse_timestamp(std::string_view s) {
  s = trim(s);
  Ymd d;
  size_t at;
  if (s.size() >= 10 && s[2] == '/' && s[5] == '/') {
    if (!all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2)) || !all_digits(s.substr(6, 4))) return std::nullopt;
    d = {number(s.substr(6, 4)), number(s.substr(3, 2)), number(s.substr(0, 2))};
    at = 10;
  } else {
    auto day = parse_iso_day(s.substr(0, 10));
    if (!day) return std::nullopt;
    d = *day;
    at = 10;
  }
  if (d.m < 1 || d.m > 12 || d.d < 1 || d.d > days_in_month(d.y, d.m)) return std::nullopt;
  if (at >= s.size() || (s[at] != 'T' && s[at] != ' ')) return std::nullopt;  // a time is required
  ++at;
  std::string_view t = s.substr(at);
  if (t.size() < 5 || t[2] != ':' || !all_digits(t.substr(0, 2)) || !all_digits(t.substr(3, 2))) return std::nullopt;
  int hh = number(t.substr(0, 2)), mm = number(t.substr(3, 2)), ss = 0;
  t.remove_prefix(5);
  if (!t.empty() && t[0] == ':') {
    if (t.size() < 3 || !all_digits(t.substr(1, 2))) return std::nullopt;
    ss = number(t.substr(1, 2));
    t.remove_prefix(3);
    if (!t.empty() && t[0] == '.') {  // fractions of a second
      t.remove_prefix(1);
      while (!t.empty() && is_digit(t[0])) t.remove_prefix(1);
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  int64_t offset = kVietnamOffsetSeconds;
  if (t == "Z") {
    offset = 0;
  } else if (t.size() == 6 && (t[0] == '+' || t[0] == '-') && t[3] == ':' && all_digits(t.substr(1, 2)) &&
             all_digits(t.substr(4, 2))) {
    offset = (number(t.substr(1, 2)) * 3600 + number(t.substr(4, 2)) * 60) * (t[0] == '-' ? -1 : 1);
  } else if (!t.empty()) {
    return std::nullopt;
  }
  return int64_t{days_from_civil(d.y, d.m, d.d)} * 86400 + hh * 3600 + mm * 60 + ss - offset;
}

// The calendar day in Vietnam of an instant: plate periods are kept in Vietnamese days.
Ymd vietnam_day(int64_t unix_seconds) {
  const int64_t local = unix_seconds + kVietnamOffsetSeconds;
  return civil_from_days(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

// ---------------------------------------------------------------------------------------------
// The plate history the vehicle register returns (docs/register.md): periods
// "from..to:owner_kind:owner_id:status" oldest first, ';' between; `to` empty while current.

struct PlatePeriod {
  std::string from, to;  // YYYY-MM-DD; `to` is the first day after the period, empty = open
  std::string owner_kind, owner_id, status;
};

std::optional<std::vector<PlatePeriod>> parse_history(std::string_view text) {
  std::vector<PlatePeriod> out;
  if (trim(text).empty()) return out;
  for (std::string_view item : split(text, ';')) {
    const size_t dots = item.find("..");
    if (dots == std::string_view::npos) return std::nullopt;
    const auto parts = split(item.substr(dots + 2), ':');
    if (parts.size() != 4) return std::nullopt;
    PlatePeriod p{std::string(item.substr(0, dots)), std::string(parts[0]), std::string(parts[1]),
                  std::string(parts[2]), std::string(parts[3])};
    if (!parse_iso_day(p.from) || (!p.to.empty() && (!parse_iso_day(p.to) || p.to <= p.from))) return std::nullopt;
    if (p.owner_kind != "person" && p.owner_kind != "organisation") return std::nullopt;
    if (p.status != "active" && p.status != "held" && p.status != "revoked") return std::nullopt;
    if (!out.empty() && out.back().from >= p.from) return std::nullopt;
    out.push_back(std::move(p));
  }
  return out;
}

// The period that contains `day`; nullptr when the plate had not been issued yet.
const PlatePeriod* period_at(const std::vector<PlatePeriod>& history, const std::string& day) {
  const PlatePeriod* found = nullptr;
  for (const PlatePeriod& p : history)
    if (p.from <= day && (p.to.empty() || day < p.to)) found = &p;
  return found;
}

// "phường Ngọc Hà, thành phố Hà Nội" from a two-level address line: the commune and the
// province, its last two parts (docs/register.md, residence values).
std::string commune_and_province(std::string_view address) {
  const auto parts = split(address, ',');
  if (parts.size() < 2) return std::string(trim(address));
  return std::string(trim(parts[parts.size() - 2])) + ", " + std::string(trim(parts.back()));
}

// ---------------------------------------------------------------------------------------------
// Camera violation record.

class CameraSession final : public ecid::sdk::Session {
 public:
  CameraSession(const ecid::sdk::Host& host, const ecid::sdk::XmlDocument& xml) {
    const pugi::xml_node root = xml.root();
    const XmlReader r = xml.reader();
    record_id_ = r.text(root, "RecordId").value_or("");
    if (record_id_.empty())
      findings_.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, "", "the record has no RecordId"});

    const auto plate = r.child(root, "Plate");
    if (!plate) throw InvalidDocument("no Plate: a violation record names the plate it photographed");
    plate_ = XmlReader::own_text(*plate).value_or("");
    if (plate_.empty()) throw InvalidDocument("Plate is empty");
    if (plate_.size() > 32)
      throw InvalidDocument("Plate is longer than any plate (32 bytes)");
    colour_ = std::string(trim(plate->attribute("colour").value()));
    static constexpr std::string_view kColours[] = {"white", "yellow", "blue", "red"};
    if (!colour_.empty() && std::find(std::begin(kColours), std::end(kColours), colour_) == std::end(kColours))
      findings_.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, ECID_F_PLATE, quoted(colour_, 16),
                           "plate colour is not white, yellow, blue or red"});

    const auto time = r.text(root, "Time");
    if (!time) {
      findings_.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, "",
                           "the record has no Time: the owner at the time of the violation cannot be found"});
    } else if (const auto at = parse_timestamp(*time); !at) {
      findings_.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, quoted(*time, 40),
                           "Time is not a date and time (2025-03-14T08:15:32+07:00)"});
    } else if (*at > host.now() + 86400) {
      findings_.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, quoted(*time, 40),
                           "Time is in the future"});
    } else {
      violation_day_ = ymd_text(vietnam_day(*at));
    }

    if (const auto violation = r.child(root, "Violation")) {
      const std::string_view code = trim(violation->attribute("code").value());
      if (!valid_violation_code(code))
        findings_.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, quoted(code, 16),
                             "Violation code is not article.clause[.point] of Decree 168/2024 (e.g. 6.9.b)"});
    } else {
      findings_.push_back({ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, "", "the record has no Violation"});
    }
    // Device and Place are carried for the operator; nothing here depends on them.
  }

  std::string_view document_ref() const override { return record_id_; }

  void plan(uint32_t round, const ecid::sdk::Answers& answers, ecid::sdk::Planner& planner) override {
    if (violation_day_.empty()) return;  // without the day there is no owner to find
    if (round == 0) {
      vehicle_query_ = planner.ask(ECID_Q_VEHICLE_BY_PLATE, "vehicle", plate_, kCameraPurpose, {}, kVehicleFields);
      return;
    }
    if (round != 1 || !vehicle_query_) return;
    const auto answer = answers.find(*vehicle_query_);
    if (!answer || !answer->found()) return;
    const State s = state_at_violation(answer->record(0));
    if (!s.period || s.period->status != "active" || s.period->owner_id.empty()) return;
    owner_kind_ = s.period->owner_kind;
    if (owner_kind_ == "person")
      owner_query_ = planner.ask(ECID_Q_PERSON_BY_ID, "owner", s.period->owner_id, kCameraPurpose, {}, kOwnerPersonFields);
    else
      owner_query_ = planner.ask(ECID_Q_ORGANISATION_BY_CODE, "owner", s.period->owner_id, kCameraPurpose, {},
                                 kOwnerOrganisationFields);
  }

  void assess(const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) override {
    for (const Finding& f : findings_) out.add("document", f);
    if (!vehicle_query_) return;
    const auto vehicle = answers.find(*vehicle_query_);
    if (auto f = lookup_failure(vehicle, "the host returned no answer for the plate look-up")) return out.add("vehicle", *f);
    if (vehicle->status() == ECID_ANSWER_NOT_FOUND)
      return out.add(ECID_FINDING_PLATE_UNKNOWN, ECID_SEVERITY_ATTENTION, "vehicle", ECID_F_PLATE, plate_,
                     "no vehicle is registered under this plate: check the camera's reading; a forged plate is possible");
    if (vehicle->status() == ECID_ANSWER_INVALID_KEY)
      return out.add(ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, "vehicle", ECID_F_PLATE, quoted(plate_, 32),
                     "this plate cannot exist: " + std::string(with_default(vehicle->detail(), "impossible plate")));
    const ecid::sdk::Record record = vehicle->record(0);
    const State s = state_at_violation(record);
    if (!s.history_readable) {
      out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, "vehicle", ECID_F_PLATE_HISTORY, {},
              "the vehicle register's plate history is unreadable");
      return;
    }
    const std::string shown = std::string(with_default(record.value_or_empty(ECID_F_PLATE), plate_));
    if (!s.period) {
      out.add(ECID_FINDING_PLATE_NOT_ACTIVE, ECID_SEVERITY_ATTENTION, "vehicle", ECID_F_PLATE_STATUS, "not issued",
              "the plate was first issued on " + s.first_issued + ", after the violation (" + violation_day_ +
                  "): a false plate or a misreading");
      return;
    }
    if (s.period->status != "active") {
      const bool held = s.period->status == "held";
      out.add(ECID_FINDING_PLATE_NOT_ACTIVE, ECID_SEVERITY_ATTENTION, "vehicle", ECID_F_PLATE_STATUS, s.period->status,
              held ? "on " + violation_day_ + " the plate was held for its owner since " + s.period->from +
                         " (taken off a sold vehicle) and on no vehicle: a cloned plate is likely"
                   : "on " + violation_day_ + " the plate had been revoked since " + s.period->from +
                         ": a withdrawn plate on the road");
      return;
    }
    if (!owner_query_) {
      out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, "owner", 0, {},
              "the owner at the time of the violation was not looked up");
      return;
    }
    const std::string kind(record.value_or_empty(ECID_F_VEHICLE_KIND));
    const bool changed_since = !s.period->to.empty();
    if (owner_kind_ == "person") assess_person(answers, kind, shown, *s.period, changed_since, out);
    else assess_organisation(answers, *s.period, changed_since, out);
  }

 private:
  struct State {
    bool history_readable = true;
    std::optional<PlatePeriod> period;  // the period on the day of the violation
    std::string first_issued;
  };

  // The plate's period on the day of the violation. A register without history is taken at its
  // word for the current state.
  State state_at_violation(const ecid::sdk::Record& record) const {
    State s;
    const auto history = record.value(ECID_F_PLATE_HISTORY);
    if (history && !trim(*history).empty()) {
      const auto parsed = parse_history(*history);
      if (!parsed || parsed->empty()) {
        s.history_readable = false;
        return s;
      }
      s.first_issued = parsed->front().from;
      if (const PlatePeriod* p = period_at(*parsed, violation_day_)) s.period = *p;
      return s;
    }
    const std::string_view status = record.value_or_empty(ECID_F_PLATE_STATUS);
    if (status.empty()) {
      s.history_readable = false;
      return s;
    }
    s.period = PlatePeriod{"0000-01-01", "", std::string(record.value_or_empty(ECID_F_VEHICLE_OWNER_KIND)),
                           std::string(record.value_or_empty(ECID_F_VEHICLE_OWNER_ID)), std::string(status)};
    return s;
  }

  void assess_person(const ecid::sdk::Answers& answers, const std::string& vehicle_kind, const std::string& plate,
                     const PlatePeriod& period, bool changed_since, ecid::sdk::Reporter& out) const {
    const auto owner = answers.find(*owner_query_);
    if (auto f = lookup_failure(owner, "the host returned no answer for the owner look-up")) return out.add("owner", *f);
    if (owner->status() == ECID_ANSWER_NOT_FOUND)
      return out.add(ECID_FINDING_ID_NOT_FOUND, ECID_SEVERITY_ATTENTION, "owner", ECID_F_VEHICLE_OWNER_ID, period.owner_id,
                     "the vehicle register's owner is not on the population register");
    if (owner->status() == ECID_ANSWER_INVALID_KEY)
      return out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, "owner", ECID_F_VEHICLE_OWNER_ID, {},
                     "the vehicle register names an owner whose ID cannot exist: " +
                         std::string(with_default(owner->detail(), "invalid ID")));
    if (owner->record_count() > 1) {
      out.add(ECID_FINDING_AMBIGUOUS, ECID_SEVERITY_ATTENTION, "owner", ECID_F_VEHICLE_OWNER_ID, {},
              "the population register holds several people for the owner's ID");
      return;
    }
    const ecid::sdk::Record record = owner->record(0);
    const std::string_view died = trim(record.value_or_empty(ECID_F_DEATH_DATE));
    if (!died.empty()) {
      out.add(ECID_FINDING_DECEASED, ECID_SEVERITY_ATTENTION, "owner", ECID_F_DEATH_DATE, died,
              std::string(std::string_view(died) < std::string_view(violation_day_)
                              ? "the registered owner died before the violation"
                              : "the registered owner has died since the violation") +
                  ": no notice can be served; identify who uses the vehicle (the heirs have not re-registered it)");
      return;
    }
    out.add(ECID_FINDING_VERIFIED, ECID_SEVERITY_OK, "owner", ECID_F_VEHICLE_OWNER_ID, period.owner_id,
            "plate " + plate + " was on this owner's " + (vehicle_kind.empty() ? "vehicle" : vehicle_kind) +
                " on the day of the violation (since " + period.from + ")" +
                (changed_since ? "; the plate has changed hands since" : "") +
                "; the owner is on the population register");
    static constexpr std::pair<uint32_t, std::string_view> kResidences[] = {
        {ECID_F_CURRENT_RESIDENCE, "current residence"},
        {ECID_F_TEMPORARY_RESIDENCE, "temporary residence"},
        {ECID_F_PERMANENT_RESIDENCE, "permanent residence"}};
    // Circular 73/2024: the commune police where a motorbike's owner lives; for other vehicles
    // the traffic police of that province.
    const std::string handler = vehicle_kind == "motorbike" ? "commune police" : "provincial traffic police";
    for (const auto& [field, label] : kResidences) {
      const std::string_view address = trim(record.value_or_empty(field));
      if (address.empty()) continue;
      out.add(ECID_FINDING_NOTICE_ROUTE, ECID_SEVERITY_OK, "owner", field, commune_and_province(address),
              handler + " of the owner's " + std::string(label));
      return;
    }
    out.add(ECID_FINDING_NOTICE_ROUTE, ECID_SEVERITY_ATTENTION, "owner", 0, {},
            "the owner has no residence on the population register: publish the notice on the traffic police "
            "website and VNeTraffic");
  }

  void assess_organisation(const ecid::sdk::Answers& answers, const PlatePeriod& period, bool changed_since,
                           ecid::sdk::Reporter& out) const {
    const auto owner = answers.find(*owner_query_);
    if (auto f = lookup_failure(owner, "the host returned no answer for the owner look-up")) return out.add("owner", *f);
    if (owner->status() == ECID_ANSWER_NOT_FOUND || owner->status() == ECID_ANSWER_INVALID_KEY)
      return out.add(ECID_FINDING_ORGANISATION_NOT_FOUND, ECID_SEVERITY_ATTENTION, "owner", ECID_F_VEHICLE_OWNER_ID,
                     period.owner_id, "the vehicle register's owner is not in the organisation register");
    const ecid::sdk::Record record = owner->record(0);
    const std::string_view name = trim(record.value_or_empty(ECID_F_ORG_NAME));
    out.add(ECID_FINDING_ORGANISATION_OWNER, ECID_SEVERITY_OK, "owner", ECID_F_VEHICLE_OWNER_ID, period.owner_id,
            "the vehicle belonged to an organisation on the day of the violation (since " + period.from + ")" +
                (changed_since ? ", and has changed hands since" : "") +
                ": the notice goes to its head office, and it must name the driver" +
                (name.empty() ? std::string() : " (" + quoted(name, 200) + ")"));
    const std::string_view status = trim(record.value_or_empty(ECID_F_ORG_STATUS));
    if (!status.empty() && status != "active")
      out.add(ECID_FINDING_ORGANISATION_NOT_ACTIVE, ECID_SEVERITY_ATTENTION, "owner", ECID_F_ORG_STATUS, status,
              "the owning organisation is " + quoted(status, 32) + ": whoever took over its vehicles answers the notice");
    const std::string_view office = trim(record.value_or_empty(ECID_F_ORG_HEAD_OFFICE));
    if (office.empty())
      out.add(ECID_FINDING_NOTICE_ROUTE, ECID_SEVERITY_ATTENTION, "owner", 0, {},
              "the organisation register holds no head office for the owner");
    else
      out.add(ECID_FINDING_NOTICE_ROUTE, ECID_SEVERITY_OK, "owner", ECID_F_ORG_HEAD_OFFICE, office,
              "head office of the owning organisation");
  }

  static bool valid_violation_code(std::string_view code) {
    const auto parts = split(code, '.');
    if (parts.size() < 2 || parts.size() > 3) return false;
    for (size_t i = 0; i < 2; ++i)
      if (!all_digits(parts[i]) || parts[i].size() > 2 || number(parts[i]) == 0) return false;
    if (parts.size() == 3) {
      const std::string_view point = parts[2];
      const bool letter = point.size() == 1 && point[0] >= 'a' && point[0] <= 'z';
      const bool d_stroke = point == "\xC4\x91";  // đ
      if (!letter && !d_stroke) return false;
    }
    return true;
  }

  std::string record_id_;
  std::string plate_;
  std::string colour_;
  std::string violation_day_;  // YYYY-MM-DD in Vietnam; empty when the time is unusable
  std::vector<Finding> findings_;
  std::optional<uint32_t> vehicle_query_;
  std::optional<uint32_t> owner_query_;
  std::string owner_kind_;
};

// ---------------------------------------------------------------------------------------------
// Plate registration application.

class RegistrationSession final : public ecid::sdk::Session {
 public:
  RegistrationSession(const ecid::sdk::Host& host, const ecid::sdk::XmlDocument& xml) {
    const pugi::xml_node root = xml.root();
    const XmlReader r = xml.reader();
    application_id_ = r.text(root, "ApplicationId").value_or("");
    if (application_id_.empty())
      document_findings_.push_back(
          {ECID_FINDING_INVALID_INPUT, ECID_SEVERITY_ATTENTION, 0, "", "the application has no ApplicationId"});

    const auto date = r.text(root, "ApplicationDate");
    if (!date) throw InvalidDocument("no ApplicationDate: the applicant's age is taken on that day");
    const auto d = host.parse_date(*date);
    if (!d || d->month == 0 || d->day == 0) throw InvalidDocument("ApplicationDate is not a full date");
    application_day_ = {d->year, d->month, d->day};
    const Ymd today = vietnam_day(host.now());
    if (days_from_civil(d->year, d->month, d->day) > days_from_civil(today.y, today.m, today.d))
      throw InvalidDocument("ApplicationDate is in the future");

    const auto vehicle = r.child(root, "Vehicle");
    if (!vehicle) throw InvalidDocument("no Vehicle");
    vehicle_kind_ = std::string(trim(vehicle->attribute("kind").value()));
    if (vehicle_kind_ != "car" && vehicle_kind_ != "motorbike")
      throw InvalidDocument("Vehicle kind must be car or motorbike");

    const auto applicant = r.child(root, "Applicant");
    if (!applicant) throw InvalidDocument("no Applicant");
    applicant_ = ecid::sdk::read_person(host, r, *applicant);
    guardian_consent_ = r.text(*applicant, "GuardianConsent").value_or("");
    assertion_ = ecid::sdk::without_spaces(r.text(*applicant, "Assertion").value_or(""));
  }

  std::string_view document_ref() const override { return application_id_; }

  void plan(uint32_t round, const ecid::sdk::Answers& answers, ecid::sdk::Planner& planner) override {
    if (round == 0) {
      if (applicant_.personal_id.empty()) return;
      person_query_ = planner.ask(ECID_Q_PERSON_BY_ID, "applicant", applicant_.personal_id, kRegistrationPurpose,
                                  applicant_.claims(), kApplicantFields);
      if (!assertion_.empty()) {
        const ecid::sdk::Claim bound[] = {{ECID_F_PERSONAL_ID, applicant_.personal_id},
                                          {ECID_F_EID_LEVEL, kRegistrationEidLevel}};
        assertion_query_ = planner.ask(ECID_Q_EID_ASSERTION, "applicant", assertion_, kRegistrationPurpose, bound,
                                       kAssertionFields);
      }
      return;
    }
    // Round 1: the register's plates are opened only for an applicant who checks out.
    if (round != 1 || !person_query_) return;
    const Identity id = identity(answers);
    if (!id.eligible) return;
    // An online application stands on its assertion: unverified, it opens nothing.
    if (assertion_query_ && judge_assertion(answers).code != ECID_FINDING_IDENTITY_VERIFIED) return;
    const ecid::sdk::Claim filter[] = {{ECID_F_VEHICLE_OWNER_ID, applicant_.personal_id},
                                       {ECID_F_VEHICLE_KIND, vehicle_kind_},
                                       {ECID_F_PLATE_STATUS, "held"}};
    held_query_ = planner.ask(ECID_Q_VEHICLE_BY_PLATE, "applicant", "", kRegistrationPurpose, filter, kHeldPlateFields);
  }

  void assess(const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) override {
    for (const Finding& f : document_findings_) out.add("document", f);
    for (const Finding& f : applicant_.findings) out.add("applicant", f);
    if (applicant_.personal_id.empty()) {
      if (!applicant_.id_unusable)
        out.add(ECID_FINDING_NO_ID_GIVEN, ECID_SEVERITY_ATTENTION, "applicant", 0, {},
                "the applicant gives no PersonalId: the identity cannot be checked");
      return;
    }
    assess_identity(answers, out);
    if (assertion_query_) out.add("applicant", judge_assertion(answers));
    if (held_query_) assess_held_plates(answers, out);
  }

 private:
  struct Identity {
    bool found = false;
    bool eligible = false;  // found, alive, nothing disagrees, old enough
    std::optional<ecid::sdk::Record> record;
  };

  Identity identity(const ecid::sdk::Answers& answers) const {
    Identity id;
    const auto answer = answers.find(*person_query_);
    if (!answer || !answer->found() || answer->record_count() != 1) return id;
    id.found = true;
    id.record = answer->record(0);
    bool agrees = id.record->check(ECID_F_PERSONAL_ID) != ECID_CHECK_MISMATCH;
    for (const ecid_field_check& c : id.record->checks())
      if (c.outcome == ECID_CHECK_MISMATCH || c.outcome == ECID_CHECK_NEEDS_REVIEW) agrees = false;
    const bool alive = trim(id.record->value_or_empty(ECID_F_DEATH_DATE)).empty();
    id.eligible = agrees && alive && !applicant_.structure_inconsistent && age_verdict(*id.record).old_enough;
    return id;
  }

  struct AgeVerdict {
    bool known = false;
    bool old_enough = false;  // surely 15 on the application day
    bool surely_under = false;
    int youngest = 0;         // age if born on the latest day the register's date allows
    bool adult = false;       // surely 18
  };

  // Age on the application day from the register's birth date, which may be partial
  // ("1948", "1948-05"): an age is only taken as reached when every possible birthday gives it.
  AgeVerdict age_verdict(const ecid::sdk::Record& record) const {
    AgeVerdict v;
    const std::string_view b = trim(record.value_or_empty(ECID_F_BIRTH_DATE));
    if (b.size() < 4 || !all_digits(b.substr(0, 4))) return v;
    const int year = number(b.substr(0, 4));
    int month_lo = 1, month_hi = 12, day_lo = 1, day_hi = 31;
    if (b.size() >= 7 && b[4] == '-' && all_digits(b.substr(5, 2))) month_lo = month_hi = number(b.substr(5, 2));
    if (b.size() >= 10 && b[7] == '-' && all_digits(b.substr(8, 2))) day_lo = day_hi = number(b.substr(8, 2));
    auto age = [&](int m, int d) {
      const Ymd a = application_day_;
      return a.y - year - ((a.m < m || (a.m == m && a.d < d)) ? 1 : 0);
    };
    v.known = true;
    v.youngest = age(month_hi, day_hi);
    const int oldest = age(month_lo, day_lo);
    v.old_enough = v.youngest >= kMinimumOwnerAge;
    v.surely_under = oldest < kMinimumOwnerAge;
    v.adult = v.youngest >= kAdultAge;
    return v;
  }

  void assess_identity(const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) const {
    if (!person_query_) return;
    const auto answer = answers.find(*person_query_);
    if (auto f = lookup_failure(answer, "the host returned no answer for the applicant's look-up"))
      return out.add("applicant", *f);
    if (auto f = ecid::sdk::person_not_found(*answer, ECID_F_PERSONAL_ID)) return out.add("applicant", *f);
    if (answer->record_count() > 1) {
      out.add(ECID_FINDING_AMBIGUOUS, ECID_SEVERITY_ATTENTION, "applicant", ECID_F_PERSONAL_ID, {},
              "the register holds several people for this ID");
      return;
    }
    const ecid::sdk::Record record = answer->record(0);
    const ecid::sdk::ClaimChecks checks = ecid::sdk::check_claims(record, applicant_.claimed_fields());
    for (const Finding& f : checks.findings) out.add("applicant", f);
    const std::string_view died = trim(record.value_or_empty(ECID_F_DEATH_DATE));
    if (!died.empty())
      out.add(ECID_FINDING_DECEASED, ECID_SEVERITY_ATTENTION, "applicant", ECID_F_DEATH_DATE, died,
              "the register records the applicant as deceased: the application cannot be theirs");
    // What the document itself showed (all of it needs attention) also stands in the way.
    if (!checks.disagreement() && applicant_.findings.empty())
      out.add(ECID_FINDING_VERIFIED, ECID_SEVERITY_OK, "applicant", 0, {}, "personal ID found on the register" + checks.agreed());
    if (!died.empty()) return;
    const AgeVerdict age = age_verdict(record);
    const std::string on = " on the application day (" + ymd_text(application_day_) + ")";
    if (!age.known) {
      out.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, "applicant", ECID_F_BIRTH_DATE, {},
              "the register discloses no birth date: the minimum age of 15 cannot be checked");
    } else if (age.surely_under) {
      out.add(ECID_FINDING_UNDER_AGE, ECID_SEVERITY_ATTENTION, "applicant", ECID_F_BIRTH_DATE,
              std::to_string(std::max(age.youngest, 0)),
              "the applicant is under 15" + on + "; a vehicle owner must be 15 or older (Circular 79/2024)");
    } else if (!age.old_enough) {
      out.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, "applicant", ECID_F_BIRTH_DATE, {},
              "the register holds only part of the birth date: whether the applicant is 15" + on + " is not certain");
    } else if (!age.adult && guardian_consent_.empty()) {
      out.add(ECID_FINDING_NEEDS_REVIEW, ECID_SEVERITY_ATTENTION, "applicant", ECID_F_BIRTH_DATE,
              std::to_string(age.youngest),
              "the applicant is 15-17" + on + ": the application needs the guardian's written consent, and none is "
              "referenced (GuardianConsent)");
    }
  }

  // The eID verifier's answer (docs/eid.md), with the register's cross-check of the token.
  Finding judge_assertion(const ecid::sdk::Answers& answers) const {
    return ecid::sdk::judge_assertion(answers.find(*assertion_query_), "the host returned no answer for the identity assertion",
                                      kRegistrationEidLevel, "registration");
  }

  void assess_held_plates(const ecid::sdk::Answers& answers, ecid::sdk::Reporter& out) const {
    const auto answer = answers.find(*held_query_);
    if (auto f = lookup_failure(answer, "the host returned no answer for the held-plate look-up"))
      return out.add("applicant", *f);
    if (answer->status() == ECID_ANSWER_NOT_FOUND) return;  // nothing is held: a new plate is issued
    if (answer->status() == ECID_ANSWER_INVALID_KEY)
      return out.add(ECID_FINDING_REGISTER_UNAVAILABLE, ECID_SEVERITY_ERROR, "applicant", 0, {},
                     "the vehicle register refused the held-plate look-up: " +
                         std::string(with_default(answer->detail(), "invalid key")));
    const std::string day = ymd_text(application_day_);
    for (size_t i = 0; i < answer->record_count(); ++i) {
      const ecid::sdk::Record record = answer->record(i);
      if (record.value_or_empty(ECID_F_PLATE_STATUS) != "held") continue;
      const std::string_view kind = record.value_or_empty(ECID_F_VEHICLE_KIND);
      if (!kind.empty() && kind != vehicle_kind_) continue;
      const auto history = parse_history(record.value_or_empty(ECID_F_PLATE_HISTORY));
      if (!history || history->empty()) continue;
      const PlatePeriod& current = history->back();
      if (current.status != "held" || current.owner_id != applicant_.personal_id || !current.to.empty()) continue;
      const auto since = parse_iso_day(current.from);
      if (!since) continue;
      const Ymd until{since->y + kHoldYears, since->m, since->m == 2 && since->d == 29 ? 28 : since->d};
      // Held on the application day, and not yet back in the pool after 5 years.
      if (day < current.from || day >= ymd_text(until)) continue;
      out.add(ECID_FINDING_HELD_PLATE_AVAILABLE, ECID_SEVERITY_OK, "applicant", ECID_F_PLATE,
              record.value_or_empty(ECID_F_PLATE),
              "held for the applicant since " + current.from + " (until " + ymd_text(until) + "): re-attach it to the new " +
                  vehicle_kind_ + " instead of issuing a new plate (Circular 79/2024)");
    }
  }

  std::string application_id_;
  Ymd application_day_;
  std::string vehicle_kind_;
  ecid::sdk::Person applicant_;
  std::string assertion_;  // compact token, white space removed; empty when none was given
  std::string guardian_consent_;
  std::vector<Finding> document_findings_;
  std::optional<uint32_t> person_query_, assertion_query_, held_query_;
};

// ---------------------------------------------------------------------------------------------

class TrafficAdapter final : public ecid::sdk::Adapter {
 public:
  using ecid::sdk::Adapter::Adapter;
  std::unique_ptr<ecid::sdk::Session> open(std::string_view document) override {
    const ecid::sdk::XmlDocument xml(document, kLimits, {kCamera, kRegistration});
    if (xml.type().name == kRegistration.name) return std::make_unique<RegistrationSession>(host(), xml);
    return std::make_unique<CameraSession>(host(), xml);
  }
};

}  // namespace

ECID_ADAPTER(TrafficAdapter, "traffic", "1.0.0", ECID_DOCUMENT_TYPE("ViolationRecord", "urn:ecid:traffic:camera:1"),
             ECID_DOCUMENT_TYPE("PlateRegistration", "urn:ecid:traffic:registration:1"))
