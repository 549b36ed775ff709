#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk::net {

// The transport a URL selects.
enum class scheme {
  mqtt,        // mqtt://   plain TCP, default port 1883
  mqtts,       // mqtts://  TLS over TCP, default port 8883
  ws,          // ws://     WebSocket over TCP, default port 80
  wss,         // wss://    WebSocket over TLS, default port 443
  unix_socket, // unix:///path  Unix domain stream socket
};

// The WebSocket request path used when a ws:// or wss:// URL has none (the mqtt.js / MQTTX default;
// mosquitto accepts any path). Write "ws://host/" to request "/" instead.
inline constexpr std::string_view default_ws_path = "/mqtt";

// Where and how to connect: the parsed form of a broker URL, also built directly from -h/-p flags.
struct endpoint {
  scheme kind = scheme::mqtt;          // transport
  std::string host = "localhost";      // host name or IP literal (IPv6 without brackets); unused for unix
  std::uint16_t port = 1883;           // TCP port; unused for unix
  std::string path;                    // ws/wss: HTTP request target (path and query, default "/mqtt");
                                       // mqtt/mqtts: what followed host[:port] verbatim, e.g. "/a/b"
                                       // (mosquitto's -L takes it as the topic); unix: empty
  std::string unix_path;               // unix: the socket's file system path (percent-decoded)
  std::optional<std::string> username; // from "user@" or "user:pass@" (percent-decoded)
  std::optional<std::string> password; // from "user:pass@" (percent-decoded)
};

// Outcome of parse_url: an endpoint, or a short error message.
struct url_result {
  endpoint value;    // meaningful only when error is empty
  std::string error; // e.g. "unknown URL scheme 'http'", "port out of range"; empty on success
  // True when parsing succeeded.
  explicit operator bool() const noexcept { return error.empty(); }
};

// Parses mqtt://, mqtts://, ws://, wss:// ([user[:password]@]host[:port][/path]; IPv6 as [::1]) and
// unix:///absolute/path ([user[:password]@] allowed before the path). Scheme names are
// case-insensitive; user name, password and unix path are percent-decoded; a ws/wss fragment is
// dropped. Pure: no DNS, no I/O.
url_result parse_url(std::string_view url);

// The port a scheme uses when the URL names none (0 for unix_socket).
std::uint16_t default_port(scheme kind) noexcept;
// The URL scheme name: "mqtt", "mqtts", "ws", "wss" or "unix".
std::string_view scheme_name(scheme kind) noexcept;
// True for mqtts and wss.
bool uses_tls(scheme kind) noexcept;
// True for ws and wss.
bool uses_websocket(scheme kind) noexcept;

// "host:port", with IPv6 literals in brackets ("[::1]:1883"); the socket path for unix.
std::string host_port(const endpoint &ep);
// The endpoint as a URL for messages and debug output; the password shows as "****" unless
// show_password is true. Round-trips through parse_url.
std::string to_url(const endpoint &ep, bool show_password = false);

} // namespace mqtk::net
