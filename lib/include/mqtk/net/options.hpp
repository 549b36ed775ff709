#pragma once

#include "mqtk/net/tls_report.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mqtk::net {

// A TLS protocol version (the bounds of tls_options' range).
enum class tls_version {
  v1_2, // TLS 1.2
  v1_3, // TLS 1.3
};

// TLS settings (the --cafile ... --sni flags). Loaded once per connector, shared by its connections.
struct tls_options {
  std::string cafile;       // PEM file of trusted CAs; with capath empty too, the OS trust store is used
  std::string capath;       // directory of hashed PEM CA certificates (c_rehash layout)
  std::string cert;         // PEM client certificate (chain); enables client authentication
  std::string key;          // PEM private key of cert; empty: taken from the cert file
  std::string key_password; // passphrase of an encrypted key (never prompted for)
  tls_version min_version = tls_version::v1_2; // lowest version offered
  std::vector<std::string> alpn;               // ALPN protocol names offered, in preference order
  std::string sni;       // server name sent (SNI) and verified instead of the URL's host
  bool insecure = false; // skip chain and host-name verification (the app prints a warning)
  // Issue 13's identities and checks (tls_identity.cpp); each is part of the context cache key.
  tls_version max_version = tls_version::v1_3;          // highest version offered
  std::string crlfile;                                  // PEM CRLs checked for the peer's certificate
  std::vector<std::array<std::uint8_t, 32>> pins;       // accepted SHA-256 digests of the peer's SPKI
  std::string keylog_file;                              // NSS key-log lines appended here (0600)
  std::string pkcs12;                                   // PKCS#12 bundle: client cert, key and chain
  std::string pkcs12_password;                          // its password (may be empty)
  std::string psk_identity;                             // TLS-PSK identity; set with psk
  std::vector<std::uint8_t> psk;                        // the pre-shared key
};

// The proxy protocol a connection tunnels through (--proxy).
enum class proxy_type {
  none,    // connect directly
  socks5,  // SOCKS5, the broker's name resolved locally and sent as an address
  socks5h, // SOCKS5, the broker's name sent to the proxy, which resolves it
  http,    // HTTP CONNECT
};

// Where and how to reach the proxy; the TCP connection goes there and TLS, WebSocket and MQTT run
// through the tunnel it opens to the endpoint.
struct proxy_options {
  proxy_type type = proxy_type::none;
  std::string host;                    // proxy host name or IP literal (IPv6 without brackets)
  std::uint16_t port = 1080;           // proxy port
  std::optional<std::string> username; // SOCKS5 user name/password (RFC 1929) or HTTP Basic
  std::optional<std::string> password; // never printed
};

// Everything a connector needs besides the endpoint.
struct transport_options {
  std::chrono::milliseconds connect_timeout{10'000}; // covers DNS, connect, TLS and WebSocket
                                                     // handshakes; zero or negative: no limit
  tls_options tls;                                   // used by mqtts:// and wss://
  std::function<void(const tls_report &)> on_tls_handshake; // called after each TLS handshake that
                                                            // passed every check (--tls-info)
  std::vector<std::string> ws_headers;               // extra upgrade request headers, "Name: value"
  std::string ws_subprotocol = "mqtt";               // Sec-WebSocket-Protocol; empty: not sent
  bool arrival_timestamps = false; // plain TCP: the kernel stamps each read (transport::read_arrival_ns)
  bool tls_release_idle_buffers = false; // mqtts://: free OpenSSL's record buffers (about 34 KiB) whenever
                                         // the connection has nothing to read or write, at the price
                                         // of allocating them again when bytes come (mqtk-bench)
  bool tls_resume_sessions = false; // mqtts://: TLS 1.3 connections resume the sessions the broker sent to
                                    // earlier connections to the same broker (the newest ticket), and
                                    // so share one verified certificate instead of parsing their own
                                    // (mqtk-bench); full handshakes when none is at hand
  std::string local_address; // source IP address (IPv4 or IPv6 literal) the socket binds before it
                             // connects (TCP, TLS, ws, wss; a Unix socket refuses it); empty: the
                             // kernel chooses. The port stays the kernel's choice at connect time.
  proxy_options proxy; // TCP, TLS, ws, wss; the proxy handshake counts in connect_timeout
};

} // namespace mqtk::net
