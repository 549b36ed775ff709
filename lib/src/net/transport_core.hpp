#pragma once

// The state machine shared by every transport: connect timeout, one read and one write in flight,
// graceful shutdown, and the rule that no callback follows close(). Stream types derive from it.

#include "failure.hpp"
#include "handler_memory.hpp"
#include "settings.hpp"

#include "mqtk/net/transport.hpp"

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <span>
#include <vector>

namespace mqtk::net::detail {

namespace asio = boost::asio;
using boost::system::error_code;

// The concrete io_context executor for every I/O object: unlike the type-erased any_io_executor,
// completions of composed operations (TLS, WebSocket) then run without wrapping and allocating.
using executor_type = asio::io_context::executor_type;
// A steady-clock timer on executor_type.
using steady_timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                                asio::wait_traits<std::chrono::steady_clock>, executor_type>;

// Base of the stream-specific transports. Owned through shared_ptr by the public transport object
// and by each pending operation, so completions arriving after close() find it alive.
class transport_core : public std::enable_shared_from_this<transport_core> {
public:
  // A transport on io for settings, reporting to handler.
  transport_core(asio::io_context &io, transport_handler &handler,
                 std::shared_ptr<const connect_settings> settings);
  virtual ~transport_core() = default;
  transport_core(const transport_core &) = delete;
  transport_core &operator=(const transport_core &) = delete;

  // See transport::async_connect.
  void async_connect();
  // See transport::async_read.
  void async_read(std::span<std::uint8_t> buffer);
  // See transport::async_read (without a buffer).
  void async_read();
  // See transport::async_write.
  void async_write(std::span<const bytes_view> buffers);
  // See transport::async_shutdown.
  void async_shutdown(std::chrono::milliseconds linger);
  // See transport::close.
  void close() noexcept;
  // See transport::set_write_timeout.
  void set_write_timeout(std::chrono::milliseconds timeout) noexcept;
  // See transport::info.
  virtual connection_info info() const = 0;
  // See transport::read_arrival_ns.
  virtual std::uint64_t read_arrival_ns() const noexcept { return 0; }

protected:
  // Completion of a read or write: invokes a member of the core with (error, bytes).
  class io_completion {
  public:
    using allocator_type = handler_allocator<std::byte>;
    io_completion(std::shared_ptr<transport_core> self, handler_memory &memory,
                  void (transport_core::*done)(const error_code &, std::size_t))
        : self_(std::move(self)), memory_(&memory), done_(done) {}
    allocator_type get_allocator() const noexcept { return allocator_type(*memory_); }
    void operator()(const error_code &ec, std::size_t n) { ((*self_).*done_)(ec, n); }

  private:
    std::shared_ptr<transport_core> self_;
    handler_memory *memory_;
    void (transport_core::*done_)(const error_code &, std::size_t);
  };

  // Starts resolve/connect/handshakes; ends in connect_succeeded() or connect_failed().
  virtual void start_connect() = 0;
  // Starts one read into read_target(), completing into read_completion() (or read_done() through
  // start_reactive_read()).
  virtual void start_read() = 0;
  // Starts writing all of write_sequence(), completing into write_completion().
  virtual void start_write() = 0;
  // Starts the graceful close of async_shutdown; ends in drain_peer() or finish_shutdown().
  virtual void start_shutdown() = 0;
  // Discards unread bytes and closes the socket; cancels DNS lookups. Idempotent.
  virtual void close_stream() noexcept = 0;
  // The failure reported when an established connection's read or write fails with ec.
  virtual failure io_error(const error_code &ec) const { return io_failure(settings_->display, ec); }

  // The buffers of the pending write as a non-owning sequence (Asio copies a buffer sequence into
  // each write operation; copying a std::vector would allocate).
  std::span<const asio::const_buffer> write_sequence() const noexcept { return write_buffers_; }
  // The handler for start_read.
  io_completion read_completion() { return {shared_from_this(), read_memory_, &transport_core::read_done}; }
  // The buffer of the read in progress: the one async_read was given, else the handler's
  // read_space(held) (held: the stream keeps the buffer while it waits for bytes).
  asio::mutable_buffer read_target(bool held);

  // Reading that holds no buffer while waiting (plain TCP, Unix): waits until the socket is readable
  // (wait_readable), then asks read_target(false) and reads at once (read_now). A socket is read
  // again without waiting while it may hold more bytes, so edge-triggered readiness is never missed.
  void start_reactive_read();
  // Arms one wait for the socket to become readable, completing into readiness_completion().
  virtual void wait_readable() {}
  // Reads what has arrived into buffer without blocking; would_block when nothing has. drained:
  // the read emptied the socket (a short plain read), so the next read waits for readiness.
  virtual std::size_t read_now(asio::mutable_buffer buffer, error_code &ec, bool &drained) {
    (void)buffer;
    (void)drained;
    ec = asio::error::operation_not_supported;
    return 0;
  }
  // Completion of a readiness wait (or of the post that reads a socket that may hold more bytes).
  class readiness_completion {
  public:
    using allocator_type = handler_allocator<std::byte>;
    readiness_completion(std::shared_ptr<transport_core> self, handler_memory &memory)
        : self_(std::move(self)), memory_(&memory) {}
    allocator_type get_allocator() const noexcept { return allocator_type(*memory_); }
    void operator()(const error_code &ec) { self_->read_ready(ec); }
    void operator()() { self_->read_ready({}); }

