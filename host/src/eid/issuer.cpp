// The mock issuer: signing keys (generate, PEM files), the JWKS it publishes, and tokens,
// including deliberately broken ones for negative tests.
#include "eid/jose.hpp"

#include <nlohmann/json.hpp>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ecid::eid {

struct SigningKey::Impl {
  detail::SharedPkey pkey;
  Algorithm alg = Algorithm::RS256;
  std::string kid;
};

namespace {

using ordered_json = nlohmann::ordered_json;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// No passphrase prompt on a terminal: an encrypted key file is simply refused.
int no_passphrase(char*, int, int, void*) { return 0; }

void check_key_fits(EVP_PKEY* key, Algorithm alg) {
  if (alg == Algorithm::ES256) {
    char group[64] = {};
    std::size_t len = 0;
    if (!EVP_PKEY_is_a(key, "EC") || EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1 ||
        (std::strcmp(group, "prime256v1") != 0 && std::strcmp(group, "P-256") != 0))
      throw EidError("ES256 needs an EC P-256 key");
  } else if (!EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_get_bits(key) < 2048) {
    throw EidError(std::string(algorithm_name(alg)) + " needs an RSA key of at least 2048 bits");
  }
}

std::string jwk_thumbprint(EVP_PKEY* key) {
  const detail::JwkPublicParts parts = detail::public_parts(key);
  // RFC 7638 §3.2: required members only, in lexicographic order, no white space.
  std::string canonical =
      parts.type == detail::KeyType::Rsa
          ? "{\"e\":\"" + base64url_encode(parts.e) + "\",\"kty\":\"RSA\",\"n\":\"" + base64url_encode(parts.n) + "\"}"
          : "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + base64url_encode(parts.x) + "\",\"y\":\"" +
                base64url_encode(parts.y) + "\"}";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), digest, &len, EVP_sha256(), nullptr) != 1)
    throw EidError("cannot hash key: " + detail::openssl_errors());
  return base64url_encode(std::string_view(reinterpret_cast<char*>(digest), len));
}

ordered_json public_jwk(const SigningKey& key, EVP_PKEY* pkey) {
  const detail::JwkPublicParts parts = detail::public_parts(pkey);
  ordered_json jwk;
  if (parts.type == detail::KeyType::Rsa) {
    jwk["kty"] = "RSA";
  } else {
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
  }
  jwk["kid"] = key.kid();
  jwk["use"] = "sig";
  jwk["alg"] = std::string(algorithm_name(key.algorithm()));
  if (parts.type == detail::KeyType::Rsa) {
    jwk["n"] = base64url_encode(parts.n);
    jwk["e"] = base64url_encode(parts.e);
  } else {
    jwk["x"] = base64url_encode(parts.x);
    jwk["y"] = base64url_encode(parts.y);
  }
  return jwk;
}

std::string random_uuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) throw EidError("no randomness: " + detail::openssl_errors());
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

std::int64_t epoch_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

void write_all(int fd, std::string_view data, const std::filesystem::path& file) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw EidError("cannot write " + file.string() + ": " + std::strerror(errno));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                 reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, sizeof out, &len))
    throw EidError("HMAC failed: " + detail::openssl_errors());
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace

SigningKey::SigningKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

SigningKey SigningKey::generate(Algorithm alg, std::string kid) {
  EVP_PKEY* raw = alg == Algorithm::ES256 ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
  if (!raw) throw EidError("key generation failed: " + detail::openssl_errors());
  auto impl = std::make_shared<Impl>();
  impl->pkey = detail::share(detail::PkeyPtr(raw));
  impl->alg = alg;
  impl->kid = kid.empty() ? jwk_thumbprint(raw) : std::move(kid);
  return SigningKey(std::move(impl));
}

SigningKey SigningKey::load_pem(const std::filesystem::path& file, std::optional<Algorithm> alg, std::string kid) {
  BioPtr bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) throw EidError("cannot open private key " + file.string());
  detail::PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key) throw EidError("not an unencrypted PEM private key: " + file.string() + " (" + detail::openssl_errors() + ")");
  const Algorithm chosen = alg.value_or(EVP_PKEY_is_a(key.get(), "EC") ? Algorithm::ES256 : Algorithm::RS256);
  check_key_fits(key.get(), chosen);
  auto impl = std::make_shared<Impl>();
  impl->alg = chosen;
  impl->kid = kid.empty() ? jwk_thumbprint(key.get()) : std::move(kid);
  impl->pkey = detail::share(std::move(key));
  return SigningKey(std::move(impl));
}

void SigningKey::save_pem(const std::filesystem::path& file, bool overwrite) const {
  // Secure-heap memory BIO: the key text is wiped when freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw EidError("cannot encode private key: " + detail::openssl_errors());
  const int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
  const int fd = ::open(file.c_str(), flags, 0600);
  if (fd < 0) throw EidError("cannot create " + file.string() + ": " + std::strerror(errno));
  try {
    // An existing file keeps its mode on O_TRUNC: tighten it before the key goes in.
    if (::fchmod(fd, 0600) != 0) throw EidError("cannot restrict " + file.string() + ": " + std::strerror(errno));
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    write_all(fd, std::string_view(data, static_cast<std::size_t>(len)), file);
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0) throw EidError("cannot write " + file.string() + ": " + std::strerror(errno));
}

