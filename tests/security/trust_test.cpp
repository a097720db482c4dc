// What ecid trusts, attacked as a local user or a token forger would (issue 21, items 1-3, 7-9):
// adapter folders someone else can write, a configuration planted in the current folder, secrets
// others can read, the mock issuer's published keys, and a configuration with no audit trail.
// Each case plants the real thing (a library whose constructor leaves a marker, a forged token
// minted with the published key) and runs the real loader or the real `ecid`.
#include <ecid/audit.hpp>
#include <ecid/config.hpp>
#include <ecid/engine.hpp>
#include <ecid/loader.hpp>
#include <ecid/log.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "../support/command.hpp"
#include "../support/temp_dir.hpp"

namespace fs = std::filesystem;
using ecid::testing::CommandRun;
using ecid::testing::read_file;
using ecid::testing::TempDir;

namespace {

const fs::path kSource = ECID_SOURCE_DIR;
const std::string kCli = ECID_CLI;

std::string marker_manifest() {
  return "name: marker\nversion: 1.0.0\nabi: \"1.0\"\nlibrary: libmarker.so\ndocument_types:\n"
         "  - root: Marker\n    namespace: urn:ecid:test:marker\n";
}

// An adapter folder holding the marker library: if the loader maps it, $ECID_TEST_MARKER appears.
struct MarkerFolder {
  TempDir outer;  // the folder above, for the cases that attack it
  fs::path dir = outer / "adapters";
  fs::path marker = outer / "constructor-ran";
  MarkerFolder() {
    fs::create_directory(dir);
    fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec);
    fs::copy_file(ECID_MARKER_LIBRARY, dir / "libmarker.so");
    std::ofstream(dir / "marker.manifest.yaml") << marker_manifest();
    ::setenv("ECID_TEST_MARKER", marker.c_str(), 1);
  }
  ~MarkerFolder() { ::unsetenv("ECID_TEST_MARKER"); }
  std::vector<ecid::RefusedAdapter> load() const {
    ecid::AdapterRegistry registry;
    registry.load_directory(dir);
    EXPECT_TRUE(registry.loaded().empty());
    return registry.refused();
  }
  bool constructor_ran() const { return fs::exists(marker); }
};

void expect_refused_before_dlopen(const MarkerFolder& f, const std::string& reason) {
  auto refused = f.load();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0].reason.find(reason), std::string::npos) << refused[0].reason;
  EXPECT_EQ(refused[0].reason.find('\n'), std::string::npos) << "one line per refusal";
  EXPECT_FALSE(f.constructor_ran()) << "the library's code ran before it was refused: " << refused[0].reason;
}

}  // namespace

// The control: in a folder only its owner can write, the loader does map the library (and only
// then finds no entry symbol). So the marker does prove a dlopen in the cases below.
TEST(HostileAdapterFolder, TheMarkerShowsWhenTheLoaderRanALibrary) {
  MarkerFolder f;
  auto refused = f.load();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0].reason.find("missing entry symbol"), std::string::npos) << refused[0].reason;
  EXPECT_TRUE(f.constructor_ran());
}

TEST(HostileAdapterFolder, AWorldWritableFolderIsRefusedWhole) {
  MarkerFolder f;
  ::chmod(f.dir.c_str(), 0777);
  expect_refused_before_dlopen(f, "writable by others");
}

TEST(HostileAdapterFolder, AGroupWritableFolderIsRefused) {
  MarkerFolder f;
  ::chmod(f.dir.c_str(), 0775);
  expect_refused_before_dlopen(f, "writable by its group");
}

TEST(HostileAdapterFolder, AWritableFolderAboveItIsRefused) {
  MarkerFolder f;
  ::chmod(f.outer.path().c_str(), 0777);  // no sticky bit: anyone could swap the adapters folder
  expect_refused_before_dlopen(f, f.outer.path().string() + " is writable by others");
}

TEST(HostileAdapterFolder, AWritableManifestIsRefused) {
  MarkerFolder f;
  ::chmod((f.dir / "marker.manifest.yaml").c_str(), 0666);
  expect_refused_before_dlopen(f, "untrusted manifest");
}

