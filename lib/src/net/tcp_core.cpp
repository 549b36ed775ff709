// TCP connection setup shared by the TCP, TLS and WebSocket transports.
#include "tcp_core.hpp"

#include "socket_util.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <string_view>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24 // Linux 4.2
#endif

namespace mqtk::net::detail {
namespace {

using asio::ip::tcp;

// Binds socket to source with port 0, the port chosen at connect time (IP_BIND_ADDRESS_NO_PORT), so
// that one source address serves as many connections as the 4-tuples allow, not one per port.
error_code bind_source(tcp_socket &socket, const asio::ip::address &source) {
  const int on = 1;
  ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
  error_code ec;
  socket.bind(tcp::endpoint(source, 0), ec);
  return ec;
}

// Whether host is "localhost" (any case, with or without the root's trailing dot). RFC 6761 §6.3:
// name resolution libraries SHOULD always return the loopback addresses for it, never ask a
// resolver; so the connection skips the lookup, which costs a start a resolver thread and four
// configuration files (0.12 ms and 11 page faults of a one-shot publish, docs/performance.md).
bool is_localhost(const std::string &host) {
  static constexpr std::string_view name = "localhost";
  const std::size_t n = host.size() == name.size() + 1 && host.back() == '.' ? name.size() : host.size();
  if (n != name.size())
    return false;
  for (std::size_t i = 0; i < n; ++i)
    if ((host[i] | 0x20) != name[i])
      return false;
  return true;
}

std::string format_endpoint(const tcp::endpoint &ep) {
  std::string address = ep.address().to_string();
  if (ep.address().is_v6())
    address = "[" + address + "]";
  return address + ":" + std::to_string(ep.port());
}

} // namespace

void tcp_core::start_connect() {
  if (settings_->proxy.type != proxy_type::none) {
    start_proxy_connect();
    return;
  }
  connect_host(settings_->target.host, settings_->target.port);
}

void tcp_core::connect_host(const std::string &host, std::uint16_t port) {
  error_code ec;
  asio::ip::address literal = asio::ip::make_address(host, ec);
  if (!ec) {
    candidates_.emplace_back(literal, port);
    enter_phase(connect_phase::connect);
    connect_next();
    return;
  }
  if (is_localhost(host)) { // IPv4 first, as getaddrinfo orders them; ::1 where IPv6 is there
    candidates_.emplace_back(asio::ip::address_v4::loopback(), port);
    candidates_.emplace_back(asio::ip::address_v6::loopback(), port);
    enter_phase(connect_phase::connect);
    connect_next();
    return;
  }
  enter_phase(connect_phase::resolve);
  resolver_.emplace(io_);
  resolver_->async_resolve(
      host, std::to_string(port), tcp_resolver::numeric_service,
      [self = std::static_pointer_cast<tcp_core>(shared_from_this())](
          const error_code &e, const tcp_resolver::results_type &results) { self->connect_to(e, results); });
}

void tcp_core::connect_to(const error_code &ec, const tcp_resolver::results_type &results) {
  resolver_.reset();
  if (!tcp_step_ok(ec))
    return;
  enter_phase(connect_phase::connect);
  for (const auto &entry : results)
    candidates_.push_back(entry.endpoint());
  connect_next();
}

void tcp_core::connect_next() {
  const std::string &local = settings_->local_address;
  const asio::ip::address source = local.empty() ? asio::ip::address() : asio::ip::make_address(local);
  // With a source address, only the addresses of its family can be reached from it.
  while (next_candidate_ < candidates_.size() && !local.empty() &&
         candidates_[next_candidate_].address().is_v4() != source.is_v4())
    ++next_candidate_;
  if (next_candidate_ >= candidates_.size()) {
    if (last_error_) {
      tcp_step_ok(last_error_);
      return;
    }
    connect_failed({failure_kind::connect, std::make_error_code(std::errc::address_family_not_supported),
                    "cannot connect to " + settings_->display + " from source address " + local + ": no " +
                        (source.is_v4() ? "IPv4" : "IPv6") + " address to connect to"});
    return;
  }
  const tcp::endpoint peer = candidates_[next_candidate_++];
  error_code ec;
  socket().close(ec);
  socket().open(peer.protocol(), ec);
  if (ec == boost::system::errc::address_family_not_supported && last_error_) {
    connect_next(); // no IPv6 here: report what the earlier address answered
    return;
  }
  if (ec) {
    step_ok(ec); // e.g. EMFILE: out of file descriptors
    return;
  }
  if (!local.empty())
    ec = bind_source(socket(), source);
  if (ec) {
    const bool not_local = ec == boost::system::errc::address_not_available;
    connect_failed({failure_kind::connect, not_local ? make_error_code(errc::source_address_unavailable) : to_std(ec),
                    "cannot bind source address " + local + " to connect to " + settings_->display + ": " +
                        ec.message() + (not_local ? " (it is not an address of this machine)" : "")});
    return;
  }
  socket().async_connect(peer, [self = std::static_pointer_cast<tcp_core>(shared_from_this())](
                                   const error_code &e) { self->connected(e); });
}

void tcp_core::connected(const error_code &ec) {
  if (ec && connecting() && next_candidate_ < candidates_.size()) {
    last_error_ = ec;
    connect_next();
    return;
  }
  if (!tcp_step_ok(ec))
    return;
  std::vector<tcp::endpoint>().swap(candidates_);
  error_code ignored;
  socket().set_option(tcp::no_delay(true), ignored);
  tcp::endpoint peer = socket().remote_endpoint(ignored);
  remote_ = ignored ? settings_->display : format_endpoint(peer);
  if (settings_->proxy.type != proxy_type::none) {
    start_proxy_handshake();
    return;
  }
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
