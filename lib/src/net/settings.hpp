#pragma once

// What every transport of one connector shares (private to lib/src/net).

#include "mqtk/net/options.hpp"
#include "mqtk/net/url.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mqtk::net::detail {

struct tls_context;
class tls_session_pool;

// Immutable per-connector settings, held by each transport through a shared_ptr.
struct connect_settings {
  endpoint target;                                             // where to connect
  std::string display;                                         // host_port(target), for messages
  std::chrono::milliseconds timeout{0};                        // connect timeout; <= 0: none
  std::shared_ptr<tls_context> tls;                            // set for mqtts and wss
  std::function<void(const tls_report &)> on_tls_handshake;    // transport_options::on_tls_handshake
  std::vector<std::pair<std::string, std::string>> ws_headers; // parsed "Name: value" entries
  std::string ws_subprotocol;                                  // Sec-WebSocket-Protocol to request
  bool arrival_timestamps = false;                             // transport_options::arrival_timestamps
  std::string local_address;                                   // source address to bind; empty: any
  bool tls_release_idle_buffers = false;                       // see transport_options
  std::shared_ptr<tls_session_pool> tls_sessions;              // tls_resume_sessions: the pool; else null
  proxy_options proxy;                                         // type none: connect directly
  std::string proxy_display;                                   // "SOCKS5 proxy 127.0.0.1:1080"
};

// Checks proxy for a connection to target and records it in settings (proxy, proxy_display);
// returns the error message (a Unix socket, no proxy host) or empty.
std::string apply_proxy(const proxy_options &proxy, const endpoint &target, connect_settings &settings);

} // namespace mqtk::net::detail