TEST(HostileAdapterFolder, AWritableLibraryIsRefused) {
  MarkerFolder f;
  ::chmod((f.dir / "libmarker.so").c_str(), 0666);
  expect_refused_before_dlopen(f, "untrusted library");
}

TEST(HostileAdapterFolder, ALibrarySymlinkLeavingTheFolderIsRefused) {
  MarkerFolder f;
  TempDir elsewhere;  // a folder as safe as the adapter folder: only the way out is wrong
  fs::rename(f.dir / "libmarker.so", elsewhere / "libmarker.so");
  fs::create_symlink(elsewhere / "libmarker.so", f.dir / "libmarker.so");
  expect_refused_before_dlopen(f, "outside the adapter folder");
}

TEST(HostileAdapterFolder, AManifestSymlinkLeavingTheFolderIsRefused) {
  MarkerFolder f;
  TempDir elsewhere;
  fs::rename(f.dir / "marker.manifest.yaml", elsewhere / "marker.manifest.yaml");
  fs::create_symlink(elsewhere / "marker.manifest.yaml", f.dir / "marker.manifest.yaml");
  expect_refused_before_dlopen(f, "outside the adapter folder");
}

TEST(HostileAdapterFolder, AFolderOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the folder to another user";
  MarkerFolder f;
  ASSERT_EQ(::chown(f.dir.c_str(), 65534, 65534), 0);
  expect_refused_before_dlopen(f, "owned by uid 65534");
}

// adapters.sha256: an allow-list a court signs off. The hash is checked before the library runs.
TEST(AdapterAllowList, OnlyPinnedLibrariesWithTheirExactHashLoad) {
  TempDir dir;
  fs::copy_file(ECID_PROBE_LIBRARY, dir / "libprobe.so");
  fs::copy_file(fs::path(ECID_PROBE_LIBRARY).parent_path() / "probe.manifest.yaml", dir / "probe.manifest.yaml");
  std::ofstream(dir / "marker.manifest.yaml") << marker_manifest();
  fs::copy_file(ECID_MARKER_LIBRARY, dir / "libmarker.so");
  const fs::path marker = dir / "constructor-ran";
  ::setenv("ECID_TEST_MARKER", marker.c_str(), 1);

  ecid::Config c;
  c.adapter_dirs = {dir.path()};
  std::string probe_hash;
  {
    ecid::AdapterRegistry unpinned;
    unpinned.load_configured(c);
    ASSERT_EQ(unpinned.loaded().size(), 1u);
    probe_hash = ecid::library_sha256(unpinned.loaded()[0]->manifest.library);
    ASSERT_EQ(probe_hash.size(), 64u);
    ASSERT_TRUE(fs::exists(marker)) << "without an allow-list the marker library is mapped";
    fs::remove(marker);
  }
  c.adapter_sha256 = {{"probe", probe_hash}};
  {
    ecid::AdapterRegistry pinned;
    pinned.load_configured(c);
    ASSERT_EQ(pinned.loaded().size(), 1u);
    ASSERT_EQ(pinned.refused().size(), 1u);
    EXPECT_NE(pinned.refused()[0].reason.find("'marker' is not in adapters.sha256"), std::string::npos)
        << pinned.refused()[0].reason;
    EXPECT_FALSE(fs::exists(marker)) << "an adapter outside the allow-list ran its code";
  }
  c.adapter_sha256 = {{"probe", std::string(64, '0')}, {"marker", std::string(64, 'a')}};
  {
    ecid::AdapterRegistry wrong;
    wrong.load_configured(c);
    EXPECT_TRUE(wrong.loaded().empty());
    ASSERT_EQ(wrong.refused().size(), 2u);
    for (const auto& r : wrong.refused()) EXPECT_NE(r.reason.find("is not the one adapters.sha256 pins"), std::string::npos);
    EXPECT_NE(wrong.refused()[1].reason.find(probe_hash), std::string::npos) << "the refusal shows the real hash";
    EXPECT_FALSE(fs::exists(marker));
  }
  ::unsetenv("ECID_TEST_MARKER");
  EXPECT_THROW(ecid::parse_config("adapters:\n  directories: [x]\n  sha256: {probe: 12ab}\nregister: {path: r.db}\n"
                                  "audit: {enabled: false}\n", dir.path()),
               ecid::ConfigError);
}

