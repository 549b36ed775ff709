#pragma once

#include <string>
#include <system_error>

namespace mqtk::net {

// Transport error conditions (category "mqtk.net"). Operating-system errors such as
// ECONNREFUSED keep std::system_category().
enum class errc {
  connect_timeout = 1,       // resolve, connect and handshakes did not finish within the timeout
  host_not_found,            // DNS knows no address for the host name
  closed,                    // the peer closed the connection (EOF, WebSocket close frame)
  certificate_verify_failed, // the peer's certificate chain or host name was not accepted
  tls_handshake_failed,      // TLS failed otherwise: protocol version, cipher, alert, peer not TLS
  websocket_upgrade_failed,  // the server refused or botched the HTTP upgrade to WebSocket
  tls_setup_failed,          // the CA file/path, certificate or private key could not be used
  invalid_endpoint,          // the endpoint cannot be connected to (e.g. Unix socket path too long)
  write_timeout,             // a write did not complete within the transport's write timeout
  source_address_unavailable, // the source address to bind is not an address of this machine
  proxy_failed,               // the proxy refused the tunnel, its authentication or spoke gibberish
};

// The std::error_category of errc.
const std::error_category &net_category() noexcept;

// Builds a std::error_code in net_category().
inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), net_category()};
}

// What went wrong, for mapping to exit statuses: the apps' single error boundary switches on this.
enum class failure_kind {
  setup,   // local TLS material unusable (unreadable CA file, bad key password): usage error, exit 2
  connect, // DNS, TCP/Unix connect, WebSocket upgrade, connect timeout: exit 3
  tls,     // TLS handshake or certificate verification: exit 4
  io,      // an established connection failed or the peer closed it
};

// A failed transport operation: a code to test and one human line to print.
struct failure {
  failure_kind kind = failure_kind::io; // class of the failure
  std::error_code code;                 // errc or a system error (std::errc::connection_refused, ...)
  std::string message;                  // e.g. "TLS handshake with localhost:8883 failed: certificate
                                        // has expired"; no trailing period, no password
};

// "connect", "tls", "setup" or "io".
const char *kind_name(failure_kind kind) noexcept;

} // namespace mqtk::net

template <> struct std::is_error_code_enum<mqtk::net::errc> : std::true_type {};
