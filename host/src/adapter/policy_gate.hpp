// The policy gate, one place for the engine (engine/engine.cpp) and the collation: may this
// adapter ask this kind of query, for this purpose, with these fields disclosed? Checked before
// any I/O.
#pragma once

#include <ecid/config.hpp>
#include <ecid/loader.hpp>
#include <ecid/manifest.hpp>
#include <ecid/register.hpp>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace ecid {

// Empty when the query may run; otherwise the rule it breaks, one line, no personal data.
// Every kind must be declared by the manifest (kind, purpose, fields) and its purpose granted by
// the configuration. Register fields must also be granted by the configuration; batch kinds
// (ECID_Q_BATCH_DUPLICATES) disclose nothing from any register, only the sector's own record
// identifiers (ECID_F_SECTOR_RECORD_ID), so they need no field grant.
std::string policy_refusal(const Config& config, const Manifest& manifest, uint32_t kind,
                           std::string_view purpose, const FieldSet& requested);

// The gate's decisions for one adapter, each query shape (kind, purpose, fields) decided once:
// a batch asks the same few shapes for every record.
class GateDecisions {
 public:
  // `log_refusals`: say each refused shape once at info level (the pass that answers says it;
  // a pass that only looks ahead does not repeat it).
  GateDecisions(const Config& config, const Manifest& manifest, bool log_refusals);
  // policy_refusal() for this shape. The reference stays valid for the object's life.
  const std::string& refusal(uint32_t kind, std::string_view purpose, const FieldSet& requested);

 private:
  struct Shape {
    uint32_t kind;
    std::string purpose;
    FieldSet requested;
    std::string refusal;
  };
  const Config& config_;
  const Manifest& manifest_;
  bool log_refusals_;
  std::deque<Shape> shapes_;
};

// The policy: section against the adapters loaded, where a typo would otherwise grant nothing
// without a word: a purpose a loaded adapter's manifest does not declare throws ConfigError
// naming its line and the declared purposes; an adapter name no loaded adapter has (it may be
// refused, or not installed here) is a security warning (shown whatever -q) naming its line and
// the loaded adapters.
void check_policy_names(const Config& config, const AdapterRegistry& registry);

bool is_register_kind(uint32_t kind);
bool is_person_kind(uint32_t kind);
bool is_batch_kind(uint32_t kind);
// Person queries not keyed by the personal ID (candidate search, legacy ID): the host asks the
// register for each record's personal ID too, to check claims and to audit whom it disclosed.
bool needs_record_personal_id(uint32_t kind);

}  // namespace ecid
