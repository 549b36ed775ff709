// mqtt://: MQTT over plain TCP.
#include "cores.hpp"
#include "socket_util.hpp"
#include "tcp_core.hpp"

#include <boost/asio/write.hpp>

namespace mqtk::net::detail {
namespace {

class plain_tcp_core final : public tcp_core {
public:
  plain_tcp_core(asio::io_context &io, transport_handler &handler,
                 std::shared_ptr<const connect_settings> settings)
      : tcp_core(io, handler, std::move(settings)), socket_(io) {}

protected:
  tcp_socket &socket() noexcept override { return socket_; }
  void tcp_connected() override {
    error_code ignored;
    socket_.non_blocking(true, ignored); // read_now() must never block
    connect_succeeded();
  }
  void start_read() override { start_reactive_read(); }
  void wait_readable() override { socket_.async_wait(tcp_socket::wait_read, readiness_handler()); }
  // The read system call of plain TCP (one read_some of what has arrived).
  std::size_t read_now(asio::mutable_buffer buffer, error_code &ec, bool &drained) override {
    return read_available(socket_, buffer, ec, drained);
  }
  void start_write() override { asio::async_write(socket_, write_sequence(), write_completion()); }
  void start_shutdown() override { shutdown_tcp(); }

private:
  tcp_socket socket_;
};

} // namespace

std::shared_ptr<transport_core> make_tcp_core(asio::io_context &io, transport_handler &handler,
                                              std::shared_ptr<const connect_settings> settings) {
  return std::make_shared<plain_tcp_core>(io, handler, std::move(settings));
}

} // namespace mqtk::net::detail
