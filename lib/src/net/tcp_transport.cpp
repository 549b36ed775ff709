// mqtt://: MQTT over plain TCP.
#include "cores.hpp"
#include "socket_util.hpp"
#include "stamped_read.hpp"
#include "tcp_core.hpp"

#include <boost/asio/write.hpp>

#include <cerrno>

namespace mqtk::net::detail {
namespace {

class plain_tcp_core final : public tcp_core {
public:
  plain_tcp_core(asio::io_context &io, transport_handler &handler,
                 std::shared_ptr<const connect_settings> settings)
      : tcp_core(io, handler, std::move(settings)), socket_(io) {}

  std::uint64_t read_arrival_ns() const noexcept override { return arrival_ns_; }

protected:
  tcp_socket &socket() noexcept override { return socket_; }
  void tcp_connected() override {
    stamped_ = settings_->arrival_timestamps && enable_receive_timestamps(socket_.native_handle());
    error_code ignored;
    socket_.non_blocking(true, ignored); // read_now() must never block
    connect_succeeded();
  }
  void start_read() override { start_reactive_read(); }
  void wait_readable() override { socket_.async_wait(tcp_socket::wait_read, readiness_handler()); }
  // The read system call of plain TCP (one read of what has arrived; with arrival_timestamps a
  // recvmsg that also takes the kernel's stamp of the newest bytes).
  std::size_t read_now(asio::mutable_buffer buffer, error_code &ec, bool &drained) override {
    if (!stamped_)
      return read_available(socket_, buffer, ec, drained);
    const stamped_read r = read_stamped(socket_.native_handle(), buffer.data(), buffer.size());
    ec = r.error == EAGAIN ? error_code(asio::error::would_block)
         : r.eof           ? error_code(asio::error::eof)
         : r.error         ? error_code(r.error, boost::system::system_category())
                           : error_code();
    if (r.bytes > 0)
      arrival_ns_ = r.arrival_ns; // 0 when the bytes came without a stamp: the client reads the clock
    drained = !ec && r.bytes < buffer.size();
    return r.bytes;
  }
  void start_write() override { asio::async_write(socket_, write_sequence(), write_completion()); }
  void start_shutdown() override { shutdown_tcp(); }

private:
  tcp_socket socket_;
  bool stamped_ = false;        // reads go through recvmsg with the kernel's receive timestamp
  std::uint64_t arrival_ns_ = 0; // that timestamp for the last read; 0: none
};

} // namespace

std::shared_ptr<transport_core> make_tcp_core(asio::io_context &io, transport_handler &handler,
                                              std::shared_ptr<const connect_settings> settings) {
  return std::make_shared<plain_tcp_core>(io, handler, std::move(settings));
}

} // namespace mqtk::net::detail
