// Version range, CRL, PKCS#12, TLS-PSK, key log, public-key pins and the handshake report.
#include "tls_identity.hpp"

#include "tls_context.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>

namespace mqtk::net::detail {

tls_context::~tls_context() {
  if (keylog_fd >= 0)
    ::close(keylog_fd);
}

namespace {

// The SSL_CTX ex_data slot that points back at its tls_context (Asio owns the app data slot).
int context_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

const tls_context *context_of(const SSL *ssl) {
  return static_cast<const tls_context *>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), context_index()));
}

// The reason of the last queued OpenSSL error; clears the queue.
std::string last_reason() {
  unsigned long code = 0;
  for (unsigned long next = ERR_get_error(); next != 0; next = ERR_get_error())
    code = next;
  const char *reason = code ? ERR_reason_error_string(code) : nullptr;
  return reason ? reason : "unknown OpenSSL error";
}

std::string unreadable(const std::string &path) {
  std::ifstream file(path);
  return file ? std::string() : std::strerror(errno);
}

void keylog_line(const SSL *ssl, const char *line) {
  const tls_context *context = context_of(ssl);
  if (!context || context->keylog_fd < 0)
    return;
  std::string text = line;
  text += '\n';
  // One write per line on an O_APPEND descriptor: lines of parallel connections do not interleave.
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(context->keylog_fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return;
    done += static_cast<std::size_t>(n);
  }
}

// TLS 1.2 PSK, and TLS 1.3 external PSK (OpenSSL uses this callback there when no session callback
// is set: the key then goes with SHA-256, TLS_AES_128_GCM_SHA256).
unsigned psk_client(SSL *ssl, const char *, char *identity, unsigned max_identity, unsigned char *psk,
                    unsigned max_psk) {
  const tls_context *context = context_of(ssl);
  if (!context)
    return 0;
  const tls_options &o = context->options;
  if (o.psk_identity.size() + 1 > max_identity || o.psk.size() > max_psk)
    return 0;
  std::memcpy(identity, o.psk_identity.c_str(), o.psk_identity.size() + 1);
  std::memcpy(psk, o.psk.data(), o.psk.size());
  return static_cast<unsigned>(o.psk.size());
}

std::string load_crl(SSL_CTX *ctx, const std::string &path) {
  if (auto reason = unreadable(path); !reason.empty())
    return "cannot read CRL file '" + path + "': " + reason;
  X509_STORE *store = SSL_CTX_get_cert_store(ctx);
  X509_LOOKUP *lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file());
  if (!lookup || X509_load_crl_file(lookup, path.c_str(), X509_FILETYPE_PEM) <= 0) {
    const std::string reason = last_reason();
    return "cannot load CRL file '" + path + "': " +
           (reason == "no start line" || reason == "unsupported" ? "no PEM CRL found" : reason);
  }
  X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
  return {};
}

struct pkcs12_parts {
  EVP_PKEY *key = nullptr;
  X509 *cert = nullptr;
  STACK_OF(X509) *chain = nullptr;
  pkcs12_parts() = default;
  pkcs12_parts(const pkcs12_parts &) = delete;
  pkcs12_parts &operator=(const pkcs12_parts &) = delete;
  ~pkcs12_parts() {
    EVP_PKEY_free(key);
    X509_free(cert);
    sk_X509_pop_free(chain, X509_free);
  }
};

