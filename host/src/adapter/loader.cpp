#include <ecid/loader.hpp>
#include <ecid/safe_files.hpp>
#include <ecid/log.hpp>

#include <boost/dll/library_info.hpp>
#include <boost/dll/shared_library.hpp>

#include "adapter/binding.hpp"
#include "core/digest.hpp"


#include <openssl/evp.h>

#include <algorithm>
#include <deque>
#include <fstream>
#include <mutex>
#include <set>

namespace ecid {

LoadedAdapter::LoadedAdapter() : binding(std::make_unique<AdapterBinding>()) {}
LoadedAdapter::~LoadedAdapter() = default;

namespace {

// Libraries are never unloaded: an adapter's static data (descriptor, strings) may be
// referenced by reports and instances until the process ends.
std::mutex g_libraries_mutex;
std::deque<boost::dll::shared_library>& libraries() {
  static auto* libs = new std::deque<boost::dll::shared_library>();
  return *libs;
}

std::string abi_text(unsigned major, unsigned minor) { return std::to_string(major) + "." + std::to_string(minor); }

bool looks_like_elf(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

// Other ecid entry symbols the library exports, to explain an ABI major mismatch.
std::vector<std::string> entry_symbols(const std::filesystem::path& p) {
  std::vector<std::string> out;
  try {
    boost::dll::library_info info(p);
    for (const std::string& s : info.symbols())
      if (s.rfind("ecid_adapter_entry_v", 0) == 0) out.push_back(s);
  } catch (const std::exception&) {
  }
  return out;
}

}  // namespace

std::string library_sha256(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return {};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) EVP_DigestUpdate(ctx, buf, static_cast<size_t>(in.gcount()));
  unsigned char md[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  return hex_of(md, len);
}

namespace {

// Why `file`, once symbolic links are resolved, is not directly inside `folder`; empty if it is.
std::string outside_folder_reason(const std::filesystem::path& file, const std::filesystem::path& folder) {
  std::error_code ec;
  const std::filesystem::path real = std::filesystem::canonical(file, ec);
  if (ec) return file.string() + ": " + ec.message();
  const std::filesystem::path real_folder = std::filesystem::canonical(folder, ec);
  if (ec) return folder.string() + ": " + ec.message();
  if (real.parent_path() != real_folder)
    return "resolves to " + real.string() + ", outside the adapter folder " + real_folder.string();
  return {};
}

std::string describe_types(const std::vector<DocumentType>& types) {
  std::string s;
  for (const auto& t : types) s += (s.empty() ? "" : ", ") + t.root + "{" + t.namespace_uri + "}";
  return s;
}

}  // namespace

AdapterRegistry::AdapterRegistry(const ecid_host_services* services) : services_(services) {}

AdapterRegistry::~AdapterRegistry() {
  for (auto& a : loaded_)
    if (a->binding->instance && a->binding->descriptor->destroy) a->binding->descriptor->destroy(a->binding->instance);
}

void AdapterRegistry::refuse(const std::filesystem::path& file, std::string reason) {
  log::warn("adapter refused: " + file.string() + ": " + reason);
  refused_.push_back({file, std::move(reason)});
}

void AdapterRegistry::load_configured(const Config& config) {
  pinned_sha256_ = config.adapter_sha256;
  for (const auto& dir : config.adapter_dirs) load_directory(dir);
}

void AdapterRegistry::load_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    refuse(dir, "adapter folder does not exist or is not a folder");
    return;
  }
  // Whoever can write the folder (or one above it) can make ecid run their code: refuse it whole.
  if (std::string why = unsafe_path_reason(dir); !why.empty()) {
    refuse(dir, "untrusted adapter folder: " + why);
    return;
  }
  std::vector<std::filesystem::path> manifests;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 14 && name.ends_with(".manifest.yaml")) manifests.push_back(entry.path());
  }
  std::sort(manifests.begin(), manifests.end());
  for (const auto& m : manifests) load_manifest_file(m);
}

