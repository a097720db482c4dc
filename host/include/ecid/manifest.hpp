// The sidecar manifest beside each adapter library: what the host must know before it runs
// any of the adapter's code (dlopen runs static constructors).
#pragma once

#include <ecid/fields.hpp>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ecid {

struct ManifestError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct DocumentType {
  std::string root;
  std::string namespace_uri;
  bool operator==(const DocumentType&) const = default;
};

struct ManifestQuery {
  uint32_t kind = 0;    // ecid_query_kind
  std::string purpose;  // a purpose id of this manifest
  FieldSet fields;      // fields the adapter may ask to have disclosed
};

struct ManifestPurpose {
  std::string id;
  std::string legal_basis;
};

struct Manifest {
  std::filesystem::path file;
  std::string name;
  std::string version;
  uint16_t abi_major = 0;
  uint16_t abi_minor = 0;
  std::filesystem::path library;  // absolute
  std::string description;
  // The largest document the adapter accepts (it must refuse larger ones as invalid); 0 when the
  // manifest does not say. The conformance kit feeds it one byte more.
  uint64_t max_document_bytes = 0;
  std::vector<DocumentType> document_types;
  std::vector<ManifestQuery> queries;
  std::vector<ManifestPurpose> purposes;

  // Does the manifest declare this kind for this purpose, with these fields?
  const ManifestQuery* find_query(uint32_t kind, std::string_view purpose) const;
  const ManifestPurpose* find_purpose(std::string_view id) const;
};

// Reads and validates a manifest; errors name the file and line.
Manifest load_manifest(const std::filesystem::path& file);
Manifest parse_manifest(std::string_view yaml, const std::filesystem::path& file);

}  // namespace ecid