// ---- configuration ---------------------------------------------------------------------------

namespace {

std::string minimal_config(const fs::path& adapters = ECID_ADAPTER_DIR) {
  return "adapters:\n  directories: [" + adapters.string() + "]\nregister:\n  path: r.db\naudit:\n  enabled: false\n";
}

}  // namespace

TEST(ConfigTrust, AConfigurationOthersCanWriteIsRefused) {
  TempDir dir;
  const fs::path cfg = dir.write("ecid.yaml", minimal_config());
  EXPECT_NO_THROW(ecid::load_config(cfg));
  ::chmod(cfg.c_str(), 0666);
  try {
    ecid::load_config(cfg);
    ADD_FAILURE() << "a world-writable configuration was accepted";
  } catch (const ecid::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("writable by others"), std::string::npos) << e.what();
  }
  // The same for a file it extends.
  ::chmod(cfg.c_str(), 0644);
  const fs::path child = dir.write("child.yaml", "extends: ecid.yaml\n");
  EXPECT_NO_THROW(ecid::load_config(child));
  ::chmod(cfg.c_str(), 0664);
  EXPECT_THROW(ecid::load_config(child), ecid::ConfigError);
}

TEST(ConfigTrust, TheDefaultConfigurationIsNeverTheCurrentFolders) {
  TempDir cwd;
  fs::create_directories(cwd / "config");
  std::ofstream(cwd / "config/ecid.yaml") << minimal_config();
  const fs::path before = fs::current_path();
  const char* env = std::getenv("ECID_CONFIG");
  const std::string saved = env ? env : "";
  ::unsetenv("ECID_CONFIG");
  fs::current_path(cwd.path());
  const fs::path chosen = ecid::default_config_path();
  fs::current_path(before);
  if (!saved.empty()) ::setenv("ECID_CONFIG", saved.c_str(), 1);
  EXPECT_TRUE(chosen.is_absolute()) << chosen;
  EXPECT_EQ(chosen, kSource / "config/ecid.yaml") << "a binary of the build tree uses the source tree's file";
}

// The real command run in a folder another user prepared: its config/ecid.yaml names an adapter
// folder with the marker library. ecid must not read it, let alone load the library.
TEST(ConfigTrust, EcidRunInsideAPlantedFolderDoesNotLoadItsAdapters) {
  MarkerFolder f;
  fs::create_directories(f.outer / "config");
  std::ofstream(f.outer / "config/ecid.yaml") << minimal_config(f.dir);
  const CommandRun r = ecid::testing::run("cd " + f.outer.path().string() + " && env -u ECID_CONFIG " + kCli +
                                              " adapters list --format json",
                                          f.outer / "err.txt");
  EXPECT_FALSE(f.constructor_ran()) << r.out << r.err;
  EXPECT_EQ(r.out.find("libmarker.so"), std::string::npos) << r.out;
}

TEST(ConfigTrust, TheDeploymentConfigurationTrustsNoIssuerAndTheSamplesOneIsATestIssuer) {
  const ecid::Config deploy = ecid::load_config(kSource / "config/ecid.yaml");
  EXPECT_FALSE(deploy.eid.enabled) << "config/ecid.yaml must trust no issuer: the mock's keys are published";
  EXPECT_FALSE(deploy.audit_path.empty());
  EXPECT_NE(deploy.audit_key_file.parent_path(), deploy.audit_path.parent_path())
      << "the pseudonym key is kept apart from the trail it pseudonymises";
  EXPECT_NE(deploy.audit_key_file.parent_path(), deploy.population.path.parent_path());
  const ecid::Config samples = ecid::load_config(kSource / "samples/ecid.yaml");
  ASSERT_TRUE(samples.eid.enabled);
  EXPECT_TRUE(ecid::is_test_issuer(samples.eid.issuer));
  EXPECT_EQ(samples.policy.size(), deploy.policy.size()) << "the samples configuration extends the deployment one";
}