bool AdapterRegistry::load_manifest_file(const std::filesystem::path& manifest_file) {
  // Trust is decided from the filesystem before the manifest is believed or any code is mapped.
  if (std::string why = outside_folder_reason(manifest_file, manifest_file.parent_path()); !why.empty()) {
    refuse(manifest_file, "untrusted manifest: " + why);
    return false;
  }
  if (std::string why = unsafe_path_reason(manifest_file); !why.empty()) {
    refuse(manifest_file, "untrusted manifest: " + why);
    return false;
  }
  auto adapter = std::make_unique<LoadedAdapter>();
  try {
    adapter->manifest = load_manifest(manifest_file);
  } catch (const std::exception& e) {
    refuse(manifest_file, std::string("invalid manifest: ") + e.what());
    return false;
  }
  const Manifest& m = adapter->manifest;
  const std::filesystem::path& lib = m.library;

  // Version checks that need no code from the adapter.
  if (m.abi_major != ECID_ABI_MAJOR) {
    refuse(manifest_file, "ABI major mismatch: manifest declares ABI " + abi_text(m.abi_major, m.abi_minor) +
                              ", host supports " + abi_text(ECID_ABI_MAJOR, ECID_ABI_MINOR) + " (major must match)");
    return false;
  }
  if (m.abi_minor > ECID_ABI_MINOR) {
    refuse(manifest_file, "adapter needs a newer host: manifest declares ABI " + abi_text(m.abi_major, m.abi_minor) +
                              ", host supports up to " + abi_text(ECID_ABI_MAJOR, ECID_ABI_MINOR));
    return false;
  }
  if (find(m.name)) {
    refuse(manifest_file, "an adapter named '" + m.name + "' is already loaded");
    return false;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(lib, ec)) {
    refuse(lib, "library named by " + manifest_file.filename().string() + " does not exist");
    return false;
  }
  if (std::ifstream probe(lib, std::ios::binary); !probe) {
    refuse(lib, "library is not readable");
    return false;
  }
  if (std::string why = outside_folder_reason(lib, manifest_file.parent_path()); !why.empty()) {
    refuse(lib, "untrusted library: " + why);
    return false;
  }
  if (std::string why = unsafe_path_reason(lib); !why.empty()) {
    refuse(lib, "untrusted library: " + why);
    return false;
  }
  if (!looks_like_elf(lib)) {
    refuse(lib, "not a shared library (no ELF header)");
    return false;
  }
  // Hashed only against an allow-list: every run starts here, and the libraries weigh megabytes.
  if (!pinned_sha256_.empty()) {
    const std::string sha256 = library_sha256(lib);
    auto pin = pinned_sha256_.find(m.name);
    if (pin == pinned_sha256_.end()) {
      refuse(lib, "adapter '" + m.name + "' is not in adapters.sha256 (the allow-list); its SHA-256 is " + sha256);
      return false;
    }
    if (pin->second != sha256) {
      refuse(lib, "SHA-256 " + sha256 + " is not the one adapters.sha256 pins for '" + m.name + "' (" +
                      pin->second + ")");
      return false;
    }
  }

  boost::dll::shared_library library;
  try {
    library.load(std::filesystem::absolute(lib), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    refuse(lib, std::string("cannot load: ") + e.what());
    return false;
  }
  if (!library.has(ECID_ADAPTER_ENTRY_NAME)) {
    std::vector<std::string> others = entry_symbols(lib);
    std::string found = others.empty() ? "no ecid entry symbol" : "exports " + others.front();
    refuse(lib, std::string("missing entry symbol ") + ECID_ADAPTER_ENTRY_NAME + " (expected ABI " +
                    std::to_string(ECID_ABI_MAJOR) + ", library " + found + ")");
    return false;
  }
  auto& entry = library.get<const ecid_adapter_v1*(uint16_t, uint16_t)>(ECID_ADAPTER_ENTRY_NAME);
  const ecid_adapter_v1* d = entry(ECID_ABI_MAJOR, ECID_ABI_MINOR);
  if (!d) {
    refuse(lib, "adapter refused this host's ABI " + abi_text(ECID_ABI_MAJOR, ECID_ABI_MINOR));
    return false;
  }
  // The descriptor is untrusted input: check every member before use.
  if (d->struct_size < sizeof(ecid_adapter_v1)) {
    refuse(lib, "descriptor too small: " + std::to_string(d->struct_size) + " bytes, ABI 1.0 needs " +
                    std::to_string(sizeof(ecid_adapter_v1)));
    return false;
  }
  if (d->abi_major != ECID_ABI_MAJOR) {
    refuse(lib, "ABI major mismatch: adapter built for " + abi_text(d->abi_major, d->abi_minor) + ", host supports " +
                    abi_text(ECID_ABI_MAJOR, ECID_ABI_MINOR));
    return false;
  }
  if (d->abi_minor > ECID_ABI_MINOR) {
    refuse(lib, "adapter needs a newer host: built for ABI " + abi_text(d->abi_major, d->abi_minor) +
                    ", host supports up to " + abi_text(ECID_ABI_MAJOR, ECID_ABI_MINOR));
    return false;
  }
  if (!d->create || !d->destroy || !d->open_document || !d->plan || !d->assess || !d->close_document) {
    refuse(lib, "descriptor has a NULL function pointer");
    return false;
  }
  std::string d_name = d->name ? d->name : "";
  std::string d_version = d->version ? d->version : "";
  if (d_name != m.name) {
    refuse(lib, "manifest/descriptor disagree on name: manifest '" + m.name + "', library '" + d_name + "'");
    return false;
  }
  if (d_version != m.version) {
    refuse(lib, "manifest/descriptor disagree on version: manifest '" + m.version + "', library '" + d_version + "'");
    return false;
  }
  if (d->abi_minor != m.abi_minor) {
    refuse(lib, "manifest/descriptor disagree on ABI: manifest " + abi_text(m.abi_major, m.abi_minor) +
                    ", library " + abi_text(d->abi_major, d->abi_minor));
    return false;
  }
  std::vector<DocumentType> d_types;
  if (d->document_type_count > 64 || (d->document_type_count && !d->document_types)) {
    refuse(lib, "descriptor document types are invalid");
    return false;
  }
  for (uint32_t i = 0; i < d->document_type_count; ++i) {
    const auto& t = d->document_types[i];
    d_types.push_back({t.root ? t.root : "", t.namespace_uri ? t.namespace_uri : ""});
  }
  auto sorted = [](std::vector<DocumentType> v) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
      return std::tie(a.root, a.namespace_uri) < std::tie(b.root, b.namespace_uri);
    });
    return v;
  };
  if (sorted(d_types) != sorted(m.document_types)) {
    refuse(lib, "manifest/descriptor disagree on document types: manifest [" + describe_types(m.document_types) +
                    "], library [" + describe_types(d_types) + "]");
    return false;
  }
  for (const auto& t : m.document_types) {
    if (const LoadedAdapter* other = route(t.root, t.namespace_uri)) {
      refuse(manifest_file, "document type " + t.root + "{" + t.namespace_uri + "} is already handled by '" +
                                other->manifest.name + "'");
      return false;
    }
  }
  void* instance = nullptr;
  int32_t rc = d->create(services_, &instance);
  if (rc != ECID_OK || !instance) {
    refuse(lib, "create() failed with code " + std::to_string(rc));
    return false;
  }
  adapter->binding->descriptor = d;
  adapter->binding->instance = instance;
  {
    std::lock_guard lock(g_libraries_mutex);
    libraries().push_back(std::move(library));
  }
  log::info("adapter loaded: " + m.name + " " + m.version + " from " + lib.string());
  loaded_.push_back(std::move(adapter));
  return true;
}

const LoadedAdapter* AdapterRegistry::find(std::string_view name) const {
  for (const auto& a : loaded_)
    if (a->manifest.name == name) return a.get();
  return nullptr;
}

const LoadedAdapter* AdapterRegistry::route(std::string_view root, std::string_view namespace_uri) const {
  for (const auto& a : loaded_)
    for (const auto& t : a->manifest.document_types)
      if (t.root == root && t.namespace_uri == namespace_uri) return a.get();
  return nullptr;
}

}  // namespace ecid
