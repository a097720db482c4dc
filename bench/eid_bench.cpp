// ID-token verifications per second through ecid::eid::Verifier (warm key cache) next to
// raw OpenSSL EVP_DigestVerify of the same signature with the same key, in the same run.
// Two raw figures: the plain use (EVP_DigestVerifyInit + EVP_DigestVerify per token, the
// goal's reference) and the fastest raw use we know (a copy of a context initialised once +
// EVP_DigestVerify, which is what the verifier itself does), each with its ratio.
// Rates are taken from the thread's CPU time, so other processes sharing the machine's two
// cores do not skew one side more than the other; on an idle machine that is wall time.
// Usage: eid_bench [iterations per run, default 20000]
#include <ecid/eid.hpp>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace eid = ecid::eid;

namespace {

constexpr int kRuns = 5;

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "eid_bench: %s\n", why.c_str());
  std::exit(1);
}

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// The public half of `key` as OpenSSL sees it, from the PEM the key exports.
EVP_PKEY* public_key(const eid::SigningKey& key) {
  const std::string pem = key.public_key_pem();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!pkey) die("cannot read public key");
  return pkey;
}

// The DER form EVP wants of a JWS ES256 r||s signature.
std::string der_signature(const std::string& raw) {
  ECDSA_SIG* sig = ECDSA_SIG_new();
  auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG_set0(sig, BN_bin2bn(p, 32, nullptr), BN_bin2bn(p + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

struct Figures {
  double verifier_per_s = 0;
  double raw_init_per_s = 0;  // EVP_DigestVerifyInit + EVP_DigestVerify each time
  double raw_copy_per_s = 0;  // EVP_MD_CTX_copy_ex of a prepared context + EVP_DigestVerify
};

Figures measure(eid::Algorithm alg, int iterations, const std::filesystem::path& dir) {
  const auto key = eid::SigningKey::generate(alg, "bench-" + std::string(eid::algorithm_name(alg)));
  const std::vector<eid::SigningKey> published{key};
  const auto jwks = dir / ("jwks-" + std::string(eid::algorithm_name(alg)) + ".json");
  eid::write_jwks(jwks, published);

  eid::VerifierConfig config;
  config.issuer = "https://sso.example.test/auth/realms/citizen";
  config.client_id = "ecid-court";
  config.jwks_source = jwks.string();
  config.key_cache_ttl = std::chrono::seconds(0);
  eid::Verifier verifier(config);

  eid::MintRequest request;
  request.issuer = config.issuer;
  request.audience = {config.client_id};
  request.personal_id = "001203004567";
  request.full_name = "Nguyễn Thị Bích Ngọc";
  request.birth_date = "20030415";
  request.acr = *eid::acr_for_level(config.acr_levels, 2);
  request.nonce = "n-0S6_WzA2Mj";
  request.lifetime = std::chrono::seconds(3600);
  const std::string token = eid::mint_token(key, request);
  const eid::ExpectedParty party{request.personal_id, 2, request.nonce, 0};

  // Warm the key cache, and make sure we time the success path.
  const auto first = verifier.verify_for_party(token, party);
  if (!first.verified()) die("token does not verify: " + first.reason);

  // The same signing input, signature and key for the raw loop.
  const std::size_t last_dot = token.rfind('.');
  const std::string signing_input = token.substr(0, last_dot);
  std::string signature = *eid::base64url_decode(std::string_view(token).substr(last_dot + 1));
  if (alg == eid::Algorithm::ES256) signature = der_signature(signature);
  EVP_PKEY* pkey = public_key(key);
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  const auto* tbs = reinterpret_cast<const unsigned char*>(signing_input.data());
  auto init = [&](EVP_MD_CTX* ctx) {
    EVP_PKEY_CTX* pctx = nullptr;
    bool ok = EVP_DigestVerifyInit(ctx, &pctx, sha256, nullptr, pkey) == 1;
    if (alg == eid::Algorithm::RS256) ok = ok && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
    return ok;
  };
  auto raw_init = [&] {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = init(ctx) && EVP_DigestVerify(ctx, sig, signature.size(), tbs, signing_input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  };
  EVP_MD_CTX* prepared = EVP_MD_CTX_new();
  if (!init(prepared)) die("cannot prepare a verification context");
  auto raw_copy = [&] {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = EVP_MD_CTX_copy_ex(ctx, prepared) == 1 &&
                    EVP_DigestVerify(ctx, sig, signature.size(), tbs, signing_input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  };
  if (!raw_init() || !raw_copy()) die("raw verification failed");

  auto rate = [&](auto&& verify_once) {
    const double start = thread_cpu_seconds();
    int ok = 0;
    for (int i = 0; i < iterations; ++i) ok += verify_once();
    const double seconds = thread_cpu_seconds() - start;
    if (ok != iterations) die("a verification failed in the loop");
    return iterations / seconds;
  };
  std::vector<double> verifier_rates, init_rates, copy_rates;
  for (int run = 0; run < kRuns; ++run) {
    // Interleaved so that drift in machine load hits every side alike.
    init_rates.push_back(rate(raw_init));
    copy_rates.push_back(rate(raw_copy));
    verifier_rates.push_back(rate([&] { return verifier.verify_for_party(token, party).verified(); }));
  }
  if (verifier.key_stats().fetches != 1) die("the key cache was not warm");
  EVP_MD_CTX_free(prepared);
  EVP_MD_free(sha256);
  EVP_PKEY_free(pkey);
  return {median(verifier_rates), median(init_rates), median(copy_rates)};
}

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20000;
  std::string pattern = (std::filesystem::temp_directory_path() / "ecid-eid-bench-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) die("mkdtemp failed");
  const std::filesystem::path dir = pattern;

  std::printf("eid verification, warm key cache, median of %d runs of %d verifications (thread CPU time)\n", kRuns,
              iterations);
  std::printf("%-6s %11s %15s %7s %15s %7s\n", "alg", "verifier/s", "raw init+ver/s", "ratio", "raw copy+ver/s",
              "ratio");
  bool goal_met = true;
  for (auto alg : {eid::Algorithm::RS256, eid::Algorithm::ES256}) {
    const Figures f = measure(alg, iterations, dir);
    const double ratio = f.verifier_per_s / f.raw_init_per_s;
    goal_met = goal_met && ratio >= 0.8;
    std::printf("%-6s %11.0f %15.0f %6.1f%% %15.0f %6.1f%%\n", std::string(eid::algorithm_name(alg)).c_str(),
                f.verifier_per_s, f.raw_init_per_s, 100.0 * ratio, f.raw_copy_per_s,
                100.0 * f.verifier_per_s / f.raw_copy_per_s);
  }
  std::printf("goal: verifier >= 80%% of raw EVP_DigestVerifyInit+EVP_DigestVerify: %s\n", goal_met ? "met" : "NOT met");
  std::filesystem::remove_all(dir);
  return 0;
}
