// mqtts://: MQTT over TLS over TCP.
#include "cores.hpp"
#include "tcp_core.hpp"
#include "tls_context.hpp"

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

namespace mqtk::net::detail {
namespace {

class tls_core final : public tcp_core {
public:
  tls_core(asio::io_context &io, transport_handler &handler, std::shared_ptr<const connect_settings> settings)
      : tcp_core(io, handler, settings), stream_(io, settings->tls->ssl) {}

  connection_info info() const override {
    connection_info result = tcp_core::info();
    add_tls_info(const_cast<tls_core *>(this)->stream_.native_handle(), result);
    return result;
  }

protected:
  tcp_socket &socket() noexcept override { return stream_.next_layer(); }

  void tcp_connected() override {
    enter_phase(connect_phase::tls_handshake);
    prepare_connection(stream_.native_handle(), *settings_->tls, settings_->target.host);
    stream_.async_handshake(asio::ssl::stream_base::client,
                            [self = std::static_pointer_cast<tls_core>(shared_from_this())](
                                const error_code &ec) { self->handshake_done(ec); });
  }

  void start_read(asio::mutable_buffer buffer) override {
    stream_.async_read_some(buffer, read_completion());
  }
  void start_write() override { asio::async_write(stream_, write_sequence(), write_completion()); }
  void start_shutdown() override { shutdown_tcp(); }
  failure io_error(const error_code &ec) const override { return tls_io_failure(settings_->display, ec); }

private:
  void handshake_done(const error_code &ec) {
    if (ec && connecting()) {
      const std::string &name = checked_name(*settings_->tls, settings_->target.host);
      connect_failed(tls_failure(settings_->display, name, ec, stream_.native_handle()));
      return;
    }
    if (step_ok(ec))
      connect_succeeded();
  }

  asio::ssl::stream<tcp_socket> stream_;
};

} // namespace

std::shared_ptr<transport_core> make_tls_core(asio::io_context &io, transport_handler &handler,
                                              std::shared_ptr<const connect_settings> settings) {
  return std::make_shared<tls_core>(io, handler, std::move(settings));
}

} // namespace mqtk::net::detail
