// Names of register fields and query kinds as written in manifests, configuration and
// reports: the snake_case of the contract's enums. One table, used everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

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

}  // namespace ecid
