// Loading TLS material, per-connection verification settings and TLS failure messages.
#include "tls_context.hpp"
#include "tls_identity.hpp"
#include "tls_session_pool.hpp"

#include "openssl_loader.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>

namespace mqtk::net::detail {
namespace {

// The reason of the first queued OpenSSL error (the root cause), in words a user can act on;
// clears the queue.
std::string openssl_reason() {
  // OpenSSL 3 queues a decoder's "unsupported" attempts before the error that matters (a key's
  // "bad decrypt" comes after them, and in which order depends on its decoder cache), so the
  // reasons that say what went wrong win over the first one.
  std::string first;
  for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
    const char *reason = ERR_reason_error_string(code);
    const std::string text = reason ? reason : "";
    if (text == "bad decrypt" || text == "key values mismatch") {
      ERR_clear_error();
      return text;
    }
    if (first.empty())
      first = text;
  }
  if (first.empty())
    return "unknown OpenSSL error";
  if (first == "no start line" || first == "unsupported")
    return "no PEM data found";
  return first;
}

// True when path is a PEM file holding an encrypted private key (PKCS#8 or the traditional
// Proc-Type form): a failure to load it is about its password, whatever OpenSSL queued.
bool holds_encrypted_key(const std::string &path) {
  std::ifstream file(path);
  for (std::string line; std::getline(file, line);)
    if (line.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0) == 0 || line.rfind("Proc-Type: 4,ENCRYPTED", 0) == 0)
      return true;
  return false;
}

// Empty when path names a readable file, else "cannot read <what> '<path>': <reason>".
std::string check_readable(const std::string &path, const char *what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return std::string("cannot read ") + what + " '" + path + "': is a directory";
  std::ifstream file(path);
  if (!file)
    return std::string("cannot read ") + what + " '" + path + "': " + std::strerror(errno);
  return {};
}

int password_callback(char *buffer, int size, int, void *userdata) {
  const auto *password = static_cast<const std::string *>(userdata);
  if (!password || size <= 0 || password->size() > static_cast<std::size_t>(size))
    return 0;
  std::memcpy(buffer, password->data(), password->size());
  return static_cast<int>(password->size());
}

std::string load(tls_context &context) {
  const tls_options &o = context.options;
  SSL_CTX *ctx = context.ssl.native_handle();
  SSL_CTX_set_min_proto_version(ctx, o.min_version == tls_version::v1_3 ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, o.insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_default_passwd_cb(ctx, password_callback);
  tls_session_pool::enable(ctx);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, const_cast<std::string *>(&o.key_password));

  if (!o.cafile.empty()) {
    if (auto error = check_readable(o.cafile, "CA file"); !error.empty())
      return error;
    if (SSL_CTX_load_verify_locations(ctx, o.cafile.c_str(), nullptr) != 1)
      return "cannot load CA file '" + o.cafile + "': " + openssl_reason();
  }
  if (!o.capath.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(o.capath, ec))
      return "cannot use CA path '" + o.capath + "': not a directory";
    if (SSL_CTX_load_verify_locations(ctx, nullptr, o.capath.c_str()) != 1)
      return "cannot load CA path '" + o.capath + "': " + openssl_reason();
  }
  if (o.cafile.empty() && o.capath.empty() && SSL_CTX_set_default_verify_paths(ctx) != 1)
    return "cannot load the system's trusted CA certificates: " + openssl_reason();

  if (o.cert.empty() && !o.key.empty())
    return "a private key needs a certificate (--cert)";
  if (!o.cert.empty()) {
    const std::string &key = o.key.empty() ? o.cert : o.key;
    if (auto error = check_readable(o.cert, "certificate"); !error.empty())
      return error;
    if (SSL_CTX_use_certificate_chain_file(ctx, o.cert.c_str()) != 1)
      return "cannot load certificate '" + o.cert + "': " + openssl_reason();
    if (auto error = check_readable(key, "private key"); !error.empty())
      return error;
    if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1) {
      std::string reason = openssl_reason();
      if (reason == "bad decrypt" || (reason == "no PEM data found" && holds_encrypted_key(key)))
        reason = o.key_password.empty() ? "the key is encrypted and no password was given" : "wrong password";
      else if (reason == "key values mismatch")
        return "private key '" + key + "' does not match certificate '" + o.cert + "'";
      else if (o.key.empty() && reason == "no PEM data found")
        return "certificate '" + o.cert + "' holds no private key: give the key with --key";
      return "cannot load private key '" + key + "': " + reason;
    }
    if (SSL_CTX_check_private_key(ctx) != 1)
      return "private key '" + key + "' does not match certificate '" + o.cert + "'";
  }

  if (!o.alpn.empty()) {
    std::string wire;
    for (const auto &protocol : o.alpn) {
      if (protocol.empty() || protocol.size() > 255)
        return "invalid ALPN protocol name '" + protocol + "'";
      wire += static_cast<char>(protocol.size());
      wire += protocol;
    }
    if (SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char *>(wire.data()),
                                static_cast<unsigned>(wire.size())) != 0)
      return "cannot set ALPN protocols: " + openssl_reason();
  }
  return load_identity(context);
}

