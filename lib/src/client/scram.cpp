// SCRAM client (RFC 5802, RFC 7677): message building and checking, keys through OpenSSL.
#include "scram.hpp"

#include "../net/openssl_loader.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace mqtk::client::detail {

namespace {

// Iteration counts a server may ask for: RFC 7677's minimum, and a ceiling that keeps one key
// derivation (it runs on the event loop) well under a second.
constexpr unsigned long min_iterations = 4096;
constexpr unsigned long max_iterations = 1'000'000;
// The longest server text quoted in an error.
constexpr std::size_t max_quoted = 120;

const EVP_MD *digest_of(scram_hash hash) {
  switch (hash) {
  case scram_hash::sha1:
    return EVP_sha1();
  case scram_hash::sha256:
    return EVP_sha256();
  case scram_hash::sha512:
    return EVP_sha512();
  }
  return EVP_sha256();
}

std::string base64_encode(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                reinterpret_cast<const unsigned char *>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(std::max(n, 0)));
  return out;
}

// Strict base64 (padded, no whitespace); nullopt when text is not.
std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0)
    return std::nullopt;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool pad = c == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text[i + 1] == '=');
    if (!pad && !std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/')
      return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                reinterpret_cast<const unsigned char *>(text.data()), static_cast<int>(text.size()));
  if (n < 0)
    return std::nullopt;
  const std::size_t padding = static_cast<std::size_t>(std::count(text.end() - 2, text.end(), '='));
  out.resize(static_cast<std::size_t>(n) - padding);
  return out;
}

std::string hmac(const EVP_MD *md, std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int n = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char *>(data.data()), data.size(),
       out.data(), &n);
  return {reinterpret_cast<const char *>(out.data()), n};
}

std::string digest(const EVP_MD *md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, md, nullptr);
  return {reinterpret_cast<const char *>(out.data()), n};
}

// The user name as a saslname: '=' as "=3D", ',' as "=2C" (RFC 5802 §5.1).
std::string saslname(std::string_view username) {
  std::string out;
  for (const char c : username) {
    if (c == '=')
      out += "=3D";
    else if (c == ',')
      out += "=2C";
    else
      out += c;
  }
  return out;
}

std::string random_nonce() {
  std::array<unsigned char, 18> raw{};
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1)
    return {};
  return base64_encode({reinterpret_cast<const char *>(raw.data()), raw.size()});
}

std::string quoted(std::string_view text) {
  std::string out = "'" + std::string(text.substr(0, max_quoted));
  return out + (text.size() > max_quoted ? "...'" : "'");
}

// The attributes of a SCRAM message ("a=value" separated by ','), in order.
std::vector<std::pair<char, std::string_view>> attributes(std::string_view message) {
  std::vector<std::pair<char, std::string_view>> out;
  while (true) {
    const std::size_t comma = message.find(',');
    const std::string_view part = message.substr(0, comma);
    if (part.size() < 2 || part[1] != '=' || !std::isalpha(static_cast<unsigned char>(part[0])))
      return {};
    out.emplace_back(part[0], part.substr(2));
    if (comma == std::string_view::npos)
      return out;
    message.remove_prefix(comma + 1);
  }
}

bool parse_iterations(std::string_view text, unsigned long &out) {
  if (text.empty() || text.size() > 10 || !std::all_of(text.begin(), text.end(), [](char c) {
        return c >= '0' && c <= '9';
      }))
    return false;
  out = std::stoul(std::string(text));
  return true;
}

} // namespace

std::optional<scram_hash> scram_hash_named(std::string_view method) {
  std::string upper(method);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  if (upper == "SCRAM-SHA-1")
    return scram_hash::sha1;
  if (upper == "SCRAM-SHA-256")
    return scram_hash::sha256;
  if (upper == "SCRAM-SHA-512")
    return scram_hash::sha512;
  return std::nullopt;
}

std::string_view scram_method_name(scram_hash hash) {
  switch (hash) {
  case scram_hash::sha1:
    return "SCRAM-SHA-1";
  case scram_hash::sha256:
    return "SCRAM-SHA-256";
  case scram_hash::sha512:
    return "SCRAM-SHA-512";
  }
  return "SCRAM-SHA-256";
}

std::string scram_credentials_error(std::string_view username, std::string_view password) {
  auto control = [](std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
      const auto byte = static_cast<unsigned char>(c);
      return byte < 0x20 || byte == 0x7F;
    });
  };
  if (control(username))
    return "the user name holds a control character, which SCRAM (SASLprep) does not allow";
  if (control(password))
    return "the password holds a control character, which SCRAM (SASLprep) does not allow";
  return {};
}

