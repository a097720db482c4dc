// The loader against real shared libraries: good adapters load, every kind of bad adapter is
// refused with a one-line reason naming what was expected and found, and never stops the others.
#include <ecid/loader.hpp>

#include <gtest/gtest.h>

#include "../support/temp_dir.hpp"

namespace fs = std::filesystem;
using ecid::AdapterRegistry;
using ecid::testing::TempDir;

namespace {

const fs::path kBuilt = ECID_TEST_ADAPTER_DIR;

// A manifest for one of the raw C test libraries, with parts overridable per test.
std::string raw_manifest(std::string_view name, std::string_view library, std::string_view abi = "1.0",
                         std::string_view root = "Raw") {
  return "name: " + std::string(name) + "\nversion: 1.0.0\nabi: \"" + std::string(abi) + "\"\nlibrary: " +
         std::string(library) + "\ndocument_types:\n  - root: " + std::string(root) +
         "\n    namespace: urn:ecid:test:raw\n";
}

// A folder holding the good probe adapter plus whatever the test adds.
struct AdapterFolder {
  TempDir dir;
  AdapterFolder() {
    fs::copy_file(kBuilt / "libprobe.so", dir / "libprobe.so");
    fs::copy_file(kBuilt / "probe.manifest.yaml", dir / "probe.manifest.yaml");
  }
  void add_library(const std::string& built_name, const std::string& as_name) {
    fs::copy_file(kBuilt / built_name, dir / as_name, fs::copy_options::overwrite_existing);
  }
};

// Loads the folder and expects: probe loaded, exactly one refusal containing `expected`.
void expect_refused_alongside_probe(AdapterFolder& f, const std::string& expected) {
  AdapterRegistry registry;
  registry.load_directory(f.dir.path());
  ASSERT_EQ(registry.loaded().size(), 1u) << "the good adapter must still load";
  EXPECT_EQ(registry.loaded()[0]->manifest.name, "probe");
  ASSERT_EQ(registry.refused().size(), 1u);
  const std::string& reason = registry.refused()[0].reason;
  EXPECT_NE(reason.find(expected), std::string::npos) << "reason was: " << reason;
  EXPECT_EQ(reason.find('\n'), std::string::npos) << "reasons are one line";
}

}  // namespace

TEST(Loader, LoadsGoodSdkAndCAdaptersAndRoutesByRootAndNamespace) {
  AdapterFolder f;
  f.add_library("libraw.so", "libraw.so");
  fs::copy_file(kBuilt / "raw.manifest.yaml", f.dir / "raw.manifest.yaml");
  AdapterRegistry registry;
  registry.load_directory(f.dir.path());
  EXPECT_TRUE(registry.refused().empty()) << registry.refused()[0].reason;
  ASSERT_EQ(registry.loaded().size(), 2u);
  const auto* probe = registry.route("Probe", "urn:ecid:test:probe");
  ASSERT_NE(probe, nullptr);
  EXPECT_EQ(probe->manifest.name, "probe");
  ASSERT_NE(registry.route("Raw", "urn:ecid:test:raw"), nullptr);
  EXPECT_EQ(registry.route("Probe", "urn:other"), nullptr) << "namespace is part of the route";
  EXPECT_EQ(registry.route("Nope", "urn:ecid:test:probe"), nullptr);
}

TEST(Loader, RefusesLibraryExportingAnotherAbiMajor) {
  AdapterFolder f;
  f.add_library("libraw_v2.so", "libraw.so");
  f.dir.write("raw.manifest.yaml", raw_manifest("raw", "libraw.so"));
  expect_refused_alongside_probe(f, "missing entry symbol ecid_adapter_entry_v1 (expected ABI 1, library exports ecid_adapter_entry_v2)");
}

TEST(Loader, RefusesManifestDeclaringAnotherAbiMajorBeforeLoadingCode) {
  AdapterFolder f;
  f.add_library("libraw.so", "libraw.so");
  f.dir.write("raw.manifest.yaml", raw_manifest("raw", "libraw.so", "2.0"));
  expect_refused_alongside_probe(f, "ABI major mismatch: manifest declares ABI 2.0, host supports 1.");
}

TEST(Loader, RefusesManifestDeclaringNewerMinor) {
  AdapterFolder f;
  f.add_library("libraw.so", "libraw.so");
  f.dir.write("raw.manifest.yaml", raw_manifest("raw", "libraw.so", "1." + std::to_string(ECID_ABI_MINOR + 1)));
  expect_refused_alongside_probe(f, "adapter needs a newer host: manifest declares ABI 1." + std::to_string(ECID_ABI_MINOR + 1));
}

