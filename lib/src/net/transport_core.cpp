// The transport state machine shared by every stream type.
#include "transport_core.hpp"

#include <boost/asio/post.hpp>

namespace mqtk::net::detail {
namespace {

constexpr std::size_t scratch_size = 4096;

} // namespace

transport_core::transport_core(asio::io_context &io, transport_handler &handler,
                               std::shared_ptr<const connect_settings> settings)
    : io_(io), settings_(std::move(settings)), handler_(&handler), timer_(io), write_timer_(io) {}

void transport_core::async_connect() {
  if (state_ != state::idle)
    return;
  state_ = state::connecting;
  if (settings_->timeout.count() > 0) {
    timer_.expires_after(settings_->timeout);
    timer_.async_wait([self = shared_from_this()](const error_code &ec) {
      if (!ec && self->state_ == state::connecting) {
        self->timed_out_ = true;
        self->close_stream();
      }
    });
  }
  start_connect();
}

bool transport_core::step_ok(const error_code &ec) {
  if (state_ != state::connecting)
    return false;
  if (timed_out_ || ec) {
    connect_failed(connect_failure(settings_->display, phase_, ec));
    return false;
  }
  return true;
}

void transport_core::connect_failed(failure f) {
  if (state_ != state::connecting)
    return;
  if (timed_out_)
    f = timeout_failure(settings_->display, phase_, settings_->timeout);
  fail(f);
}

void transport_core::connect_succeeded() {
  if (state_ != state::connecting)
    return;
  if (timed_out_) {
    connect_failed({});
    return;
  }
  state_ = state::open;
  timer_.cancel();
  handler_->on_connected();
}

void transport_core::async_read(std::span<std::uint8_t> buffer) {
  if (state_ != state::open || read_pending_)
    return;
  buffer_given_ = true;
  read_buffer_ = asio::mutable_buffer(buffer.data(), buffer.size());
  begin_read();
}

void transport_core::async_read() {
  if (state_ != state::open || read_pending_)
    return;
  buffer_given_ = false;
  read_buffer_ = {};
  begin_read();
}

void transport_core::begin_read() {
  read_pending_ = true;
  if (deferred_error_) {
    asio::post(io_, [self = shared_from_this(), ec = deferred_error_] { self->read_done(ec, 0); });
    deferred_error_ = {};
    return;
  }
  start_read();
}

asio::mutable_buffer transport_core::read_target(bool held) {
  if (!buffer_given_ && handler_) {
    const std::span<std::uint8_t> space = handler_->read_space(held);
    read_buffer_ = asio::mutable_buffer(space.data(), space.size());
  }
  return read_buffer_;
}

void transport_core::start_reactive_read() {
  if (readable_)
    asio::post(io_, readiness_handler()); // read at once (from the loop, never inside async_read)
  // else the readiness wait armed when readable_ became false completes into read_ready
}

void transport_core::read_ready(const error_code &ec) {
  if (ec) {
    if (read_pending_)
      read_done(ec, 0); // the socket was closed (operation_aborted) or failed
    return;
  }
  readable_ = true;
  if (!read_pending_)
    return; // read later, without waiting: the bytes are still there
  const asio::mutable_buffer buffer = read_target(false);
  if (buffer.size() == 0) {
    read_done(asio::error::no_buffer_space, 0);
    return;
  }
  error_code read_ec;
  bool drained = false;
  const std::size_t n = read_now(buffer, read_ec, drained);
  if (read_ec == asio::error::would_block || (!read_ec && drained)) {
    readable_ = false;
    wait_readable(); // armed before the loop polls again, so no edge is lost
    if (read_ec)
      return;
  }
  read_done(read_ec, n);
}

void transport_core::read_done(const error_code &ec, std::size_t n) {
  read_pending_ = false;
  if (state_ == state::shutting_down) {
    if (ec)
      finish_shutdown();
    else
      drain_peer();
    return;
  }
  if (state_ != state::open)
    return;
  if (n == 0 && !ec) {
    read_pending_ = true; // an empty WebSocket message: keep waiting for bytes
    start_read();
    return;
  }
  if (ec && n == 0) {
    fail(io_error(ec));
    return;
  }
  deferred_error_ = ec;
  handler_->on_read(n);
}

void transport_core::async_write(std::span<const bytes_view> buffers) {
  if (state_ != state::open || write_pending_)
    return;
  write_pending_ = true;
  write_buffers_.clear();
  for (const auto &b : buffers)
    write_buffers_.emplace_back(b.data(), b.size());
  if (write_timeout_.count() > 0) {
    write_started_ = std::chrono::steady_clock::now();
    watch_write();
  }
  start_write();
}

void transport_core::set_write_timeout(std::chrono::milliseconds timeout) noexcept {
  write_timeout_ = timeout;
  if (state_ == state::open && write_pending_ && timeout.count() > 0)
    watch_write();
}

// The timer is not re-armed per write: one already armed for an earlier or equal time stays, and
// when it fires it checks the write pending then, if any, and waits again for that write's deadline.
void transport_core::watch_write() {
  const auto due = write_started_ + write_timeout_;
  if (!write_timer_armed_ || due < write_timer_expiry_)
    arm_write_timer(due);
}

void transport_core::arm_write_timer(std::chrono::steady_clock::time_point when) {
  write_timer_armed_ = true;
  write_timer_expiry_ = when;
  write_timer_.expires_at(when); // a wait already pending completes with operation_aborted
  write_timer_.async_wait([self = shared_from_this()](const error_code &ec) {
    if (ec)
      return;
    self->write_timer_armed_ = false;
    self->check_write();
  });
}

void transport_core::check_write() {
  if (state_ != state::open || !write_pending_ || write_timeout_.count() <= 0)
    return;
  const auto due = write_started_ + write_timeout_;
  if (std::chrono::steady_clock::now() >= due) {
    fail(write_timeout_failure(settings_->display, write_timeout_));
    return;
  }
  arm_write_timer(due);
}

void transport_core::write_done(const error_code &ec, std::size_t n) {
  write_pending_ = false;
  if (state_ != state::open)
    return;
  if (ec) {
    fail(io_error(ec));
    return;
  }
  handler_->on_written(n);
}

void transport_core::async_shutdown(std::chrono::milliseconds linger) {
  if (state_ == state::closed || state_ == state::shutting_down)
    return;
  bool was_open = state_ == state::open;
  state_ = state::shutting_down;
  timer_.cancel();
  if (!was_open) {
    close_stream();
    asio::post(io_, [self = shared_from_this()] { self->finish_shutdown(); });
    return;
  }
  timer_.expires_after(linger);
  timer_.async_wait([self = shared_from_this()](const error_code &ec) {
    if (!ec)
      self->finish_shutdown();
  });
  start_shutdown();
}

void transport_core::drain_peer() {
  if (state_ != state::shutting_down || read_pending_)
    return;
  if (!scratch_)
    scratch_ = std::make_unique_for_overwrite<std::uint8_t[]>(scratch_size);
  read_pending_ = true;
  buffer_given_ = true;
  read_buffer_ = asio::mutable_buffer(scratch_.get(), scratch_size);
  start_read();
}

void transport_core::finish_shutdown() {
  if (state_ != state::shutting_down)
    return;
  state_ = state::closed;
  timer_.cancel();
  write_timer_.cancel();
  close_stream();
  transport_handler *handler = handler_;
  handler_ = nullptr;
  handler->on_closed();
}

void transport_core::fail(const failure &f) {
  state_ = state::closed;
  timer_.cancel();
  write_timer_.cancel();
  close_stream();
  transport_handler *handler = handler_;
  handler_ = nullptr;
  handler->on_error(f);
}

void transport_core::close() noexcept {
  if (state_ == state::closed)
    return;
  state_ = state::closed;
  handler_ = nullptr;
  timer_.cancel();
  write_timer_.cancel();
  close_stream();
}

} // namespace mqtk::net::detail