scram_client::scram_client(scram_hash hash, std::string username, std::string password, std::string nonce)
    : hash_(hash), password_(std::move(password)) {
  // The packaged build opens libssl at its first use, and SCRAM over plain TCP may be that use.
  if (std::string reason; !net::detail::load_openssl(reason)) {
    error_ = "SCRAM needs OpenSSL: " + reason;
    return;
  }
  nonce_ = nonce.empty() ? random_nonce() : std::move(nonce);
  client_first_ = "n,,n=" + saslname(username) + ",r=" + nonce_;
}

bool scram_client::fail(std::string message) {
  error_ = std::move(message);
  return false;
}

std::optional<std::string> scram_client::client_final(std::string_view server_first) {
  if (nonce_.empty()) {
    fail(error_.empty() ? "no random bytes for the SCRAM nonce" : error_);
    return std::nullopt;
  }
  const auto attrs = attributes(server_first);
  if (attrs.empty()) {
    fail("the server-first-message is malformed: " + quoted(server_first));
    return std::nullopt;
  }
  if (attrs[0].first == 'e') {
    fail("the server refused the authentication: " + quoted(attrs[0].second));
    return std::nullopt;
  }
  if (attrs[0].first == 'm') {
    fail("the server-first-message asks for a mandatory extension mqtk does not know: " + quoted(server_first));
    return std::nullopt;
  }
  if (attrs.size() < 3 || attrs[0].first != 'r' || attrs[1].first != 's' || attrs[2].first != 'i') {
    fail("the server-first-message is malformed (want r=,s=,i=): " + quoted(server_first));
    return std::nullopt;
  }
  const std::string_view nonce = attrs[0].second;
  if (nonce.size() <= nonce_.size() || !nonce.starts_with(nonce_)) {
    fail("the server's nonce does not extend ours: " + quoted(nonce));
    return std::nullopt;
  }
  const auto salt = base64_decode(attrs[1].second);
  if (!salt || salt->empty()) {
    fail("the server's salt is not base64: " + quoted(attrs[1].second));
    return std::nullopt;
  }
  unsigned long iterations = 0;
  if (!parse_iterations(attrs[2].second, iterations)) {
    fail("the server's iteration count is not a number: " + quoted(attrs[2].second));
    return std::nullopt;
  }
  if (iterations < min_iterations || iterations > max_iterations) {
    fail("the server asks for " + std::to_string(iterations) + " iterations; mqtk accepts " +
         std::to_string(min_iterations) + " to " + std::to_string(max_iterations));
    return std::nullopt;
  }

  const EVP_MD *md = digest_of(hash_);
  std::string salted(static_cast<std::size_t>(EVP_MD_get_size(md)), '\0');
  if (PKCS5_PBKDF2_HMAC(password_.data(), static_cast<int>(password_.size()),
                        reinterpret_cast<const unsigned char *>(salt->data()), static_cast<int>(salt->size()),
                        static_cast<int>(iterations), md, static_cast<int>(salted.size()),
                        reinterpret_cast<unsigned char *>(salted.data())) != 1) {
    fail("the SCRAM key derivation failed");
    return std::nullopt;
  }
  const std::string client_key = hmac(md, salted, "Client Key");
  const std::string stored_key = digest(md, client_key);
  const std::string without_proof = "c=biws,r=" + std::string(nonce); // biws: base64 of the GS2 header "n,,"
  const std::string auth_message =
      client_first_.substr(3) + "," + std::string(server_first) + "," + without_proof;
  std::string proof = hmac(md, stored_key, auth_message);
  for (std::size_t i = 0; i < proof.size(); ++i)
    proof[i] = static_cast<char>(proof[i] ^ client_key[i]);
  server_signature_ = hmac(md, hmac(md, salted, "Server Key"), auth_message);
  OPENSSL_cleanse(salted.data(), salted.size());
  return without_proof + ",p=" + base64_encode(proof);
}

bool scram_client::verify_server_final(std::string_view server_final) {
  if (server_signature_.empty())
    return fail("the server-final-message came before the server-first-message");
  const auto attrs = attributes(server_final);
  if (attrs.empty())
    return fail("the server-final-message is malformed: " + quoted(server_final));
  if (attrs[0].first == 'e')
    return fail("the server refused the authentication: " + quoted(attrs[0].second));
  if (attrs[0].first != 'v')
    return fail("the server-final-message is malformed (want v=): " + quoted(server_final));
  const auto signature = base64_decode(attrs[0].second);
  if (!signature)
    return fail("the server signature is not base64: " + quoted(attrs[0].second));
  if (signature->size() != server_signature_.size() ||
      CRYPTO_memcmp(signature->data(), server_signature_.data(), signature->size()) != 0)
    return fail("the server signature does not match: the server does not know the password (or is not the "
                "server it claims to be)");
  return true;
}

} // namespace mqtk::client::detail