TEST(Loader, RefusesDescriptorBuiltForNewerMinorEvenIfManifestSaysOtherwise) {
  AdapterFolder f;
  f.add_library("libraw_minor_next.so", "libraw.so");
  f.dir.write("raw.manifest.yaml", raw_manifest("raw", "libraw.so"));
  expect_refused_alongside_probe(f, "adapter needs a newer host: built for ABI 1." + std::to_string(ECID_ABI_MINOR + 1));
}

TEST(Loader, RefusesLibraryWithoutEntrySymbol) {
  AdapterFolder f;
  f.add_library("libraw_noentry.so", "libraw.so");
  f.dir.write("raw.manifest.yaml", raw_manifest("raw", "libraw.so"));
  expect_refused_alongside_probe(f, "missing entry symbol ecid_adapter_entry_v1 (expected ABI 1, library no ecid entry symbol)");
}

TEST(Loader, RefusesManifestDescriptorNameDisagreement) {
  AdapterFolder f;
  f.add_library("libraw_renamed.so", "libraw.so");
  f.dir.write("raw.manifest.yaml", raw_manifest("raw", "libraw.so"));
  expect_refused_alongside_probe(f, "manifest/descriptor disagree on name: manifest 'raw', library 'someone_else'");
}

TEST(Loader, RefusesManifestDescriptorDocumentTypeDisagreement) {
  AdapterFolder f;
  f.add_library("libraw.so", "libraw.so");
  f.dir.write("raw.manifest.yaml", raw_manifest("raw", "libraw.so", "1.0", "Other"));
  expect_refused_alongside_probe(f, "manifest/descriptor disagree on document types");
}

TEST(Loader, RefusesFileThatIsNotASharedLibrary) {
  AdapterFolder f;
  f.dir.write("libraw.so", "this is a text file, not ELF\n");
  f.dir.write("raw.manifest.yaml", raw_manifest("raw", "libraw.so"));
  expect_refused_alongside_probe(f, "not a shared library");
}

TEST(Loader, RefusesTruncatedSharedLibrary) {
  AdapterFolder f;
  std::string elf = ecid::testing::read_file(kBuilt / "libraw.so");
  f.dir.write("libraw.so", elf.substr(0, 200));
  f.dir.write("raw.manifest.yaml", raw_manifest("raw", "libraw.so"));
  expect_refused_alongside_probe(f, "cannot load");
}

TEST(Loader, RefusesMissingLibrary) {
  AdapterFolder f;
  f.dir.write("raw.manifest.yaml", raw_manifest("raw", "libmissing.so"));
  expect_refused_alongside_probe(f, "does not exist");
}

TEST(Loader, RefusesInvalidManifestsNamingFileAndLine) {
  AdapterFolder f;
  f.dir.write("raw.manifest.yaml", "name: raw\nversion: 1.0.0\nabi: \"1.0\"\nlibrary: libraw.so\ncolour: blue\n"
                                   "document_types:\n  - root: Raw\n");
  expect_refused_alongside_probe(f, "raw.manifest.yaml:5: unknown key 'colour'");
}

TEST(Loader, RefusesManifestWithUnknownField) {
  AdapterFolder f;
  f.add_library("libraw.so", "libraw.so");
  f.dir.write("raw.manifest.yaml", raw_manifest("raw", "libraw.so") +
                                       "queries:\n  - kind: person.by_id\n    purpose: p\n    fields: [shoe_size]\n"
                                       "purposes:\n  - id: p\n    legal_basis: x\n");
  expect_refused_alongside_probe(f, "unknown register field 'shoe_size'");
}

TEST(Loader, RefusesSecondAdapterClaimingTheSameDocumentType) {
  AdapterFolder f;
  fs::copy_file(kBuilt / "libprobe.so", f.dir / "libprobe2.so");
  std::string m = ecid::testing::read_file(kBuilt / "probe.manifest.yaml");
  m.replace(m.find("name: probe"), 11, "name: probe2");
  m.replace(m.find("libprobe.so"), 11, "libprobe2.so");
  f.dir.write("zz.manifest.yaml", m);
  AdapterRegistry registry;
  registry.load_directory(f.dir.path());
  ASSERT_EQ(registry.loaded().size(), 1u);
  ASSERT_EQ(registry.refused().size(), 1u);
  // probe2's descriptor says "probe", so it is refused for the name disagreement first.
  EXPECT_NE(registry.refused()[0].reason.find("disagree on name"), std::string::npos) << registry.refused()[0].reason;
}

TEST(Loader, MissingFolderIsARefusalNotACrash) {
  AdapterRegistry registry;
  registry.load_directory("/nonexistent/ecid/adapters");
  EXPECT_TRUE(registry.loaded().empty());
  ASSERT_EQ(registry.refused().size(), 1u);
  EXPECT_NE(registry.refused()[0].reason.find("does not exist"), std::string::npos);
}
