// mqtts://: MQTT over TLS over TCP. OpenSSL works on the socket itself (tls_socket_bio) and the core
// waits for readiness, so a connection keeps only OpenSSL's own state: no Asio ssl::stream buffers,
// and with tls_release_idle_buffers no record buffers either while it is idle.
#include "cores.hpp"
#include "tcp_core.hpp"
#include "tls_context.hpp"
#include "tls_identity.hpp"
#include "tls_session_pool.hpp"
#include "tls_socket_bio.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <chrono>
#include <optional>

namespace mqtk::net::detail {
namespace {

struct ssl_free {
  void operator()(SSL *ssl) const noexcept { SSL_free(ssl); }
};

// The error of a failed OpenSSL call with result, in the terms Asio's ssl::stream used (so that
// tls_failure and tls_io_failure read them alike): a TLS error in the ssl category, an end of
// stream without close_notify as stream_truncated, close_notify as eof, a socket error as itself.
error_code ssl_error(SSL *ssl, int result, int saved_errno) {
  const int kind = SSL_get_error(ssl, result);
  const unsigned long code = ERR_get_error();
  switch (kind) {
  case SSL_ERROR_WANT_READ:
  case SSL_ERROR_WANT_WRITE:
    return asio::error::would_block;
  case SSL_ERROR_ZERO_RETURN:
    return asio::error::eof;
  case SSL_ERROR_SSL:
    if (ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
      return asio::ssl::error::stream_truncated;
    return {static_cast<int>(code), asio::error::get_ssl_category()};
  case SSL_ERROR_SYSCALL:
    if (code != 0)
      return {static_cast<int>(code), asio::error::get_ssl_category()};
    if (saved_errno != 0)
      return {saved_errno, boost::system::system_category()};
    return asio::ssl::error::stream_truncated;
  default:
    return asio::ssl::error::unexpected_result;
  }
}

class tls_core final : public tcp_core {
public:
  tls_core(asio::io_context &io, transport_handler &handler, std::shared_ptr<const connect_settings> settings)
      : tcp_core(io, handler, std::move(settings)), socket_(io) {}

  connection_info info() const override {
    connection_info result = tcp_core::info();
    if (ssl_)
      add_tls_info(ssl_.get(), result);
    return result;
  }

protected:
  tcp_socket &socket() noexcept override { return socket_; }

  void tcp_connected() override {
    enter_phase(connect_phase::tls_handshake);
    error_code ec;
    socket_.non_blocking(true, ec);
    ssl_.reset(SSL_new(settings_->tls->ssl.native_handle()));
    BIO *bio = ssl_ ? make_socket_bio(socket_.native_handle()) : nullptr;
    if (!bio) {
      connect_failed({failure_kind::tls, make_error_code(errc::tls_handshake_failed),
                      "TLS handshake with " + settings_->display + " failed: out of memory"});
      return;
    }
    SSL_set_bio(ssl_.get(), bio, bio);
    long mode = SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
    if (settings_->tls_release_idle_buffers)
      mode |= SSL_MODE_RELEASE_BUFFERS;
    SSL_set_mode(ssl_.get(), mode);
    prepare_connection(ssl_.get(), *settings_->tls, settings_->target.host);
    if (settings_->tls_sessions)
      if (SSL_SESSION *session = settings_->tls_sessions->take()) {
        SSL_set_session(ssl_.get(), session); // a TLS 1.3 ticket; the server may still refuse it
        SSL_SESSION_free(session);
      }
    SSL_set_connect_state(ssl_.get());
    handshake();
  }

  void start_read() override { start_reactive_read(); }

  void wait_readable() override {
    // SSL_read may need to write first (a key update answered into a full socket).
    socket_.async_wait(read_wants_write_ ? tcp_socket::wait_write : tcp_socket::wait_read, readiness_handler());
  }

  std::size_t read_now(asio::mutable_buffer buffer, error_code &ec, bool &drained) override {
    drained = false; // a record read leaves the next ones in the socket: read until SSL says so
    read_wants_write_ = false;
    ERR_clear_error();
    errno = 0;
    std::size_t n = 0;
    const int result = SSL_read_ex(ssl_.get(), buffer.data(), buffer.size(), &n);
    if (result == 1)
      return n;
    const int saved_errno = errno;
    read_wants_write_ = SSL_get_error(ssl_.get(), result) == SSL_ERROR_WANT_WRITE;
    ec = ssl_error(ssl_.get(), result, saved_errno);
    if (ec == asio::error::would_block) {
      release_idle_buffers();
      return 0;
    }
    if (held_write_) {
      // The alert the peer sent before resetting (a tls failure), else the write's reset.
      const error_code reset = held_write_->ec;
      drop_held_write();
      const bool tls_error =
          ec.category() == asio::error::get_ssl_category() && ec != asio::ssl::error::stream_truncated;
      if (!tls_error)
        ec = reset;
    }
    return 0;
  }

  void start_write() override {
    write_index_ = 0;
    write_offset_ = 0;
    write_total_ = 0;
    continue_write(true);
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

  std::shared_ptr<tls_core> self() { return std::static_pointer_cast<tls_core>(shared_from_this()); }

  // Frees OpenSSL's record buffers while nothing is buffered in them (SSL_free_buffers refuses
  // otherwise); SSL_MODE_RELEASE_BUFFERS alone keeps the read buffer after TLS 1.3's tickets.
  void release_idle_buffers() {
    if (settings_->tls_release_idle_buffers)
      SSL_free_buffers(ssl_.get());
  }

  void handshake() {
    ERR_clear_error();
    errno = 0;
    const int result = SSL_do_handshake(ssl_.get());
    if (result == 1) {
      if (auto problem = finish_handshake(ssl_.get(), *settings_)) {
        connect_failed(std::move(*problem));
        return;
      }
      if (settings_->tls_sessions)
        settings_->tls_sessions->feed_from(ssl_.get()); // checked: its tickets may be resumed
      release_idle_buffers();
      connect_succeeded();
      return;
    }
    const int kind = SSL_get_error(ssl_.get(), result);
    if (kind == SSL_ERROR_WANT_READ || kind == SSL_ERROR_WANT_WRITE) {
      socket_.async_wait(kind == SSL_ERROR_WANT_READ ? tcp_socket::wait_read : tcp_socket::wait_write,
                         [self = self()](const error_code &ec) {
                           if (self->step_ok(ec))
                             self->handshake();
                         });
      return;
    }
    const error_code ec = ssl_error(ssl_.get(), result, errno);
    if (connecting()) {
      const std::string &name = checked_name(*settings_->tls, settings_->target.host);
      connect_failed(tls_failure(settings_->display, name, ec, ssl_.get()));
      return;
    }
    step_ok(ec);
  }

  // Writes the rest of write_sequence(); waits for the socket when it is full. first: called from
  // async_write, so a write done at once completes through the loop.
  void continue_write(bool first) {
    const auto buffers = write_sequence();
    while (write_index_ < buffers.size()) {
      const asio::const_buffer &b = buffers[write_index_];
      if (write_offset_ == b.size()) {
        ++write_index_;
        write_offset_ = 0;
        continue;
      }
      ERR_clear_error();
      errno = 0;
      std::size_t n = 0;
      const int result = SSL_write_ex(ssl_.get(), static_cast<const char *>(b.data()) + write_offset_,
                                      b.size() - write_offset_, &n);
      if (result == 1) {
        write_offset_ += n;
        write_total_ += n;
        continue;
      }
      const int kind = SSL_get_error(ssl_.get(), result);
      if (kind == SSL_ERROR_WANT_WRITE || kind == SSL_ERROR_WANT_READ) {
        socket_.async_wait(kind == SSL_ERROR_WANT_WRITE ? tcp_socket::wait_write : tcp_socket::wait_read,
                           memory_handler(write_memory(), [self = self()](const error_code &ec) {
                             if (ec)
                               self->write_finished(ec);
                             else
                               self->continue_write(false);
                           }));
        return;
      }
      const error_code ec = ssl_error(ssl_.get(), result, errno);
      if (first)
        post_write_result(ec);
      else
        write_finished(ec);
      return;
    }
    if (first)
      post_write_result({});
    else
      write_finished({});
  }

  void post_write_result(const error_code &ec) {
    asio::post(io_, memory_handler(write_memory(), [self = self(), ec] { self->write_finished(ec); }));
  }

  // A broker that refuses our certificate after a TLS 1.3 handshake (which the client sees as
  // complete) sends an alert and closes; when our first write was still unread, its kernel answers
  // with a reset. A write that fails with that reset must not hide the alert queued before it: while
  // a read is pending, the write error is held back and the read reports what the peer sent (the
  // alert: a tls failure), or the reset itself if nothing came.
  void write_finished(const error_code &ec) {
    const bool reset = ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
    if (!reset || !read_pending() || held_write_) {
      if (!ec)
        release_idle_buffers(); // refused while a read left bytes in OpenSSL
      write_completion()(ec, ec ? 0 : write_total_);
      return;
    }
    held_write_.emplace(held_write{ec});
    held_timer_.expires_after(hold_limit);
    held_timer_.async_wait([self = self()](const error_code &e) {
      if (!e)
        self->release_held_write();
    });
  }

  void release_held_write() {
    if (!held_write_)
      return;
    const error_code reset = held_write_->ec;
    drop_held_write();
    write_completion()(reset, 0);
  }

  void drop_held_write() noexcept {
    held_write_.reset();
    held_timer_.cancel();
  }

  struct held_write {
    error_code ec;
  };

  tcp_socket socket_;
  std::unique_ptr<SSL, ssl_free> ssl_;
  bool read_wants_write_ = false;
  std::size_t write_index_ = 0, write_offset_ = 0, write_total_ = 0; // progress through write_sequence()
  std::optional<held_write> held_write_; // a write's reset, held back while a read may bring the alert
  steady_timer held_timer_{io_};         // bounds that wait
};

} // namespace

std::shared_ptr<transport_core> make_tls_core(asio::io_context &io, transport_handler &handler,
                                              std::shared_ptr<const connect_settings> settings) {
  return std::make_shared<tls_core>(io, handler, std::move(settings));
}

} // namespace mqtk::net::detail