TEST(ConfigTrust, TestIssuersAreRecognised) {
  for (const char* test : {"https://mock-vneid.ecid.invalid", "https://idp.test/realms/x", "http://127.0.0.1:8080",
                           "https://localhost/auth", "https://login.example.com", "https://a.example", "http://[::1]:9"})
    EXPECT_TRUE(ecid::is_test_issuer(test)) << test;
  for (const char* real : {"https://sso.dancuquocgia.gov.vn/auth/realms/citizen", "https://invalid.vn",
                           "https://example.com.vn", "https://vneid.gov.vn"})
    EXPECT_FALSE(ecid::is_test_issuer(real)) << real;
}

// ---- secrets ---------------------------------------------------------------------------------

namespace {

std::string http_register_config(const std::string& secret_lines, const std::string& base_url = "https://register.example.invalid") {
  return "register:\n  backend: http\n  http:\n    base_url: " + base_url + "\n    client_id: court\n" + secret_lines +
         "audit: {enabled: false}\n";
}

std::string config_error(const fs::path& file) {
  try {
    ecid::load_config(file);
  } catch (const ecid::ConfigError& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST(Secrets, AClientSecretFileOthersCanReadIsRefused) {
  TempDir dir;
  const fs::path secret = dir.write("client.secret", "s3cr3t-value\n");
  const fs::path cfg = dir.write("ecid.yaml", http_register_config("    client_secret_file: client.secret\n"));
  ::chmod(secret.c_str(), 0644);
  const std::string why = config_error(cfg);
  EXPECT_NE(why.find("chmod 600"), std::string::npos) << why;
  EXPECT_EQ(why.find("s3cr3t"), std::string::npos) << "the secret itself is never shown";
  ::chmod(secret.c_str(), 0600);
  EXPECT_EQ(ecid::load_config(cfg).population.http.client_secret, "s3cr3t-value");
}

TEST(Secrets, AClientSecretFromTheEnvironment) {
  TempDir dir;
  const fs::path cfg = dir.write("ecid.yaml", http_register_config("    client_secret_env: ECID_TEST_SECRET\n"));
  ::unsetenv("ECID_TEST_SECRET");
  EXPECT_NE(config_error(cfg).find("$ECID_TEST_SECRET is not set"), std::string::npos);
  ::setenv("ECID_TEST_SECRET", "from-env", 1);
  EXPECT_EQ(ecid::load_config(cfg).population.http.client_secret, "from-env");
  ::unsetenv("ECID_TEST_SECRET");
}

TEST(Secrets, AnInlineSecretIsOnlyForARegisterOnThisMachine) {
  TempDir dir;
  const fs::path remote = dir.write("remote.yaml", http_register_config("    client_secret: inline\n"));
  EXPECT_NE(config_error(remote).find("client_secret_file"), std::string::npos);
  const fs::path local = dir.write("local.yaml", http_register_config("    client_secret: inline\n", "http://127.0.0.1:8089"));
  EXPECT_EQ(ecid::load_config(local).population.http.client_secret, "inline");
}

TEST(Secrets, AnMtlsKeyOthersCanReadIsRefused) {
  TempDir dir;
  const fs::path key = dir.write("client.key", "-----BEGIN PRIVATE KEY-----\n");
  ::chmod(key.c_str(), 0644);
  const fs::path cfg =
      dir.write("ecid.yaml", http_register_config("    client_secret_env: PATH\n    client_cert: c.pem\n    client_key: client.key\n"));
  EXPECT_NE(config_error(cfg).find("client_key refused"), std::string::npos) << config_error(cfg);
  ::chmod(key.c_str(), 0600);
  EXPECT_EQ(config_error(cfg), "");
}

// ---- no audit, no queries ---------------------------------------------------------------------

TEST(MissingAudit, AConfigurationWithoutAnAuditSectionIsRefused) {
  const std::string no_audit = "register:\n  path: r.db\n";
  try {
    ecid::parse_config(no_audit, "/tmp");
    ADD_FAILURE() << "a configuration without audit: was accepted";
  } catch (const ecid::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("missing required section 'audit'"), std::string::npos) << e.what();
  }
  // Built in code (the embedding API): the engine refuses it the same way.
  ecid::Config in_code;
  in_code.population.path = "/nonexistent.db";
  EXPECT_THROW(ecid::Engine{in_code}, ecid::ConfigError);
}

TEST(MissingAudit, RunningWithoutOneIsExplicitAndSaidEvenUnderQuiet) {
  TempDir dir;
  const fs::path cfg = dir.write("ecid.yaml", minimal_config());
  const CommandRun r = ecid::testing::run(kCli + " -q -c " + cfg.string() + " adapters list", dir / "err.txt");
  EXPECT_NE(r.err.find("SECURITY WARNING"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("NO audit trail"), std::string::npos) << r.err;
}

// ---- the shipped configuration and a forged identity -----------------------------------------

namespace {

// A register, an audit trail and two configurations in one folder: the deployment one
// (config/ecid.yaml) and the samples one (samples/ecid.yaml), each with this folder's state.
struct ForgeryBench {
  TempDir dir;
  fs::path deploy = dir / "deploy.yaml";
  fs::path samples = dir / "samples.yaml";
  ForgeryBench() {
    const std::string overrides = "adapters:\n  directories: [" + std::string(ECID_ADAPTER_DIR) +
                                  "]\nregister:\n  path: r.db\naudit:\n  path: trail/audit.db\n  key_file: keys/audit.key\n";
    std::ofstream(deploy) << "extends: " << (kSource / "config/ecid.yaml").string() << "\n" << overrides;
    std::ofstream(samples) << "extends: " << (kSource / "samples/ecid.yaml").string() << "\n" << overrides;
    const CommandRun seed = cli("-c " + deploy.string() + " register seed --people 50 --out " + (dir / "r.db").string());
    EXPECT_EQ(seed.exit_code, 0) << seed.err;
  }
  CommandRun cli(const std::string& args) const { return ecid::testing::run(kCli + " -q " + args, dir / "err.txt"); }
};

// The filing of samples/court/online_verified.xml, filed "online" in the defendant's name with a
// token minted for the defendant with the mock issuer's published key.
std::string forged_filing(const ForgeryBench& b) {
  const CommandRun token = b.cli("-c " + b.samples.string() + " eid issue --id 079190000202 --level 2 --name '" +
                                  "Trần Thị Bích Ngọc' --birth 19900709 --key " +
                                  (kSource / "samples/eid/eid-rs256.pem").string());
  EXPECT_EQ(token.exit_code, 0) << token.err;
  std::string xml = read_file(kSource / "samples/court/online_verified.xml");
  xml = std::regex_replace(xml, std::regex("<Filer party=\"1\""), "<Filer party=\"2\"");
  xml = std::regex_replace(xml, std::regex("<Assertion>[^<]*</Assertion>"),
                           "<Assertion>" + token.out.substr(0, token.out.find_last_not_of("\n") + 1) + "</Assertion>");
  return xml;
}

std::vector<std::string> finding_codes(const nlohmann::json& report) {
  std::vector<std::string> codes;
  for (const auto& f : report["documents"][0]["findings"]) codes.push_back(f["code"]);
  return codes;
}

}  // namespace

TEST(ForgedToken, TheShippedConfigurationDoesNotBelieveAMockToken) {
  ForgeryBench b;
  const fs::path filing = b.dir.write("forged.xml", forged_filing(b));
  const CommandRun r = b.cli("-c " + b.deploy.string() + " check --format json " + filing.string());
  ASSERT_FALSE(r.out.empty()) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  const auto codes = finding_codes(report);
  EXPECT_EQ(std::count(codes.begin(), codes.end(), "IDENTITY_VERIFIED"), 0) << r.out;
  EXPECT_NE(r.exit_code, 0);
  bool eid_unanswered = false;
  for (const auto& q : report["documents"][0]["queries"])
    if (q["kind"] == "eid.assertion") eid_unanswered = q["status"] == "unavailable";
  EXPECT_TRUE(eid_unanswered) << r.out;
}

// Under the samples configuration the forgery verifies (that is what a test issuer means), so
// every channel says so: stderr whatever -q says, the report, and the audit row.
TEST(ForgedToken, TrustingTheMockIssuerIsSaidOnStderrInTheReportAndInTheAudit) {
  ForgeryBench b;
  const fs::path filing = b.dir.write("forged.xml", forged_filing(b));
  const CommandRun r = b.cli("-c " + b.samples.string() + " check --format json " + filing.string());
  ASSERT_FALSE(r.out.empty()) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  const auto codes = finding_codes(report);
  ASSERT_EQ(std::count(codes.begin(), codes.end(), "IDENTITY_VERIFIED"), 1) << r.out;
  EXPECT_NE(r.err.find("SECURITY WARNING"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("TEST issuer"), std::string::npos) << r.err;
  ASSERT_TRUE(report["documents"][0].contains("warnings")) << r.out;
  EXPECT_NE(report["documents"][0]["warnings"][0].get<std::string>().find("TEST issuer"), std::string::npos);
  const CommandRun text = b.cli("-c " + b.samples.string() + " check " + filing.string());
  EXPECT_NE(text.out.find("WARNING: identity tokens were checked against the TEST issuer"), std::string::npos) << text.out;

  const CommandRun trail = b.cli("-c " + b.samples.string() + " audit export");
  ASSERT_EQ(trail.exit_code, 0) << trail.err;
  size_t verifications = 0;
  std::istringstream rows(trail.out);
  for (std::string line; std::getline(rows, line);) {
    const auto row = nlohmann::json::parse(line);
    if (row["kind"] != "identity_verification") continue;
    ++verifications;
    EXPECT_NE(row["outcome"].get<std::string>().find("TEST issuer"), std::string::npos) << line;
  }
  EXPECT_EQ(verifications, 2u) << "one verification per check run";
}

// Re-identifying a pseudonym is a look-up of that person too: `ecid audit find` leaves a row
// saying who searched, for whom (pseudonymised), and when; the next search shows it.
TEST(AuditSearch, FindingAPersonsLookUpsIsItselfAudited) {
  ForgeryBench b;
  const CommandRun check = b.cli("-c " + b.deploy.string() + " check " + (kSource / "samples/court/civil_dispute.xml").string());
  ASSERT_LE(check.exit_code, 1) << check.err;
  const CommandRun first = b.cli("-c " + b.deploy.string() + " audit find --id 001085000101");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out.find("audit_search"), std::string::npos) << "no search had been made yet";
  const CommandRun trail = b.cli("-c " + b.deploy.string() + " audit export");
  const std::string last = trail.out.substr(trail.out.rfind('\n', trail.out.size() - 2) + 1);
  const auto row = nlohmann::json::parse(last);
  EXPECT_EQ(row["kind"], "audit_search") << last;
  EXPECT_NE(row["document_ref"].get<std::string>().find("by "), std::string::npos) << last;
  EXPECT_EQ(last.find("001085000101"), std::string::npos) << "the searched ID is stored as its pseudonym only";
  const CommandRun second = b.cli("-c " + b.deploy.string() + " audit find --id 001085000101");
  EXPECT_NE(second.out.find("audit_search"), std::string::npos) << second.out;
  EXPECT_EQ(b.cli("-c " + b.deploy.string() + " audit verify").exit_code, 0);
}

// No core file can carry register answers, tokens or keys off the machine: ecid lowers its own
// core limit to 0 at start, whatever limit it was given. Read from /proc while it waits on stdin.
TEST(CoreDumps, EcidRunsWithACoreLimitOfZero) {
  ForgeryBench b;
  int in[2];
  ASSERT_EQ(::pipe(in), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::close(in[1]);
    const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    ::setrlimit(RLIMIT_CORE, &unlimited);
    ::execl(kCli.c_str(), kCli.c_str(), "-q", "-c", b.samples.c_str(), "eid", "verify", "-", nullptr);
    ::_exit(127);
  }
  ::close(in[0]);
  std::string core_line;
  for (int i = 0; i < 500 && core_line.find(" 0 ") == std::string::npos; ++i) {
    std::ifstream limits("/proc/" + std::to_string(pid) + "/limits");
    for (std::string line; std::getline(limits, line);)
      if (line.rfind("Max core file size", 0) == 0) core_line = line;
    ::usleep(10000);
  }
  ::close(in[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_NE(core_line.find(" 0 "), std::string::npos) << core_line;
}

// ---- replayed tokens (item 6) -------------------------------------------------------------

namespace {

// The samples configuration with a replay cache file, so separate `ecid` runs share it.
struct ReplayBench : ForgeryBench {
  fs::path with_cache = dir / "cache.yaml";
  ReplayBench() {
    std::ofstream(with_cache) << "extends: samples.yaml\neid:\n  issuer: https://mock-vneid.ecid.invalid\n"
                                 "  client_id: ecid-court\n  jwks: "
                              << (kSource / "samples/eid/jwks.json").string()
                              << "\n  max_token_age_s: 0\n  replay_cache: state/eid-replay.db\n";
  }
  std::string mint(const std::string& extra = "") const {
    const CommandRun token = cli("-c " + samples.string() + " eid issue --id 001085000101 --level 2 --name " +
                                 "'Nguyễn Văn An' --birth 19850215 --key " +
                                 (kSource / "samples/eid/eid-rs256.pem").string() + " " + extra);
    EXPECT_EQ(token.exit_code, 0) << token.err;
    return token.out.substr(0, token.out.find_last_not_of("\n") + 1);
  }
  // samples/court/online_verified.xml with this case number, token and optional nonce.
  fs::path filing(const std::string& name, const std::string& case_number, const std::string& token,
                  const std::string& nonce = "") const {
    std::string xml = read_file(kSource / "samples/court/online_verified.xml");
    xml = std::regex_replace(xml, std::regex("<CaseNumber>[^<]*</CaseNumber>"), "<CaseNumber>" + case_number + "</CaseNumber>");
    xml = std::regex_replace(xml, std::regex("<Assertion>[^<]*</Assertion>"),
                             "<Assertion>" + token + "</Assertion>" + (nonce.empty() ? "" : "<Nonce>" + nonce + "</Nonce>"));
    return dir.write(name, xml);
  }
  // The filer's finding: "IDENTITY_VERIFIED" or "IDENTITY_REJECTED: <detail>".
  std::string filer_finding(const fs::path& config, const fs::path& file) const {
    const CommandRun r = cli("-c " + config.string() + " check --format json " + file.string());
    if (r.out.empty()) return "no report: " + r.err;
    const auto report = nlohmann::json::parse(r.out);  // kept: a range-for over a temporary's member dangles
    for (const auto& f : report["documents"][0]["findings"])
      if (f["subject"].get<std::string>().rfind("filer", 0) == 0)
        return f["code"].get<std::string>() + (f["code"] == "IDENTITY_VERIFIED" ? "" : ": " + f.value("detail", ""));
    return "no filer finding";
  }
};

}  // namespace

// A token copied from one filing into another is refused, by another process too; the filing it
// came with may be checked again.
TEST(ReplayedToken, ATokenCopiedIntoAnotherFilingIsRefused) {
  ReplayBench b;
  const std::string token = b.mint();
  const fs::path first = b.filing("first.xml", "70/2026/TLST-DS", token);
  const fs::path copy = b.filing("copy.xml", "71/2026/TLST-DS", token);
  EXPECT_EQ(b.filer_finding(b.with_cache, first), "IDENTITY_VERIFIED");
  EXPECT_EQ(b.filer_finding(b.with_cache, first), "IDENTITY_VERIFIED") << "checking the same filing again is no replay";
  const std::string replayed = b.filer_finding(b.with_cache, copy);
  EXPECT_EQ(replayed.rfind("IDENTITY_REJECTED", 0), 0u) << replayed;
  EXPECT_NE(replayed.find("replayed"), std::string::npos) << replayed;
  EXPECT_TRUE(fs::exists(b.dir / "state/eid-replay.db"));
  EXPECT_EQ((fs::status(b.dir / "state/eid-replay.db").permissions() & fs::perms::others_all), fs::perms::none);
  const std::string cache = read_file(b.dir / "state/eid-replay.db");
  EXPECT_EQ(cache.find("70/2026"), std::string::npos) << "the cache keeps digests, not references";
  EXPECT_EQ(cache.find(token.substr(token.rfind('.') + 1, 20)), std::string::npos) << "nor tokens";
  // A fresh token for the second filing is fine.
  EXPECT_EQ(b.filer_finding(b.with_cache, b.filing("fresh.xml", "71/2026/TLST-DS", b.mint())), "IDENTITY_VERIFIED");
}

// Without a cache file the process remembers: the same engine refuses the copy.
TEST(ReplayedToken, WithoutACacheFileOneProcessStillRefusesACopy) {
  ReplayBench b;
  const std::string token = b.mint();
  const CommandRun r = b.cli("-c " + b.samples.string() + " check --format json " +
                             b.filing("a.xml", "70/2026/TLST-DS", token).string() + " " +
                             b.filing("b.xml", "72/2026/TLST-DS", token).string());
  ASSERT_FALSE(r.out.empty()) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  std::vector<std::string> filer;
  for (const auto& d : report["documents"])
    for (const auto& f : d["findings"])
      if (f["subject"].get<std::string>().rfind("filer", 0) == 0) filer.push_back(f["code"]);
  EXPECT_EQ(filer, (std::vector<std::string>{"IDENTITY_VERIFIED", "IDENTITY_REJECTED"})) << r.out;
}

// The nonce the filing carries binds the token to it; eid.require_nonce makes it mandatory.
TEST(ReplayedToken, TheFilingsNonceMustBeTheTokens) {
  ReplayBench b;
  EXPECT_EQ(b.filer_finding(b.with_cache, b.filing("n1.xml", "80/2026/TLST-DS", b.mint("--nonce n-123"), "n-123")),
            "IDENTITY_VERIFIED");
  const std::string other = b.filer_finding(b.with_cache, b.filing("n2.xml", "81/2026/TLST-DS", b.mint("--nonce n-999"), "n-123"));
  EXPECT_NE(other.find("bad_nonce"), std::string::npos) << other;
  const fs::path strict = b.dir / "strict.yaml";
  std::ofstream(strict) << read_file(b.with_cache) << "  require_nonce: true\n";
  const std::string none = b.filer_finding(strict, b.filing("n3.xml", "82/2026/TLST-DS", b.mint()));
  EXPECT_NE(none.find("bad_nonce"), std::string::npos) << none;
}

// Only a test issuer's long-lived sample tokens may go without an age bound.
TEST(ReplayedToken, ARealIssuerNeedsAMaximumTokenAge) {
  TempDir dir;
  const std::string base = "register: {path: r.db}\naudit: {enabled: false}\neid:\n  client_id: c\n  jwks: j.json\n";
  auto error = [&](const std::string& eid) {
    try {
      ecid::parse_config(base + eid, dir.path());
    } catch (const ecid::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error("  issuer: https://sso.dancuquocgia.gov.vn\n  max_token_age_s: 0\n").find("1 to 86400"), std::string::npos);
  EXPECT_NE(error("  issuer: https://sso.dancuquocgia.gov.vn\n  max_token_age_s: 604800\n").find("1 to 86400"), std::string::npos);
  EXPECT_EQ(error("  issuer: https://sso.dancuquocgia.gov.vn\n  max_token_age_s: 600\n"), "");
  EXPECT_EQ(error("  issuer: https://sso.dancuquocgia.gov.vn\n"), "") << "the default is bounded";
  EXPECT_EQ(ecid::parse_config(base + "  issuer: https://sso.dancuquocgia.gov.vn\n", dir.path()).eid.max_token_age_s, 600);
  EXPECT_EQ(error("  issuer: https://mock-vneid.ecid.invalid\n  max_token_age_s: 0\n"), "");
}
