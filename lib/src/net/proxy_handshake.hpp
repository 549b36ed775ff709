#pragma once

// The proxy handshakes as sans-I/O state machines (bytes in, bytes out): SOCKS5 (RFC 1928) with
// user name/password authentication (RFC 1929), and HTTP CONNECT with Basic authentication. The
// transport sends output(), feeds what it reads, and goes on with the TLS/WebSocket/MQTT bytes once
// the handshake is done (private to lib/src/net).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mqtk::net::detail {

// The proxy protocol spoken.
enum class proxy_protocol {
  socks5, // SOCKS5 CONNECT; the target host goes as an IP address when it is a literal, else as a name
  http,   // HTTP CONNECT host:port
};

// Where the handshake stands after feed().
enum class proxy_status {
  more,   // send output() (if not empty) and feed more bytes
  done,   // the tunnel is open; leftover() holds bytes read past the proxy's answer
  failed, // error() says why, in the proxy's own words (escaped)
};

// One connection's proxy handshake; free it once done.
class proxy_handshake {
public:
  // A handshake asking the proxy for target_host:target_port, authenticating when username is set.
  proxy_handshake(proxy_protocol protocol, std::string target_host, std::uint16_t target_port,
                  std::optional<std::string> username, std::optional<std::string> password);
  // Bytes to send now; the caller clears it once written.
  std::vector<std::uint8_t> &output() noexcept { return out_; }
  // Takes bytes read from the proxy.
  proxy_status feed(std::span<const std::uint8_t> bytes);
  // Why the handshake failed ("SOCKS5 proxy: connection refused by the destination host").
  const std::string &error() const noexcept { return error_; }
  // Bytes that arrived after the proxy's answer (normally none: the broker waits for the client).
  std::span<const std::uint8_t> leftover() const noexcept;

private:
  enum class step { socks_method, socks_auth, socks_connect, http_response, done, failed };
  proxy_status fail(std::string message);
  proxy_status socks_step();
  proxy_status http_step();
  void send_socks_connect();

  proxy_protocol protocol_;
  std::string host_;
  std::uint16_t port_;
  std::optional<std::string> username_, password_;
  step step_;
  std::vector<std::uint8_t> out_, in_;
  std::size_t consumed_ = 0; // of in_, when done
  std::string error_;
};

// Names a SOCKS5 reply code (RFC 1928 section 6): 0x05 -> "connection refused".
const char *socks5_reply_name(std::uint8_t code) noexcept;

} // namespace mqtk::net::detail
