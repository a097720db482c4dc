// JWK import/export and JWS signatures through OpenSSL 3 EVP.
#include "eid/jose.hpp"

#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cstring>

namespace ecid::eid::detail {
namespace {

struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigFree>;

constexpr int kMinRsaBits = 2048;
// Verification cost grows with the modulus: a huge key in a hostile JWKS must not stall us.
constexpr int kMaxRsaBits = 8192;
constexpr std::size_t kP256CoordinateBytes = 32;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

// Fetched once: EVP_sha256() would make every DigestVerifyInit look the provider up again.
const EVP_MD* sha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

PkeyPtr from_params(const char* type_name, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) return nullptr;
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type_name, nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0) return nullptr;
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) return nullptr;
  return PkeyPtr(key);
}

std::string bn_bytes(const BIGNUM* bn, int width = 0) {
  const int size = width > 0 ? width : BN_num_bytes(bn);
  std::string out(static_cast<std::size_t>(size), '\0');
  if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size) != size)
    throw EidError("key component does not fit");
  return out;
}

std::string get_bn_param(EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) throw EidError("cannot read key parameter " + std::string(name));
  BnPtr bn(raw);
  return bn_bytes(bn.get(), width);
}

bool is_p256(EVP_PKEY* key) {
  if (!EVP_PKEY_is_a(key, "EC")) return false;
  char group[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1) return false;
  return std::strcmp(group, "prime256v1") == 0 || std::strcmp(group, "P-256") == 0;
}

// Digest context ready for `alg` (padding and salt for PSS), for signing or verifying.
MdCtxPtr digest_context(EVP_PKEY* key, Algorithm alg, bool for_signing) {
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md) return nullptr;
  EVP_PKEY_CTX* pctx = nullptr;
  const int ok = for_signing ? EVP_DigestSignInit(md.get(), &pctx, sha256(), nullptr, key)
                             : EVP_DigestVerifyInit(md.get(), &pctx, sha256(), nullptr, key);
  if (ok != 1) return nullptr;
  if (alg == Algorithm::PS256) {
    // RFC 7518 §3.5: MGF1 with SHA-256 and a salt as long as the hash, nothing else.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, sha256()) != 1)
      return nullptr;
  } else if (alg == Algorithm::RS256) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) return nullptr;
  }
  return md;
}

}  // namespace

SharedPkey share(PkeyPtr key) { return SharedPkey(key.release(), EVP_PKEY_free); }

std::string openssl_errors() {
  std::string out;
  char buf[256];
  while (unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

bool key_fits(const VerificationKey& key, Algorithm alg) {
  if (key.alg && *key.alg != alg) return false;
  return alg == Algorithm::ES256 ? key.type == KeyType::EcP256 : key.type == KeyType::Rsa;
}

PkeyPtr rsa_public_key(std::string_view n, std::string_view e) {
  if (n.empty() || e.empty() || e.size() > 8) return nullptr;
  BnPtr n_bn(BN_bin2bn(bytes(n), static_cast<int>(n.size()), nullptr));
  BnPtr e_bn(BN_bin2bn(bytes(e), static_cast<int>(e.size()), nullptr));
  if (!n_bn || !e_bn) return nullptr;
  const int bits = BN_num_bits(n_bn.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) return nullptr;
  if (!BN_is_odd(e_bn.get()) || BN_is_one(e_bn.get())) return nullptr;
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n_bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e_bn.get()) != 1)
    return nullptr;
  return from_params("RSA", bld.get());
}

PkeyPtr ec_p256_public_key(std::string_view x, std::string_view y) {
  if (x.size() != kP256CoordinateBytes || y.size() != kP256CoordinateBytes) return nullptr;
  std::string point = "\x04";  // uncompressed SEC1 point
  point.append(x);
  point.append(y);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
    return nullptr;
  PkeyPtr key = from_params("EC", bld.get());
  if (!key) return nullptr;
  // A point off the curve would open invalid-curve attacks; refuse it at import.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return key;
}

JwkPublicParts public_parts(EVP_PKEY* key) {
  JwkPublicParts parts;
  if (EVP_PKEY_is_a(key, "RSA")) {
    parts.type = KeyType::Rsa;
    parts.n = get_bn_param(key, OSSL_PKEY_PARAM_RSA_N);
    parts.e = get_bn_param(key, OSSL_PKEY_PARAM_RSA_E);
  } else if (is_p256(key)) {
    parts.type = KeyType::EcP256;
    parts.x = get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, kP256CoordinateBytes);
    parts.y = get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, kP256CoordinateBytes);
  } else {
    throw EidError("key is neither RSA nor EC P-256");
  }
  return parts;
}

