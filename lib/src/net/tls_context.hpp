#pragma once

// OpenSSL configuration for mqtts:// and wss://: one SSL_CTX per connector, per-connection host-name
// checks, and failure messages naming the verification problem.

#include "failure.hpp"

#include "mqtk/net/options.hpp"
#include "mqtk/net/transport.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace mqtk::net::detail {

// A loaded TLS configuration shared by every connection of a connector.
struct tls_context {
  // A TLS client context with nothing loaded yet.
  explicit tls_context(tls_options o) : ssl(boost::asio::ssl::context::tls_client), options(std::move(o)) {}
  tls_context(const tls_context &) = delete;
  tls_context &operator=(const tls_context &) = delete;
  // Closes the key log.
  ~tls_context();
  boost::asio::ssl::context ssl; // the SSL_CTX: trust store, client certificate, versions, ALPN
  tls_options options;           // what it was loaded from (sni, insecure are applied per connection)
  int keylog_fd = -1;            // options.keylog_file opened for appending; -1: no key log
};

// The context for options: the one already loaded in this process for the same options while any connector still holds it, else a new one. On failure returns null and sets
// error (setup class, e.g. "cannot read CA file 'ca.pem': No such file or directory").
std::shared_ptr<tls_context> load_tls_context(const tls_options &options, failure &error);

// Loads options into a new context, bypassing the cache; failures as load_tls_context.
std::shared_ptr<tls_context> load_fresh_context(const tls_options &options, failure &error);

// The name sent as SNI and verified: the sni option, else the URL's host.
const std::string &checked_name(const tls_context &context, const std::string &host);

// Prepares one connection's SSL for host: SNI (not for IP literals) and, unless insecure, the
// host-name or IP-address check done by OpenSSL during the handshake.
void prepare_connection(SSL *ssl, const tls_context &context, const std::string &host);

// The tls-class failure of a TLS handshake with target ("host:port"): the X509 verification result
// when verification failed ("certificate has expired", "host name mismatch: certificate is not
// valid for 'x'"), else the OpenSSL reason.
failure tls_failure(const std::string &target, const std::string &name, const boost::system::error_code &ec,
                    SSL *ssl);

// The failure of an established TLS connection: a missing close_notify reads as the broker closing;
// a TLS alert (e.g. TLS 1.3's "certificate required", sent after the client's handshake finished)
// is tls class.
failure tls_io_failure(const std::string &target, const boost::system::error_code &ec);

// Adds the negotiated version, cipher and ALPN protocol to info.
void add_tls_info(SSL *ssl, connection_info &info);

} // namespace mqtk::net::detail
