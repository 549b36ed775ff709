// ws:// and wss://: MQTT over WebSocket (Boost.Beast), binary frames, subprotocol "mqtt". The only
// translation unit that includes Beast.
#include "cores.hpp"
#include "tcp_core.hpp"
#include "tls_context.hpp"
#include "tls_identity.hpp"

#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <type_traits>

namespace mqtk::net::detail {
namespace {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using tls_stream = asio::ssl::stream<tcp_socket>;

template <class Next> class ws_core final : public tcp_core {
  static constexpr bool secure = std::is_same_v<Next, tls_stream>;

public:
  ws_core(asio::io_context &io, transport_handler &handler,
          std::shared_ptr<const connect_settings> settings) requires(!secure)
      : tcp_core(io, handler, std::move(settings)), ws_(io) {}
  ws_core(asio::io_context &io, transport_handler &handler,
          std::shared_ptr<const connect_settings> settings) requires(secure)
      : tcp_core(io, handler, settings), ws_(io, settings->tls->ssl) {}

  connection_info info() const override {
    connection_info result = tcp_core::info();
    if constexpr (secure)
      add_tls_info(const_cast<ws_core *>(this)->ws_.next_layer().native_handle(), result);
    result.ws_subprotocol = subprotocol_;
    return result;
  }

protected:
  tcp_socket &socket() noexcept override {
    if constexpr (secure)
      return ws_.next_layer().next_layer();
    else
      return ws_.next_layer();
  }

  void tcp_connected() override {
    if constexpr (secure) {
      enter_phase(connect_phase::tls_handshake);
      tls_stream &tls = ws_.next_layer();
      prepare_connection(tls.native_handle(), *settings_->tls, settings_->target.host);
      tls.async_handshake(asio::ssl::stream_base::client, [self = shared_self()](const error_code &ec) {
        if (ec && self->connecting()) {
          const auto &s = *self->settings_;
          self->connect_failed(tls_failure(s.display, checked_name(*s.tls, s.target.host), ec,
                                           self->ws_.next_layer().native_handle()));
          return;
        }
        if (!ec && self->connecting())
          if (auto problem = finish_handshake(self->ws_.next_layer().native_handle(), *self->settings_)) {
            self->connect_failed(std::move(*problem));
            return;
          }
        if (self->step_ok(ec))
          self->upgrade();
      });
    } else {
      upgrade();
    }
  }

  void start_read() override {
    if (!ws_.is_message_done())
      nudge();
    ws_.async_read_some(read_target(true), read_completion());
  }
  void start_write() override { ws_.async_write(write_sequence(), write_completion()); }

  void start_shutdown() override {
    closing_ = true;
    ws_.async_close(websocket::close_code::normal, [self = shared_self()](const error_code &) {
      if (!self->read_pending())
        self->finish_shutdown();
    });
  }

  failure io_error(const error_code &ec) const override {
    if (ec == websocket::error::closed)
      return io_failure(settings_->display, asio::error::eof);
    if constexpr (secure)
      return tls_io_failure(settings_->display, ec);
    else
      return io_failure(settings_->display, ec);
  }

private:
  std::shared_ptr<ws_core> shared_self() { return std::static_pointer_cast<ws_core>(shared_from_this()); }

  // Sends a WebSocket ping while a message is still arriving (at most one in flight; none once
  // closing). Some servers send a large message in small pieces, one per turn of their event loop,
  // and turn it only on traffic from the client or a timer: mosquitto 2.0 with libwebsockets sends
  // 4 KiB every 100 ms (a 10 MB message took over 4 minutes). The ping wakes such a server, so the
  // next piece follows at once; any server answers it with a pong, which Beast reads and drops.
  void nudge() {
    if (ping_pending_ || closing_)
      return;
    ping_pending_ = true;
    ws_.async_ping({}, [self = shared_self()](const error_code &) { self->ping_pending_ = false; });
  }

  // The Host header: host[:port], the port left out when it is the scheme's default.
  std::string host_header() const {
    const endpoint &t = settings_->target;
    std::string host = t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
    return t.port == default_port(t.kind) ? host : host + ":" + std::to_string(t.port);
  }

  void upgrade() {
    enter_phase(connect_phase::ws_handshake);
    auto settings = settings_;
    ws_.set_option(websocket::stream_base::decorator([settings](websocket::request_type &request) {
      if (!settings->ws_subprotocol.empty())
        request.set(http::field::sec_websocket_protocol, settings->ws_subprotocol);
      for (const auto &[name, value] : settings->ws_headers)
        request.set(name, value);
    }));
    ws_.binary(true);
    ws_.auto_fragment(false); // one write, one frame
    ws_.read_message_max(0);
    response_ = std::make_unique<websocket::response_type>();
    ws_.async_handshake(*response_, host_header(), settings_->target.path,
                        [self = shared_self()](const error_code &ec) { self->upgraded(ec); });
  }

  void upgraded(const error_code &ec) {
    std::unique_ptr<websocket::response_type> response = std::move(response_);
    if (ec == websocket::error::upgrade_declined && connecting()) {
      std::string status = std::to_string(response->result_int()) + " " + std::string(response->reason());
      connect_failed({failure_kind::connect, make_error_code(errc::websocket_upgrade_failed),
                      "WebSocket upgrade to " + settings_->display + settings_->target.path +
                          " refused: HTTP " + status});
      return;
    }
    if ((ec == http::error::end_of_stream || ec == asio::error::eof) && connecting()) {
      connect_failed({failure_kind::connect, make_error_code(errc::websocket_upgrade_failed),
                      "WebSocket upgrade to " + settings_->display + settings_->target.path +
                          " failed: the server closed the connection (is this a WebSocket port?)"});
      return;
    }
    if (!step_ok(ec))
      return;
    subprotocol_ = std::string((*response)[http::field::sec_websocket_protocol]);
    connect_succeeded();
  }

  websocket::stream<Next> ws_;
  std::unique_ptr<websocket::response_type> response_;
  std::string subprotocol_;
  bool ping_pending_ = false; // a nudge() ping is being written
  bool closing_ = false;      // start_shutdown() began the close handshake
};

} // namespace

std::shared_ptr<transport_core> make_ws_core(asio::io_context &io, transport_handler &handler,
                                             std::shared_ptr<const connect_settings> settings) {
  if (settings->target.kind == scheme::wss)
    return std::make_shared<ws_core<tls_stream>>(io, handler, std::move(settings));
  return std::make_shared<ws_core<tcp_socket>>(io, handler, std::move(settings));
}

} // namespace mqtk::net::detail