  private:
    std::shared_ptr<transport_core> self_;
    handler_memory *memory_;
  };
  // The handler for wait_readable's wait.
  readiness_completion readiness_handler() { return {shared_from_this(), read_memory_}; }
  // The operation memory of writes, for streams that write in steps (TLS).
  handler_memory &write_memory() noexcept { return write_memory_; }
  // The handler for start_write.
  io_completion write_completion() {
    return {shared_from_this(), write_memory_, &transport_core::write_done};
  }

  // Records the connect step now in progress (for failure and timeout messages).
  void enter_phase(connect_phase phase) noexcept { phase_ = phase; }
  // The connect step in progress.
  connect_phase phase() const noexcept { return phase_; }
  // After a connect step completed with ec: true to go on. Otherwise reports the failure (the timeout
  // if it fired first; nothing if closed) and returns false.
  bool step_ok(const error_code &ec);
  // Connect phase failed with f, unless the timeout fired first (then reports the timeout).
  void connect_failed(failure f);
  // All connect steps done: on_connected (or the timeout if it fired first).
  void connect_succeeded();
  // True while async_connect is in progress and has neither timed out nor been closed.
  bool connecting() const noexcept { return state_ == state::connecting && !timed_out_; }
  // During shutdown: reads and discards until the peer closes (unless a read is already pending).
  void drain_peer();
  // Ends async_shutdown: closes and calls on_closed.
  void finish_shutdown();
  // True while a read is in flight.
  bool read_pending() const noexcept { return read_pending_; }
  // True while a write is in flight (close_stream then abandons it).
  bool write_pending() const noexcept { return write_pending_; }

  asio::io_context &io_;
  std::shared_ptr<const connect_settings> settings_;
  std::vector<asio::const_buffer> write_buffers_; // the buffers of the pending write (capacity reused)

private:
  enum class state { idle, connecting, open, shutting_down, closed };

  void begin_read();
  void read_done(const error_code &ec, std::size_t n);
  void read_ready(const error_code &ec);
  void write_done(const error_code &ec, std::size_t n);
  void fail(const failure &f);
  void arm_write_timer(std::chrono::steady_clock::time_point when);
  void watch_write();
  void check_write();

  transport_handler *handler_;
  state state_ = state::idle;
  bool timed_out_ = false;
  connect_phase phase_ = connect_phase::resolve;
  bool read_pending_ = false;
  bool write_pending_ = false;
  asio::mutable_buffer read_buffer_;
  bool buffer_given_ = false; // async_read(buffer), not async_read()
  bool readable_ = true;      // reactive reading: bytes may be waiting (else a readiness wait is armed)
  error_code deferred_error_; // a read error that came with data, reported on the next read
  steady_timer timer_;        // connect timeout, then shutdown linger
  steady_timer write_timer_;  // write timeout; armed lazily, at most once per timeout period
  bool write_timer_armed_ = false;
  std::chrono::steady_clock::time_point write_timer_expiry_{};
  std::chrono::milliseconds write_timeout_{0};
  std::chrono::steady_clock::time_point write_started_{};
  handler_memory read_memory_;
  handler_memory write_memory_;
  std::unique_ptr<std::uint8_t[]> scratch_; // drain buffer during shutdown
};

// The public transport object: forwards to a core and closes it on destruction.
class owning_transport final : public transport {
public:
  // Takes shared ownership of core.
  explicit owning_transport(std::shared_ptr<transport_core> core) : core_(std::move(core)) {}
  ~owning_transport() override { core_->close(); }

  void async_connect() override { core_->async_connect(); }
  void async_read(std::span<std::uint8_t> buffer) override { core_->async_read(buffer); }
  void async_read() override { core_->async_read(); }
  void async_write(std::span<const bytes_view> buffers) override { core_->async_write(buffers); }
  using transport::async_write;
  void async_shutdown(std::chrono::milliseconds linger) override { core_->async_shutdown(linger); }
  void close() noexcept override { core_->close(); }
  void set_write_timeout(std::chrono::milliseconds timeout) noexcept override { core_->set_write_timeout(timeout); }
  connection_info info() const override { return core_->info(); }
  std::uint64_t read_arrival_ns() const noexcept override { return core_->read_arrival_ns(); }

private:
  std::shared_ptr<transport_core> core_;
};

} // namespace mqtk::net::detail
