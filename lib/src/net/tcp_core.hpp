#pragma once

// Connecting a TCP socket: DNS (skipped for IP literals), every address in order (only those of the
// source address's family when one is bound), TCP_NODELAY, and with a proxy the SOCKS5 or HTTP
// CONNECT tunnel (tcp_proxy.cpp). Base of the plain TCP, TLS and WebSocket transports.

#include "proxy_handshake.hpp"
#include "transport_core.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mqtk::net::detail {

// A TCP socket on executor_type.
using tcp_socket = asio::basic_stream_socket<asio::ip::tcp, executor_type>;
// A TCP resolver on executor_type.
using tcp_resolver = asio::ip::basic_resolver<asio::ip::tcp, executor_type>;

// A transport whose lowest layer is a TCP socket.
class tcp_core : public transport_core {
public:
  using transport_core::transport_core;
  // The peer address; derived transports add TLS/WebSocket details.
  connection_info info() const override;

protected:
  // The TCP socket under the stream.
  virtual tcp_socket &socket() noexcept = 0;
  // TCP is connected (TCP_NODELAY set) and the proxy tunnel open: do the handshakes, then
  // connect_succeeded().
  virtual void tcp_connected() = 0;

  void start_connect() override;
  void close_stream() noexcept override;
  // The graceful close of plain TCP and TLS: half-close the sending side, drain until the peer closes.
  void shutdown_tcp();

  std::string remote_; // "127.0.0.1:1883" once connected

private:
  // Resolves host (unless an IP literal) and connects to its addresses in turn.
  void connect_host(const std::string &host, std::uint16_t port);
  void connect_to(const error_code &ec, const tcp_resolver::results_type &results);
  // Tries the next candidate address: opens the socket, binds the source address, connects.
  void connect_next();
  void connected(const error_code &ec);
  // Like step_ok, but a failed resolve or connect of the proxy names the proxy.
  bool tcp_step_ok(const error_code &ec);
  // Sets up the way to the proxy: for socks5 resolves the broker's name first (into tunnel_host_).
  void start_proxy_connect();
  // The TCP connection to the proxy is up: runs the handshake, then tcp_connected().
  void start_proxy_handshake();
  void proxy_write();
  void proxy_read();
  // Like step_ok for the handshake's reads and writes, naming the proxy.
  bool proxy_io_ok(const error_code &ec);
  // Fails the connect with the proxy's answer (why).
  void proxy_failed(const std::string &why);

  std::optional<tcp_resolver> resolver_;
  std::vector<asio::ip::tcp::endpoint> candidates_; // addresses still to try (emptied once connected)
  std::size_t next_candidate_ = 0;
  error_code last_error_; // of the last candidate tried
  std::string tunnel_host_;                    // the host the proxy is asked for (socks5: an address)
  std::unique_ptr<proxy_handshake> handshake_; // during the proxy handshake
  std::vector<std::uint8_t> proxy_input_;      // read buffer of the handshake
};

} // namespace mqtk::net::detail
