// Discovers adapters, validates their manifests before loading any code, loads them with
// Boost.DLL, cross-checks the descriptor against the manifest and routes documents.
// One bad adapter is refused with a one-line reason and never stops the others.
#pragma once

#include <ecid/config.hpp>
#include <ecid/contract.h>
#include <ecid/manifest.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ecid {

struct AdapterBinding;  // its C descriptor and instance; only the host's adapter driver uses them

struct LoadedAdapter {
  LoadedAdapter();
  ~LoadedAdapter();
  Manifest manifest;
  std::unique_ptr<AdapterBinding> binding;
};

struct RefusedAdapter {
  std::filesystem::path file;  // manifest or library
  std::string reason;          // one line: what was expected and what was found
};

// SHA-256 of a library file as lower-case hex (what adapters.sha256 pins); empty when unreadable.
std::string library_sha256(const std::filesystem::path& library);

// The host services table every adapter receives (thread-safe, process lifetime).
const ecid_host_services* host_services();

class AdapterRegistry {
 public:
  explicit AdapterRegistry(const ecid_host_services* services = host_services());
  ~AdapterRegistry();  // destroys instances; libraries stay mapped (production never unloads)
  AdapterRegistry(const AdapterRegistry&) = delete;
  AdapterRegistry& operator=(const AdapterRegistry&) = delete;

  // The configuration's adapter folders, under its SHA-256 allow-list (adapters.sha256) if any.
  void load_configured(const Config& config);
  // Loads every *.manifest.yaml in `dir` (sorted by name). A missing folder is a refusal, and
  // so is a folder, manifest or library that someone other than root or the user running ecid
  // could have written, or that leaves the folder through a symbolic link (docs/security.md).
  void load_directory(const std::filesystem::path& dir);
  // Loads one adapter from its manifest; returns false and records the refusal on failure.
  bool load_manifest_file(const std::filesystem::path& manifest_file);

  const std::vector<std::unique_ptr<LoadedAdapter>>& loaded() const { return loaded_; }
  const std::vector<RefusedAdapter>& refused() const { return refused_; }
  const LoadedAdapter* find(std::string_view name) const;
  // The adapter declaring this root element + namespace, or nullptr.
  const LoadedAdapter* route(std::string_view root, std::string_view namespace_uri) const;

 private:
  void refuse(const std::filesystem::path& file, std::string reason);
  const ecid_host_services* services_;
  std::map<std::string, std::string> pinned_sha256_;  // adapter name -> hex; empty: no allow-list
  std::vector<std::unique_ptr<LoadedAdapter>> loaded_;
  std::vector<RefusedAdapter> refused_;
};

}  // namespace ecid
