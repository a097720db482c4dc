// Names of register fields and query kinds as written in manifests, configuration and
// reports: the snake_case of the contract's enums. One table, used everywhere. And FieldSet,
// the set of fields a purpose, a manifest query or a look-up may carry.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace ecid {

struct FieldInfo {
  uint32_t id;            // ecid_field
  std::string_view name;  // "full_name"
  bool sensitive;         // never disclosed unless a purpose names it explicitly
};

std::span<const FieldInfo> all_fields();
std::optional<uint32_t> field_by_name(std::string_view name);
std::string_view field_name(uint32_t id);  // "field_<n>" style "unknown" for unknown ids
bool field_is_sensitive(uint32_t id);

std::optional<uint32_t> query_kind_by_name(std::string_view name);
std::string_view query_kind_name(uint32_t kind);

std::string_view answer_status_name(uint32_t status);

// A set of ecid_field values; fields ids are < 128.
class FieldSet {
 public:
  FieldSet() = default;
  FieldSet(std::initializer_list<uint32_t> fields) {
    for (uint32_t f : fields) add(f);
  }
  void add(uint32_t f) { if (f < 128) bits_[f / 64] |= uint64_t{1} << (f % 64); }
  bool has(uint32_t f) const { return f < 128 && (bits_[f / 64] >> (f % 64)) & 1; }
  bool empty() const { return bits_[0] == 0 && bits_[1] == 0; }
  bool subset_of(const FieldSet& o) const {
    return (bits_[0] & ~o.bits_[0]) == 0 && (bits_[1] & ~o.bits_[1]) == 0;
  }
  FieldSet operator|(const FieldSet& o) const { FieldSet r; r.bits_[0] = bits_[0] | o.bits_[0]; r.bits_[1] = bits_[1] | o.bits_[1]; return r; }
  FieldSet operator&(const FieldSet& o) const { FieldSet r; r.bits_[0] = bits_[0] & o.bits_[0]; r.bits_[1] = bits_[1] & o.bits_[1]; return r; }
  bool operator==(const FieldSet&) const = default;
  std::vector<uint32_t> list() const {
    std::vector<uint32_t> out;
    for (uint32_t f = 0; f < 128; ++f) if (has(f)) out.push_back(f);
    return out;
  }

 private:
  uint64_t bits_[2] = {0, 0};
};

}  // namespace ecid