std::string load_pkcs12(SSL_CTX *ctx, const std::string &path, const std::string &password) {
  const std::string what = "cannot load PKCS#12 file '" + path + "': ";
  if (auto reason = unreadable(path); !reason.empty())
    return "cannot read PKCS#12 file '" + path + "': " + reason;
  BIO *bio = BIO_new_file(path.c_str(), "rb");
  PKCS12 *bundle = bio ? d2i_PKCS12_bio(bio, nullptr) : nullptr;
  BIO_free(bio);
  if (!bundle) {
    ERR_clear_error();
    return what + "not a PKCS#12 (DER) file";
  }
  pkcs12_parts parts;
  const int parsed = PKCS12_parse(bundle, password.c_str(), &parts.key, &parts.cert, &parts.chain);
  PKCS12_free(bundle);
  if (parsed != 1) {
    bool mac_failed = false;
    std::string reason = "unknown OpenSSL error";
    for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
      mac_failed = mac_failed || ERR_GET_REASON(code) == PKCS12_R_MAC_VERIFY_FAILURE;
      if (const char *text = ERR_reason_error_string(code))
        reason = text;
    }
    if (mac_failed)
      reason = password.empty() ? "it is encrypted and no password was given" : "wrong password";
    else if (reason == "unsupported")
      reason = "it uses an algorithm this OpenSSL does not enable (legacy RC2/3DES? re-export it with "
               "'openssl pkcs12 -export' of OpenSSL 3)";
    return what + reason;
  }
  if (!parts.cert || !parts.key)
    return what + "it holds no " + (parts.cert ? "private key" : "certificate");
  if (SSL_CTX_use_certificate(ctx, parts.cert) != 1 || SSL_CTX_use_PrivateKey(ctx, parts.key) != 1)
    return what + last_reason();
  for (int i = 0; parts.chain && i < sk_X509_num(parts.chain); ++i)
    if (SSL_CTX_add1_chain_cert(ctx, sk_X509_value(parts.chain, i)) != 1)
      return what + last_reason();
  if (SSL_CTX_check_private_key(ctx) != 1)
    return what + "its private key does not match its certificate";
  return {};
}

std::string open_keylog(tls_context &context) {
  const std::string &path = context.options.keylog_file;
  context.keylog_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0600);
  if (context.keylog_fd < 0)
    return "cannot open TLS key log '" + path + "': " + std::strerror(errno);
  SSL_CTX_set_keylog_callback(context.ssl.native_handle(), keylog_line);
  return {};
}

std::array<std::uint8_t, 32> spki_digest(X509 *cert) {
  std::array<std::uint8_t, 32> digest{};
  unsigned char *der = nullptr;
  const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
  if (length > 0)
    EVP_Digest(der, static_cast<std::size_t>(length), digest.data(), nullptr, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  return digest;
}

std::string base64(const std::array<std::uint8_t, 32> &bytes) {
  unsigned char out[48] = {};
  const int n = EVP_EncodeBlock(out, bytes.data(), static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char *>(out), static_cast<std::size_t>(n));
}

std::string name_text(const X509_NAME *name) {
  BIO *bio = BIO_new(BIO_s_mem());
  if (!bio)
    return {};
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char *data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(std::max(length, 0L)));
  BIO_free(bio);
  return text;
}

std::string ip_text(const ASN1_OCTET_STRING *ip) {
  char text[INET6_ADDRSTRLEN] = {};
  const int length = ASN1_STRING_length(ip);
  const int family = length == 4 ? AF_INET : length == 16 ? AF_INET6 : 0;
  if (family == 0 || !::inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text))
    return "(" + std::to_string(length) + "-byte address)";
  return text;
}

