// mqtt://: MQTT over plain TCP.
#include "cores.hpp"
#include "stamped_read.hpp"
#include "tcp_core.hpp"

#include <boost/asio/post.hpp>
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
    connect_succeeded();
  }
  void start_read(asio::mutable_buffer buffer) override {
    if (stamped_)
      read_stamped_or_wait(buffer, read_completion(), false);
    else
      socket_.async_read_some(buffer, read_completion());
  }
  void start_write() override { asio::async_write(socket_, write_sequence(), write_completion()); }
  void start_shutdown() override { shutdown_tcp(); }

private:
  // A stamped read that found nothing: reads again once the socket is readable.
  struct when_readable {
    using allocator_type = io_completion::allocator_type;
    allocator_type get_allocator() const noexcept { return done.get_allocator(); }
    void operator()(const error_code &ec) {
      if (ec)
        done(ec, 0);
      else
        core->read_stamped_or_wait(buffer, std::move(done), true);
    }
    plain_tcp_core *core; // kept alive by done
    io_completion done;
    asio::mutable_buffer buffer;
  };
  // A stamped read that completed at once, delivered from the loop (never inside start_read).
  struct completed_read {
    using allocator_type = io_completion::allocator_type;
    allocator_type get_allocator() const noexcept { return done.get_allocator(); }
    void operator()() { done(ec, bytes); }
    io_completion done;
    error_code ec;
    std::size_t bytes;
  };

  // recvmsg with the kernel's timestamp (the socket has SO_TIMESTAMPNS); completes into done, or
  // waits for readability when nothing is there. in_completion: called from a completion handler,
  // so done may run at once.
  void read_stamped_or_wait(asio::mutable_buffer buffer, io_completion done, bool in_completion) {
    const stamped_read r = read_stamped(socket_.native_handle(), buffer.data(), buffer.size());
    if (r.error == EAGAIN) {
      socket_.async_wait(tcp_socket::wait_read, when_readable{this, std::move(done), buffer});
      return;
    }
    if (r.bytes > 0)
      arrival_ns_ = r.arrival_ns;
    const error_code ec = r.eof     ? error_code(asio::error::eof)
                          : r.error ? error_code(r.error, boost::system::system_category())
                                    : error_code();
    if (in_completion)
      done(ec, r.bytes);
    else
      asio::post(io_, completed_read{std::move(done), ec, r.bytes});
  }

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