std::optional<ParsedJwks> parse_jwks(std::string_view text, std::string* error) {
  using nlohmann::json;
  const json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    if (error) *error = "JWKS is not a JSON object";
    return std::nullopt;
  }
  const auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) {
    if (error) *error = "JWKS has no \"keys\" array";
    return std::nullopt;
  }
  auto text_member = [](const json& jwk, const char* name) -> std::optional<std::string> {
    const auto it = jwk.find(name);
    if (it == jwk.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto b64_member = [&](const json& jwk, const char* name) -> std::optional<std::string> {
    auto t = text_member(jwk, name);
    if (!t) return std::nullopt;
    return base64url_decode(*t);
  };

  ParsedJwks parsed;
  for (const json& jwk : *keys) {
    if (!jwk.is_object()) { ++parsed.skipped; continue; }
    // Encryption keys and keys restricted to other operations are not ours to use.
    if (jwk.contains("use") && text_member(jwk, "use") != "sig") { ++parsed.skipped; continue; }
    if (jwk.contains("key_ops")) {
      const json& ops = jwk["key_ops"];
      bool verify = ops.is_array() && std::any_of(ops.begin(), ops.end(), [](const json& op) {
                      return op.is_string() && op.get<std::string>() == "verify";
                    });
      if (!verify) { ++parsed.skipped; continue; }
    }
    VerificationKey key;
    if (jwk.contains("kid")) {
      auto kid = text_member(jwk, "kid");
      if (!kid) { ++parsed.skipped; continue; }
      key.kid = *kid;
    }
    if (jwk.contains("alg")) {
      auto alg_name = text_member(jwk, "alg");
      key.alg = alg_name ? parse_algorithm(*alg_name) : std::nullopt;
      if (!key.alg) { ++parsed.skipped; continue; }
    }
    const auto kty = text_member(jwk, "kty");
    PkeyPtr pkey;
    if (kty == "RSA") {
      key.type = KeyType::Rsa;
      auto n = b64_member(jwk, "n");
      auto e = b64_member(jwk, "e");
      if (n && e) pkey = rsa_public_key(*n, *e);
    } else if (kty == "EC" && text_member(jwk, "crv") == "P-256") {
      key.type = KeyType::EcP256;
      auto x = b64_member(jwk, "x");
      auto y = b64_member(jwk, "y");
      if (x && y) pkey = ec_p256_public_key(*x, *y);
    }
    // "oct" (HMAC) keys and everything else are never usable: skip.
    if (!pkey || (key.alg && !key_fits(key, *key.alg))) {
      ERR_clear_error();
      ++parsed.skipped;
      continue;
    }
    const bool duplicate = !key.kid.empty() && std::any_of(parsed.keys.begin(), parsed.keys.end(),
                                                           [&](const VerificationKey& k) { return k.kid == key.kid; });
    if (duplicate) { ++parsed.skipped; continue; }
    key.verification = std::make_shared<PreparedVerification>(share(std::move(pkey)));
    parsed.keys.push_back(std::move(key));
  }
  return parsed;
}

std::optional<std::string> ecdsa_raw_to_der(std::string_view raw) {
  if (raw.size() != 2 * kP256CoordinateBytes) return std::nullopt;
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes(raw), kP256CoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(bytes(raw) + kP256CoordinateBytes, kP256CoordinateBytes, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return std::nullopt;
  std::string der(static_cast<std::size_t>(len), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != len) return std::nullopt;
  return der;
}

std::optional<std::string> ecdsa_der_to_raw(std::string_view der) {
  const unsigned char* in = bytes(der);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der.size())));
  if (!sig) return std::nullopt;
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  if (BN_num_bytes(r) > static_cast<int>(kP256CoordinateBytes) || BN_num_bytes(s) > static_cast<int>(kP256CoordinateBytes))
    return std::nullopt;
  return bn_bytes(r, kP256CoordinateBytes) + bn_bytes(s, kP256CoordinateBytes);
}

PreparedVerification::~PreparedVerification() {
  for (EVP_MD_CTX* t : templates_) EVP_MD_CTX_free(t);
}

EVP_MD_CTX* PreparedVerification::context(Algorithm alg) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) return nullptr;
  std::lock_guard lock(mutex_);
  EVP_MD_CTX*& prepared = templates_[static_cast<std::size_t>(alg)];
  if (!prepared) prepared = digest_context(key_.get(), alg, /*for_signing=*/false).release();
  if (!prepared || EVP_MD_CTX_copy_ex(ctx.get(), prepared) != 1) return nullptr;
  return ctx.release();
}

bool verify_jws_signature(PreparedVerification& key, Algorithm alg, std::string_view signing_input,
                          std::string_view signature) {
  std::string der;
  if (alg == Algorithm::ES256) {
    // JWS carries r||s (RFC 7518 §3.4); a DER signature here is a different encoding
    // and is refused rather than guessed at.
    auto converted = ecdsa_raw_to_der(signature);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  } else if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.key()))) {
    return false;
  }
  MdCtxPtr md(key.context(alg));
  const bool ok = md && EVP_DigestVerify(md.get(), bytes(signature), signature.size(), bytes(signing_input),
                                         signing_input.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

std::string sign_jws_signature(EVP_PKEY* key, Algorithm alg, std::string_view signing_input, bool der) {
  MdCtxPtr md = digest_context(key, alg, /*for_signing=*/true);
  if (!md) throw EidError("cannot start signing: " + openssl_errors());
  std::size_t len = 0;
  if (EVP_DigestSign(md.get(), nullptr, &len, bytes(signing_input), signing_input.size()) != 1)
    throw EidError("cannot size signature: " + openssl_errors());
  std::string sig(len, '\0');
  if (EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, bytes(signing_input),
                     signing_input.size()) != 1)
    throw EidError("cannot sign: " + openssl_errors());
  sig.resize(len);
  if (alg != Algorithm::ES256 || der) return sig;
  auto raw = ecdsa_der_to_raw(sig);
  if (!raw) throw EidError("ECDSA signature not convertible to r||s");
  return *raw;
}

}  // namespace ecid::eid::detail
