// The proxy part of tcp_core: connecting to the proxy instead of the broker and running the SOCKS5
// or HTTP CONNECT handshake (proxy_handshake) before the TLS, WebSocket or MQTT bytes.
#include "tcp_core.hpp"

#include <boost/asio/write.hpp>

namespace mqtk::net::detail {
namespace {

constexpr std::size_t proxy_read_size = 512;

const char *proxy_protocol_name(proxy_type type) {
  return type == proxy_type::http ? "HTTP" : "SOCKS5";
}

std::string bracketed(const std::string &host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// The address socks5:// asks the proxy for: the first IPv4 one (what a proxy reaches most often, as
// "localhost" is both 127.0.0.1 and ::1), else the first.
std::string preferred_address(const tcp_resolver::results_type &results) {
  for (const auto &entry : results)
    if (entry.endpoint().address().is_v4())
      return entry.endpoint().address().to_string();
  return results.begin()->endpoint().address().to_string();
}

} // namespace

std::string apply_proxy(const proxy_options &proxy, const endpoint &target, connect_settings &settings) {
  if (proxy.type == proxy_type::none)
    return {};
  if (target.kind == scheme::unix_socket)
    return "a Unix socket connection cannot go through a proxy";
  if (proxy.host.empty() || proxy.port == 0)
    return "missing proxy host name or port";
  settings.proxy = proxy;
  settings.proxy_display = std::string(proxy_protocol_name(proxy.type)) + " proxy " + bracketed(proxy.host) +
                           ":" + std::to_string(proxy.port);
  return {};
}

void tcp_core::start_proxy_connect() {
  const endpoint &target = settings_->target;
  error_code ec;
  asio::ip::make_address(target.host, ec);
  if (settings_->proxy.type != proxy_type::socks5 || !ec) {
    tunnel_host_ = target.host; // socks5h and HTTP send the name; an address goes as it is
    connect_host(settings_->proxy.host, settings_->proxy.port);
    return;
  }
  // socks5://: the broker's name is resolved here and the proxy gets its first address.
  enter_phase(connect_phase::resolve);
  resolver_.emplace(io_);
  resolver_->async_resolve(target.host, std::to_string(target.port), tcp_resolver::numeric_service,
                           [self = std::static_pointer_cast<tcp_core>(shared_from_this())](
                               const error_code &e, const tcp_resolver::results_type &results) {
                             self->resolver_.reset();
                             if (!self->step_ok(e ? e : results.empty() ? asio::error::host_not_found : e))
                               return;
                             self->tunnel_host_ = preferred_address(results);
                             self->connect_host(self->settings_->proxy.host, self->settings_->proxy.port);
                           });
}

bool tcp_core::tcp_step_ok(const error_code &ec) {
  if (settings_->proxy.type == proxy_type::none || !ec || !connecting())
    return step_ok(ec);
  const proxy_options &proxy = settings_->proxy;
  failure f = connect_failure(phase() == connect_phase::resolve
                                  ? bracketed(proxy.host) + ":" + std::to_string(proxy.port)
                                  : settings_->proxy_display,
                              phase(), ec);
  if (phase() == connect_phase::resolve)
    f.message.insert(std::string_view("cannot resolve ").size(), "proxy ");
  connect_failed(std::move(f));
  return false;
}

void tcp_core::start_proxy_handshake() {
  enter_phase(connect_phase::proxy_handshake);
  const proxy_options &proxy = settings_->proxy;
  handshake_ = std::make_unique<proxy_handshake>(
      proxy.type == proxy_type::http ? proxy_protocol::http : proxy_protocol::socks5, tunnel_host_,
      settings_->target.port, proxy.username, proxy.password);
  proxy_write();
}

void tcp_core::proxy_write() {
  asio::async_write(
      socket(), asio::buffer(handshake_->output()),
      [self = std::static_pointer_cast<tcp_core>(shared_from_this())](const error_code &ec, std::size_t) {
        if (!self->proxy_io_ok(ec))
          return;
        self->handshake_->output().clear();
        self->proxy_read();
      });
}

void tcp_core::proxy_read() {
  proxy_input_.resize(proxy_read_size);
  socket().async_read_some(asio::buffer(proxy_input_), [self = std::static_pointer_cast<tcp_core>(
                                                            shared_from_this())](const error_code &ec,
                                                                                 std::size_t n) {
    if (!self->proxy_io_ok(ec))
      return;
    switch (self->handshake_->feed(std::span<const std::uint8_t>(self->proxy_input_.data(), n))) {
    case proxy_status::more:
      if (self->handshake_->output().empty())
        self->proxy_read();
      else
        self->proxy_write();
      return;
    case proxy_status::failed:
      self->proxy_failed(self->handshake_->error());
      return;
    case proxy_status::done:
      break;
    }
    // The broker waits for the client's first bytes (MQTT CONNECT, TLS ClientHello, the
    // WebSocket upgrade): anything past the proxy's answer is not from a healthy tunnel.
    if (const std::size_t extra = self->handshake_->leftover().size(); extra > 0) {
      self->proxy_failed("the proxy sent " + std::to_string(extra) + " unexpected bytes after its answer");
      return;
    }
    self->handshake_.reset();
    std::vector<std::uint8_t>().swap(self->proxy_input_);
    const std::string &proxy = self->settings_->proxy_display;
    const bool literal =
        proxy.size() > self->remote_.size() &&
        proxy.compare(proxy.size() - self->remote_.size(), std::string::npos, self->remote_) == 0;
    self->remote_ =
        self->settings_->display + " through " + proxy + (literal ? "" : " (" + self->remote_ + ")");
    self->tcp_connected();
  });
}

bool tcp_core::proxy_io_ok(const error_code &ec) {
  if (!ec || !connecting())
    return step_ok(ec);
  proxy_failed(ec == asio::error::eof ? "the proxy closed the connection during its handshake"
                                      : ec.message());
  return false;
}

void tcp_core::proxy_failed(const std::string &why) {
  connect_failed(
      {failure_kind::connect, make_error_code(errc::proxy_failed),
       "cannot connect to " + settings_->display + " through " + settings_->proxy_display + ": " + why});
}

} // namespace mqtk::net::detail
