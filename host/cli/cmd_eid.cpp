// ecid eid keygen | issue | verify: the mock issuer and the operator's first diagnostic tool.
#include <ecid/eid.hpp>
#include <ecid/register.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"

namespace ecid::cli {
namespace {

// "300", "300s", "10m", "2h", "30d"; negative values mint already-expired tokens for tests.
std::chrono::seconds parse_duration(const std::string& text) {
  if (text.empty()) throw CLI::ValidationError("--expires", "empty duration");
  char unit = text.back();
  std::string number = std::isdigit(static_cast<unsigned char>(unit)) ? text : text.substr(0, text.size() - 1);
  long long n = 0;
  try {
    size_t used = 0;
    n = std::stoll(number, &used);
    if (used != number.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw CLI::ValidationError("--expires", "not a duration: '" + text + "' (use e.g. 300, 10m, 2h, 30d)");
  }
  long long scale = unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 1;
  return std::chrono::seconds(n * scale);
}

std::string read_token(const std::string& arg) {
  std::string token = arg;
  if (arg == "-") {
    std::getline(std::cin, token);
  } else if (!arg.empty() && arg[0] == '@') {
    std::ifstream in(arg.substr(1), std::ios::binary);
    if (!in) throw std::runtime_error("cannot read token file " + arg.substr(1));
    std::getline(in, token);
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

struct IssueOptions {
  std::string id, name, birth, expires = "10m", key, issuer, audience, nonce;
  int level = 2;
};

int cmd_issue(const GlobalOptions& g, const IssueOptions& o) {
  Config c = load(g);
  if (!c.eid.enabled && (o.issuer.empty() || o.audience.empty()))
    throw ConfigError("no eid: section in the configuration: give --issuer and --audience");
  std::string name = o.name, birth = o.birth;
  if (name.empty() || birth.empty()) {
    // Fill the token's name and birth date from the register, as the real issuer would.
    auto reg = open_embedded_register(c.population.path.string());
    LookupRequest r;
    r.kind = ECID_Q_PERSON_BY_ID;
    r.key = o.id;
    r.fields = {ECID_F_FULL_NAME, ECID_F_BIRTH_DATE};
    std::vector<LookupResult> res(1);
    reg->lookup(std::span<const LookupRequest>(&r, 1), res);
    if (res[0].status != ECID_ANSWER_FOUND || res[0].records.empty())
      throw std::runtime_error("the ID is not on the register: give --name and --birth");
    if (name.empty()) name = *res[0].records[0].find(ECID_F_FULL_NAME);
    if (birth.empty()) {
      std::string iso = *res[0].records[0].find(ECID_F_BIRTH_DATE);  // YYYY[-MM[-DD]] → YYYYMMDD, 00 for unknown
      std::string digits;
      for (char ch : iso)
        if (ch != '-') digits += ch;
      while (digits.size() < 8) digits += '0';
      birth = digits;
    }
  }
  std::filesystem::path key_file = o.key.empty() ? std::filesystem::path("var/eid/eid-rs256.pem") : std::filesystem::path(o.key);
  eid::SigningKey key = eid::SigningKey::load_pem(key_file);
  auto acr = eid::acr_for_level(eid::default_acr_levels(), o.level);
  if (!acr) throw CLI::ValidationError("--level", "level must be 1 or 2");
  eid::MintRequest m;
  m.issuer = o.issuer.empty() ? c.eid.issuer : o.issuer;
  m.audience = {o.audience.empty() ? c.eid.client_id : o.audience};
  m.personal_id = o.id;
  m.full_name = name;
  m.birth_date = birth;
  m.acr = *acr;
  if (!o.nonce.empty()) m.nonce = o.nonce;
  m.lifetime = parse_duration(o.expires);
  std::cout << eid::mint_token(key, m) << "\n";
  return kExitOk;
}

struct VerifyOptions {
  std::string token, id, nonce, jwks, issuer, audience;
  int level = 1;
};

int cmd_verify(const GlobalOptions& g, const VerifyOptions& o) {
  Config c;
  try {
    c = load(g);
  } catch (const ConfigError&) {
    if (o.jwks.empty() || o.issuer.empty() || o.audience.empty()) throw;
  }
  eid::VerifierConfig vc = eid::verifier_config_from(c);
  if (!o.jwks.empty()) vc.jwks_source = o.jwks;
  if (!o.issuer.empty()) vc.issuer = o.issuer;
  if (!o.audience.empty()) vc.client_id = o.audience;
  if (vc.issuer.empty() || vc.jwks_source.empty() || vc.client_id.empty())
    throw ConfigError("no eid: section in the configuration: give --issuer, --audience and --jwks");
  if (vc.allowed_algorithms.empty()) vc.allowed_algorithms = {eid::Algorithm::RS256, eid::Algorithm::PS256, eid::Algorithm::ES256};
  eid::Verifier verifier(vc);
  eid::TokenRequirements req;
  if (!o.id.empty()) req.personal_id = o.id;
  req.min_level = o.level;
  if (!o.nonce.empty()) req.nonce = o.nonce;
  eid::AssertionCheck check = verifier.verify(read_token(o.token), req);
  if (check.verified()) {
    const auto& cl = *check.claims;
    std::cout << "valid: account level " << cl.level.account;
    if (cl.level.authentication) std::cout << ", authentication level " << cl.level.authentication;
    std::cout << " (acr " << cl.acr << ", " << eid::algorithm_name(cl.algorithm) << ", kid " << cl.key_id << ")\n";
    return kExitOk;
  }
  std::cout << "rejected: " << eid::verdict_code(check.verdict) << ": " << check.reason << "\n";
  return check.verdict == eid::Verdict::KeysUnavailable ? kExitBadInput : kExitAttention;
}

}  // namespace

void add_eid_commands(CLI::App& app, const GlobalOptions& g, CommandTable& table) {
  auto* eid_cmd = app.add_subcommand("eid", "Electronic identity: mock issuer and token verification");
  eid_cmd->require_subcommand(1);

  auto dir = std::make_shared<std::string>("var/eid");
  auto force = std::make_shared<bool>(false);
  auto* keygen = eid_cmd->add_subcommand("keygen", "Create the mock issuer's keys (RS256, ES256) and their JWKS");
  keygen->add_option("--dir", *dir, "Folder for eid-rs256.pem, eid-es256.pem (0600) and jwks.json (default var/eid)");
  keygen->add_flag("--force", *force, "Replace existing key files");
  table.add(keygen, [dir, force] {
    eid::IssuerKeyFiles files = eid::generate_issuer_keys(*dir, *force);
    std::cout << "wrote " << files.rs256_private_key.string() << ", " << files.es256_private_key.string() << " and "
              << files.jwks.string() << "\n";
    return kExitOk;
  });

  auto io = std::make_shared<IssueOptions>();
  auto* issue = eid_cmd->add_subcommand("issue", "Mint a signed identity token (mock issuer) and print it");
  issue->add_option("--id", io->id, "Personal ID number (SoDinhDanh)")->required();
  issue->add_option("--level", io->level, "Account level 1 or 2 (default 2)")->check(CLI::Range(1, 2));
  issue->add_option("--name", io->name, "HoVaTen (default: from the register)");
  issue->add_option("--birth", io->birth, "NgayThangNamSinh as YYYYMMDD (default: from the register)");
  issue->add_option("--expires", io->expires, "Lifetime: 300, 10m, 2h, 30d; negative for an expired token (default 10m)");
  issue->add_option("--key", io->key, "Private key PEM (default var/eid/eid-rs256.pem)");
  issue->add_option("--issuer", io->issuer, "iss (default: eid.issuer of the configuration)");
  issue->add_option("--audience", io->audience, "aud (default: eid.client_id of the configuration)");
  issue->add_option("--nonce", io->nonce, "nonce claim");
  table.add(issue, [&g, io] { return cmd_issue(g, *io); });

  auto vo = std::make_shared<VerifyOptions>();
  auto* verify = eid_cmd->add_subcommand(
      "verify", "Verify a token and print the verdict or the one reason it is rejected (exit 0 valid, 1 rejected, 2 bad usage)");
  verify->add_option("token", vo->token, "The token, @FILE to read it from a file, or - for standard input")->required();
  verify->add_option("--id", vo->id, "The party's personal ID the token must carry");
  verify->add_option("--level", vo->level, "Minimum account level (default 1)")->check(CLI::Range(1, 2));
  verify->add_option("--nonce", vo->nonce, "The nonce the token must carry");
  verify->add_option("--jwks", vo->jwks, "JWKS file or URL (default: eid.jwks of the configuration)");
  verify->add_option("--issuer", vo->issuer, "Expected iss (default: eid.issuer)");
  verify->add_option("--audience", vo->audience, "Our client id (default: eid.client_id)");
  table.add(verify, [&g, vo] { return cmd_verify(g, *vo); });
}

}  // namespace ecid::cli