// The address part of an IP literal (IPv6 zone dropped); empty if host is not an IP literal.
std::string ip_literal(const std::string &host) {
  std::string address = host.substr(0, host.find('%'));
  boost::system::error_code ec;
  boost::asio::ip::make_address(address, ec);
  return ec ? std::string() : address;
}

std::string describe_verify_result(long result, const std::string &name) {
  switch (result) {
  case X509_V_ERR_HOSTNAME_MISMATCH:
  case X509_V_ERR_IP_ADDRESS_MISMATCH:
    return "host name mismatch: certificate is not valid for '" + name + "'";
  case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
  case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
  case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
  case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    return std::string(X509_verify_cert_error_string(result)) + " (unknown CA)";
  default:
    return X509_verify_cert_error_string(result);
  }
}

// Everything a context is loaded from or applies per connection, as one string.
std::string cache_key(const tls_options &o) {
  std::string key;
  for (const std::string *part : {&o.cafile, &o.capath, &o.cert, &o.key, &o.key_password, &o.sni}) {
    key += *part;
    key += '\0';
  }
  key += std::to_string(static_cast<int>(o.min_version)) + (o.insecure ? "i" : "v");
  for (const auto &protocol : o.alpn) {
    key += '\0';
    key += protocol;
  }
  append_identity_key(o, key);
  return key;
}

} // namespace

std::shared_ptr<tls_context> load_tls_context(const tls_options &options, failure &error) {
  // One context per distinct configuration in the process: loading the OS trust store costs
  // milliseconds and hundreds of KiB, which thousands of mqtk-bench connections must not repeat.
  static std::mutex cache_lock;
  static std::map<std::string, std::weak_ptr<tls_context>> cache;
  const std::string key = cache_key(options);
  std::lock_guard<std::mutex> guard(cache_lock);
  if (auto it = cache.find(key); it != cache.end())
    if (auto shared = it->second.lock())
      return shared;
  auto context = load_fresh_context(options, error);
  if (context)
    cache[key] = context;
  return context;
}

std::shared_ptr<tls_context> load_fresh_context(const tls_options &options, failure &error) {
  if (std::string reason; !load_openssl(reason)) {
    error = setup_failure("TLS is not available: " + reason);
    return nullptr;
  }
  std::shared_ptr<tls_context> context;
  try {
    context = std::make_shared<tls_context>(options);
  } catch (const std::exception &e) {
    error = setup_failure(std::string("cannot create a TLS context: ") + e.what());
    return nullptr;
  }
  ERR_clear_error();
  std::string message = load(*context);
  // Asio's ~context deletes a non-null callback user data as its own object: never leave ours there.
  SSL_CTX_set_default_passwd_cb_userdata(context->ssl.native_handle(), nullptr);
  if (!message.empty()) {
    error = setup_failure(std::move(message));
    return nullptr;
  }
  return context;
}

const std::string &checked_name(const tls_context &context, const std::string &host) {
  return context.options.sni.empty() ? host : context.options.sni;
}

void prepare_connection(SSL *ssl, const tls_context &context, const std::string &host) {
  const std::string &name = checked_name(context, host);
  std::string ip = ip_literal(name);
  if (ip.empty())
    SSL_set_tlsext_host_name(ssl, name.c_str());
  if (context.options.insecure)
    return;
  X509_VERIFY_PARAM *param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (ip.empty())
    X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  else
    X509_VERIFY_PARAM_set1_ip_asc(param, ip.c_str());
}

failure tls_failure(const std::string &target, const std::string &name, const boost::system::error_code &ec,
                    SSL *ssl) {
  std::string prefix = "TLS handshake with " + target + " failed: ";
  long result = SSL_get_verify_result(ssl);
  if (result != X509_V_OK)
    return {failure_kind::tls, make_error_code(errc::certificate_verify_failed),
            prefix + describe_verify_result(result, name)};
  std::string reason = ec.message();
  if (ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated)
    reason = "the server closed the connection (is this a TLS port?)";
  else if (ec.category() == boost::asio::error::get_ssl_category() &&
           ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_WRONG_VERSION_NUMBER)
    reason += " (is this a TLS port?)";
  std::error_code code = ec.category() == boost::asio::error::get_ssl_category()
                             ? make_error_code(errc::tls_handshake_failed)
                             : to_std(ec);
  return {failure_kind::tls, code, prefix + reason};
}

void add_tls_info(SSL *ssl, connection_info &info) {
  info.tls_version = SSL_get_version(ssl);
  if (const char *cipher = SSL_get_cipher_name(ssl))
    info.tls_cipher = cipher;
  const unsigned char *alpn = nullptr;
  unsigned length = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &length);
  if (alpn)
    info.alpn.assign(reinterpret_cast<const char *>(alpn), length);
  info.tls_resumed = SSL_session_reused(ssl) == 1;
}

} // namespace mqtk::net::detail

namespace mqtk::net::detail {

failure tls_io_failure(const std::string &target, const boost::system::error_code &ec) {
  if (ec == boost::asio::ssl::error::stream_truncated)
    return io_failure(target, boost::asio::error::eof);
  if (ec.category() == boost::asio::error::get_ssl_category())
    return {failure_kind::tls, make_error_code(errc::tls_handshake_failed),
            "TLS error on the connection to " + target + ": " + ec.message()};
  return io_failure(target, ec);
}

} // namespace mqtk::net::detail