std::vector<std::string> sans_of(X509 *cert) {
  std::vector<std::string> out;
  auto *names = static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, i);
    auto text = [](const ASN1_STRING *s) {
      return std::string(reinterpret_cast<const char *>(ASN1_STRING_get0_data(s)),
                         static_cast<std::size_t>(ASN1_STRING_length(s)));
    };
    switch (name->type) {
    case GEN_DNS:
      out.push_back("DNS:" + text(name->d.dNSName));
      break;
    case GEN_IPADD:
      out.push_back("IP:" + ip_text(name->d.iPAddress));
      break;
    case GEN_EMAIL:
      out.push_back("email:" + text(name->d.rfc822Name));
      break;
    case GEN_URI:
      out.push_back("URI:" + text(name->d.uniformResourceIdentifier));
      break;
    default:
      out.push_back("other");
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::string time_text(const ASN1_TIME *time) {
  std::tm tm{};
  if (!time || ASN1_TIME_to_tm(time, &tm) != 1)
    return {};
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

} // namespace

std::string load_identity(tls_context &context) {
  const tls_options &o = context.options;
  SSL_CTX *ctx = context.ssl.native_handle();
  SSL_CTX_set_ex_data(ctx, context_index(), &context);
  if (o.max_version < o.min_version)
    return "the highest TLS version is below the lowest";
  SSL_CTX_set_max_proto_version(ctx, o.max_version == tls_version::v1_2 ? TLS1_2_VERSION : TLS1_3_VERSION);
  if (!o.crlfile.empty())
    if (auto error = load_crl(ctx, o.crlfile); !error.empty())
      return error;
  if (!o.pkcs12.empty()) {
    if (!o.cert.empty())
      return "give a client certificate either as a PKCS#12 bundle or as PEM --cert, not both";
    if (auto error = load_pkcs12(ctx, o.pkcs12, o.pkcs12_password); !error.empty())
      return error;
  }
  if (!o.psk.empty() || !o.psk_identity.empty()) {
    if (o.psk.empty() || o.psk_identity.empty())
      return "TLS-PSK needs both an identity and a key";
    SSL_CTX_set_psk_client_callback(ctx, psk_client);
  }
  if (!o.keylog_file.empty())
    if (auto error = open_keylog(context); !error.empty())
      return error;
  return {};
}

void append_identity_key(const tls_options &o, std::string &key) {
  key += '\0';
  key += std::to_string(static_cast<int>(o.max_version));
  for (const std::string *part : {&o.crlfile, &o.keylog_file, &o.pkcs12, &o.pkcs12_password, &o.psk_identity}) {
    key += '\0';
    key += *part;
  }
  key += '\0';
  key.append(o.psk.begin(), o.psk.end());
  for (const auto &pin : o.pins) {
    key += '\0';
    key.append(pin.begin(), pin.end());
  }
}

tls_report make_report(SSL *ssl, const connect_settings &settings) {
  tls_report report;
  report.target = settings.display;
  connection_info negotiated;
  add_tls_info(ssl, negotiated);
  report.protocol = std::move(negotiated.tls_version);
  report.cipher = std::move(negotiated.tls_cipher);
  report.alpn = std::move(negotiated.alpn);
  if (const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name))
    report.sni = sni;
  const tls_options &o = settings.tls->options;
  STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
  const bool certificate = chain && sk_X509_num(chain) > 0;
  report.verified = certificate && !o.insecure;
  if (!certificate && !o.psk_identity.empty())
    report.psk_identity = o.psk_identity;
  for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
    X509 *cert = sk_X509_value(chain, i);
    report.chain.push_back({name_text(X509_get_subject_name(cert)), name_text(X509_get_issuer_name(cert)),
                            sans_of(cert), time_text(X509_get0_notAfter(cert)), base64(spki_digest(cert))});
  }
  return report;
}

std::optional<failure> finish_handshake(SSL *ssl, const connect_settings &settings) {
  const tls_options &o = settings.tls->options;
  if (!o.pins.empty()) {
    const std::string prefix = "TLS handshake with " + settings.display + " failed: ";
    X509 *leaf = SSL_get0_peer_certificate(ssl);
    if (!leaf)
      return failure{failure_kind::tls, make_error_code(errc::certificate_verify_failed),
                     prefix + "the broker presented no certificate to check --pin-sha256 against"};
    const auto digest = spki_digest(leaf);
    if (std::find(o.pins.begin(), o.pins.end(), digest) == o.pins.end())
      return failure{failure_kind::tls, make_error_code(errc::certificate_verify_failed),
                     prefix + "public key pin mismatch: the broker's key is sha256//" + base64(digest) +
                         ", which no --pin-sha256 names"};
  }
  if (settings.on_tls_handshake)
    settings.on_tls_handshake(make_report(ssl, settings));
  return std::nullopt;
}

} // namespace mqtk::net::detail
