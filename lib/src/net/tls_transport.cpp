// mqtts://: MQTT over TLS over TCP.
#include "cores.hpp"
#include "tcp_core.hpp"
#include "tls_context.hpp"

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <optional>

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

  void start_read() override {
    stream_.async_read_some(read_target(true), guarded{std::static_pointer_cast<tls_core>(shared_from_this()),
                                            read_completion(), &tls_core::read_finished});
  }
  void start_write() override {
    asio::async_write(stream_, write_sequence(),
                      guarded{std::static_pointer_cast<tls_core>(shared_from_this()), write_completion(),
                              &tls_core::write_finished});
  }
  void start_shutdown() override { shutdown_tcp(); }
  failure io_error(const error_code &ec) const override { return tls_io_failure(settings_->display, ec); }
  void close_stream() noexcept override {
    drop_held_write();
    tcp_core::close_stream();
  }

private:
  // How long a held-back write error waits for the pending read (which completes at once once the
  // peer has reset: with the bytes it sent before, or end of stream).
  static constexpr std::chrono::milliseconds hold_limit{1000};

  // A read or write completion routed through tls_core first; keeps the core's handler memory.
  struct guarded {
    using allocator_type = io_completion::allocator_type;
    std::shared_ptr<tls_core> self;
    io_completion inner;
    void (tls_core::*done)(const error_code &, std::size_t, io_completion &);
    allocator_type get_allocator() const noexcept { return inner.get_allocator(); }
    void operator()(const error_code &ec, std::size_t n) { ((*self).*done)(ec, n, inner); }
  };

  // A broker that refuses our certificate after a TLS 1.3 handshake (which the client sees as
  // complete) sends an alert and closes; when our first write was still unread, its kernel answers
  // with a reset. A write that fails with that reset must not hide the alert queued before it: while
  // a read is pending, the write error is held back and the read reports what the peer sent (the
  // alert: a tls failure), or the reset itself if nothing came.
  void write_finished(const error_code &ec, std::size_t n, io_completion &inner) {
    const bool reset = ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
    if (!reset || !read_pending() || held_write_) {
      inner(ec, n);
      return;
    }
    held_write_.emplace(held_write{ec, inner});
    held_timer_.expires_after(hold_limit);
    held_timer_.async_wait(
        [self = std::static_pointer_cast<tls_core>(shared_from_this())](const error_code &e) {
          if (!e)
            self->release_held_write();
        });
  }

  void read_finished(const error_code &ec, std::size_t n, io_completion &inner) {
    if (!held_write_ || n > 0) {
      inner(ec, n); // data first (the handler reads again while the write error stays held)
      return;
    }
    const error_code reset = held_write_->ec;
    drop_held_write();
    const bool tls_error =
        ec.category() == asio::error::get_ssl_category() && ec != asio::ssl::error::stream_truncated;
    inner(tls_error ? ec : reset, 0); // the alert the peer sent before resetting, else the reset
  }

  void release_held_write() {
    if (!held_write_)
      return;
    const error_code reset = held_write_->ec;
    io_completion inner = held_write_->inner;
    drop_held_write();
    inner(reset, 0);
  }

  // Forgets the held write (its completion holds this core: no cycle may outlive the connection).
  void drop_held_write() noexcept {
    held_write_.reset();
    held_timer_.cancel();
  }

  struct held_write {
    error_code ec;
    io_completion inner;
  };

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
  std::optional<held_write> held_write_; // a write's reset, held back while a read may bring the alert
  steady_timer held_timer_{io_};         // bounds that wait
};

} // namespace

std::shared_ptr<transport_core> make_tls_core(asio::io_context &io, transport_handler &handler,
                                              std::shared_ptr<const connect_settings> settings) {
  return std::make_shared<tls_core>(io, handler, std::move(settings));
}

} // namespace mqtk::net::detail
