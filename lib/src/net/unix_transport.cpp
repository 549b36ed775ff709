// unix:///path: MQTT over a Unix domain stream socket.
#include "cores.hpp"
#include "socket_util.hpp"
#include "transport_core.hpp"

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <sys/un.h>

namespace mqtk::net::detail {
namespace {

using asio::local::stream_protocol;
using unix_socket = asio::basic_stream_socket<stream_protocol, executor_type>;

class unix_core final : public transport_core {
public:
  unix_core(asio::io_context &io, transport_handler &handler,
            std::shared_ptr<const connect_settings> settings)
      : transport_core(io, handler, std::move(settings)), socket_(io) {}

  connection_info info() const override {
    connection_info result;
    result.remote = settings_->target.unix_path;
    return result;
  }

protected:
  void start_connect() override {
    enter_phase(connect_phase::connect);
    auto self = std::static_pointer_cast<unix_core>(shared_from_this());
    const std::string &path = settings_->target.unix_path;
    if (path.empty() || path.size() >= sizeof(sockaddr_un::sun_path)) {
      asio::post(io_, [self] {
        self->connect_failed({failure_kind::connect, make_error_code(errc::invalid_endpoint),
                              "cannot connect to " + self->settings_->display + ": socket path too long"});
      });
      return;
    }
    socket_.async_connect(stream_protocol::endpoint(path), [self](const error_code &ec) {
      if (!self->step_ok(ec))
        return;
      error_code ignored;
      self->socket_.non_blocking(true, ignored); // read_now() must never block
      self->connect_succeeded();
    });
  }

  void start_read() override { start_reactive_read(); }
  void wait_readable() override { socket_.async_wait(unix_socket::wait_read, readiness_handler()); }
  std::size_t read_now(asio::mutable_buffer buffer, error_code &ec, bool &drained) override {
    return read_available(socket_, buffer, ec, drained);
  }
  void start_write() override { asio::async_write(socket_, write_sequence(), write_completion()); }

  void start_shutdown() override {
    error_code ignored;
    socket_.shutdown(unix_socket::shutdown_send, ignored);
    drain_peer();
  }

  void close_stream() noexcept override { discard_and_close(socket_); }

private:
  unix_socket socket_;
};

} // namespace

std::shared_ptr<transport_core> make_unix_core(asio::io_context &io, transport_handler &handler,
                                               std::shared_ptr<const connect_settings> settings) {
  return std::make_shared<unix_core>(io, handler, std::move(settings));
}

} // namespace mqtk::net::detail
