// TCP connection setup shared by the TCP, TLS and WebSocket transports.
#include "tcp_core.hpp"

#include "socket_util.hpp"

#include <boost/asio/connect.hpp>

namespace mqtk::net::detail {
namespace {

using asio::ip::tcp;

std::string format_endpoint(const tcp::endpoint &ep) {
  std::string address = ep.address().to_string();
  if (ep.address().is_v6())
    address = "[" + address + "]";
  return address + ":" + std::to_string(ep.port());
}

} // namespace

void tcp_core::start_connect() {
  const endpoint &target = settings_->target;
  error_code ec;
  asio::ip::address literal = asio::ip::make_address(target.host, ec);
  if (!ec) {
    enter_phase(connect_phase::connect);
    socket().async_connect(tcp::endpoint(literal, target.port),
                           [self = std::static_pointer_cast<tcp_core>(shared_from_this())](
                               const error_code &e) { self->connected(e); });
    return;
  }
  enter_phase(connect_phase::resolve);
  resolver_.emplace(io_);
  resolver_->async_resolve(
      target.host, std::to_string(target.port), tcp_resolver::numeric_service,
      [self = std::static_pointer_cast<tcp_core>(shared_from_this())](
          const error_code &e, const tcp_resolver::results_type &results) { self->connect_to(e, results); });
}

void tcp_core::connect_to(const error_code &ec, const tcp_resolver::results_type &results) {
  resolver_.reset();
  if (!step_ok(ec))
    return;
  enter_phase(connect_phase::connect);
  asio::async_connect(socket(), results,
                      [self = std::static_pointer_cast<tcp_core>(shared_from_this())](
                          const error_code &e, const tcp::endpoint &) { self->connected(e); });
}

void tcp_core::connected(const error_code &ec) {
  if (!step_ok(ec))
    return;
  error_code ignored;
  socket().set_option(tcp::no_delay(true), ignored);
  tcp::endpoint peer = socket().remote_endpoint(ignored);
  remote_ = ignored ? settings_->display : format_endpoint(peer);
  tcp_connected();
}

void tcp_core::close_stream() noexcept {
  if (resolver_)
    resolver_->cancel();
  if (write_pending() && socket().is_open()) {
    // A write is abandoned (the peer stopped reading): reset rather than leave its bytes queued in
    // the kernel, where an orphaned socket would keep probing the peer's zero window for minutes.
    error_code ignored;
    socket().set_option(asio::socket_base::linger(true, 0), ignored);
  }
  discard_and_close(socket());
}

void tcp_core::shutdown_tcp() {
  error_code ignored;
  socket().shutdown(tcp_socket::shutdown_send, ignored);
  drain_peer();
}

connection_info tcp_core::info() const {
  connection_info result;
  result.remote = remote_;
  return result;
}

} // namespace mqtk::net::detail