Algorithm SigningKey::algorithm() const { return impl_->alg; }
const std::string& SigningKey::kid() const { return impl_->kid; }
std::string SigningKey::thumbprint() const { return jwk_thumbprint(impl_->pkey.get()); }
std::string SigningKey::public_jwk_json() const { return public_jwk(*this, impl_->pkey.get()).dump(); }

std::string SigningKey::public_key_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), impl_->pkey.get()) != 1)
    throw EidError("cannot encode public key: " + detail::openssl_errors());
  return bio_text(bio.get());
}

std::string SigningKey::sign(std::string_view signing_input) const {
  return detail::sign_jws_signature(impl_->pkey.get(), impl_->alg, signing_input);
}

std::string jwks_json(std::span<const SigningKey> keys) {
  ordered_json doc;
  doc["keys"] = ordered_json::array();
  for (const SigningKey& key : keys) doc["keys"].push_back(ordered_json::parse(key.public_jwk_json()));
  return doc.dump(2) + "\n";
}

void write_jwks(const std::filesystem::path& file, std::span<const SigningKey> keys) {
  const std::string text = jwks_json(keys);
  std::filesystem::path temp = file;
  temp += ".tmp." + std::to_string(::getpid()) + "." + random_uuid().substr(0, 8);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw EidError("cannot create " + temp.string() + ": " + std::strerror(errno));
  try {
    write_all(fd, text, temp);
  } catch (...) {
    ::close(fd);
    ::unlink(temp.c_str());
    throw;
  }
  if (::close(fd) != 0 || std::rename(temp.c_str(), file.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    throw EidError("cannot write " + file.string() + ": " + reason);
  }
}

IssuerKeyFiles generate_issuer_keys(const std::filesystem::path& dir, bool overwrite) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw EidError("cannot create " + dir.string() + ": " + ec.message());
  IssuerKeyFiles files;
  files.rs256_private_key = dir / "eid-rs256.pem";
  files.es256_private_key = dir / "eid-es256.pem";
  files.jwks = dir / "jwks.json";
  files.keys = {SigningKey::generate(Algorithm::RS256), SigningKey::generate(Algorithm::ES256)};
  files.keys[0].save_pem(files.rs256_private_key, overwrite);
  files.keys[1].save_pem(files.es256_private_key, overwrite);
  write_jwks(files.jwks, files.keys);
  return files;
}

std::string sign_jws(const SigningKey& key, std::string_view header_json, std::string_view payload_json) {
  std::string input = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  return input + "." + base64url_encode(key.sign(input));
}

std::string mint_token(const SigningKey& key, const MintRequest& r) {
  const auto issued = r.issued_at.value_or(std::chrono::system_clock::now());
  const std::int64_t iat = epoch_seconds(issued);

  ordered_json header;
  std::string header_alg(algorithm_name(key.algorithm()));
  if (r.forgery == Forgery::AlgNone) header_alg = "none";
  if (r.forgery == Forgery::HmacWithPublicKey) header_alg = "HS256";
  if (r.header_alg) header_alg = *r.header_alg;
  header["alg"] = header_alg;
  header["typ"] = "JWT";
  if (r.include_kid) header["kid"] = r.kid.value_or(key.kid());

  ordered_json payload;
  payload["iss"] = r.issuer;
  if (r.audience.size() == 1) payload["aud"] = r.audience.front();
  else if (r.audience.size() > 1) payload["aud"] = r.audience;
  if (r.azp) payload["azp"] = *r.azp;
  payload["sub"] = r.subject.empty() ? random_uuid() : r.subject;
  payload["iat"] = iat;
  payload["exp"] = iat + r.lifetime.count();
  if (r.not_before) payload["nbf"] = epoch_seconds(*r.not_before);
  payload["auth_time"] = r.auth_time ? epoch_seconds(*r.auth_time) : iat;
  if (r.nonce) payload["nonce"] = *r.nonce;
  payload["acr"] = r.acr;
  payload["SoDinhDanh"] = r.personal_id;
  payload["HoVaTen"] = r.full_name;
  payload["NgayThangNamSinh"] = r.birth_date;
  payload["LoaiTaiKhoan"] = r.account_type;
  for (const std::string& name : r.omit_claims) payload.erase(name);

  const std::string input = base64url_encode(header.dump()) + "." + base64url_encode(payload.dump());
  std::string signature;
  switch (r.forgery) {
    case Forgery::None:
      signature = key.sign(input);
      break;
    case Forgery::AlgNone:
      break;
    case Forgery::HmacWithPublicKey:
      signature = hmac_sha256(key.public_key_pem(), input);
      break;
    case Forgery::EcdsaDerSignature:
      if (key.algorithm() != Algorithm::ES256) throw EidError("a DER signature forgery needs an ES256 key");
      signature = detail::sign_jws_signature(key.impl_->pkey.get(), Algorithm::ES256, input, /*der=*/true);
      break;
    case Forgery::FlippedSignatureByte:
      signature = key.sign(input);
      signature[signature.size() / 2] = static_cast<char>(signature[signature.size() / 2] ^ 0x01);
      break;
  }
  return input + "." + base64url_encode(signature);
}

}  // namespace ecid::eid
