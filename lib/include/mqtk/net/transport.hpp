#pragma once

// The byte-stream interface the client drives, and the factory that makes one per connection.
// No Asio, Beast or OpenSSL types here: boost::asio::io_context is only forward-declared, so apps
// and tests can include this cheaply. The client's .cpp includes <boost/asio/io_context.hpp> itself.

#include "mqtk/net/error.hpp"
#include "mqtk/net/options.hpp"
#include "mqtk/net/url.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace mqtk::net {

// A read-only view of bytes to send (the same type as protocol::bytes_view).
using bytes_view = std::span<const std::uint8_t>;

// Receives the completions of one transport, on the thread running its io_context. A completion
// is never delivered from inside the call that started the operation, and never after close() or
// the transport's destruction. A handler may close or destroy the transport from any callback.
class transport_handler {
public:
  virtual ~transport_handler() = default;
  // async_connect finished: TCP/Unix connected, TLS and WebSocket handshakes done.
  virtual void on_connected() = 0;
  // async_read stored n >= 1 bytes at the start of the caller's buffer.
  virtual void on_read(std::size_t n) = 0;
  // async_write sent every byte of the buffers (n in total).
  virtual void on_written(std::size_t n) = 0;
  // An operation failed; the transport is closed and delivers nothing more. During async_connect
  // the kind is connect or tls; afterwards io (errc::closed when the peer closed the connection),
  // or tls for a TLS alert such as TLS 1.3's "certificate required" (it arrives after on_connected).
  virtual void on_error(const failure &f) = 0;
  // async_shutdown finished (the peer closed too, or the linger time passed); nothing follows.
  virtual void on_closed() {}
  // For async_read() without a buffer: where the bytes go (at least one byte). Plain TCP and Unix
  // sockets call it (held false) only once bytes have arrived and read them at once, so the span is
  // needed only until the on_read or on_error that follows or the next read_space call, and may lie
  // in a buffer other connections on the thread share. Transports whose stream must own the buffer
  // while waiting (TLS, WebSocket) call it when the read starts, with held true: the span must then
  // stay valid until on_read. The default returns no space; handlers that use async_read() say where.
  virtual std::span<std::uint8_t> read_space(bool held) {
    (void)held;
    return {};
  }
};

// What a connected transport is connected to, for debug output.
struct connection_info {
  std::string remote;         // "127.0.0.1:1883", "[::1]:8883" or the Unix socket path
  std::string tls_version;    // "TLSv1.3"; empty without TLS
  std::string tls_cipher;     // "TLS_AES_256_GCM_SHA384"; empty without TLS
  std::string alpn;           // the ALPN protocol the server chose; empty if none
  bool tls_resumed = false;   // the TLS handshake resumed a session (transport_options::tls_resume_sessions)
  std::string ws_subprotocol; // the Sec-WebSocket-Protocol the server chose; empty if none
};

// One connection's byte stream (TCP, TLS, WebSocket or Unix socket). Single-threaded: call it only
// from the thread running its io_context. At most one read and one write may be pending at a time.
// Steady-state reads and writes allocate nothing (operation memory is recycled per transport).
// Destroying it closes the connection like close().
class transport {
public:
  virtual ~transport() = default;
  transport() = default;
  transport(const transport &) = delete;
  transport &operator=(const transport &) = delete;

  // Resolves, connects (every resolved address in order) and performs the TLS and WebSocket
  // handshakes within the connector's connect timeout; completes with on_connected or on_error.
  // Call once.
  virtual void async_connect() = 0;
  // Reads whatever bytes arrive (at least one, at most buffer.size()) into buffer, e.g. the span
  // from protocol::decoder::prepare(); completes with on_read(n) (then commit(n)) or on_error. The
  // buffer must stay valid and untouched until then.
  virtual void async_read(std::span<std::uint8_t> buffer) = 0;
  // Reads like async_read(buffer), into the space the handler's read_space() gives: an idle
  // connection then holds no read buffer.
  virtual void async_read() = 0;
  // Writes all bytes of buffers in order as one gather write (one syscall for plain TCP); completes
  // with on_written or on_error. The bytes must stay valid until then; the span of views itself is
  // copied before this returns.
  virtual void async_write(std::span<const bytes_view> buffers) = 0;
  // Writes one buffer; see async_write above.
  void async_write(bytes_view buffer) { async_write(std::span<const bytes_view>(&buffer, 1)); }
  // Ends gracefully after the last write completed (e.g. after DISCONNECT): sends the WebSocket
  // close frame, half-closes TCP, discards incoming bytes until the peer closes or linger passes,
  // then closes; completes with on_closed. A pending read is ended without on_read (its buffer
  // must stay valid until on_closed).
  virtual void async_shutdown(std::chrono::milliseconds linger) = 0;
  // Closes now; no callback follows. Unread incoming bytes are discarded first so the kernel sends
  // FIN rather than RST; a pending write is abandoned (TCP then resets the connection, so unsent
  // bytes do not linger in the kernel). Safe to call more than once.
  virtual void close() noexcept = 0;
  // Bounds every write from now on: one that has not completed timeout after it started fails the
  // transport with on_error (kind io, errc::write_timeout), e.g. when the peer stopped reading.
  // Zero or negative: no bound (the default). May be changed while a write is pending.
  virtual void set_write_timeout(std::chrono::milliseconds timeout) noexcept = 0;
  // Peer address and negotiated TLS/WebSocket parameters; meaningful after on_connected.
  virtual connection_info info() const = 0;
  // When the newest bytes of the last completed read reached this host, from the kernel's receive
  // timestamp (CLOCK_REALTIME nanoseconds; valid in on_read). Plain TCP with
  // transport_options::arrival_timestamps only; 0 otherwise (TLS, WebSocket, Unix) or when the
  // kernel gave no stamp.
  virtual std::uint64_t read_arrival_ns() const noexcept { return 0; }
};

// Makes transports to one endpoint with one set of options; loads TLS material once so thousands of
// connections (mqtk-bench) share one OpenSSL context. Transports keep what they need, so the
// connector may be destroyed before them.
class connector {
public:
  virtual ~connector() = default;
  // A new, unconnected transport reporting to handler (which must outlive it or close it first).
  virtual std::unique_ptr<transport> create(transport_handler &handler) = 0;
  // The endpoint connections go to.
  virtual const endpoint &target() const noexcept = 0;
};

// Outcome of make_connector: a connector, or a setup failure.
struct connector_result {
  std::unique_ptr<connector> value; // null on failure
  failure error;                    // kind setup: unreadable CA/cert/key, wrong key password, bad
                                    // ws_headers entry
};

// Creates a connector for ep on io; the io_context must outlive the connector and its transports.
connector_result make_connector(boost::asio::io_context &io, const endpoint &ep,
                                const transport_options &options);

// Process-wide counters of transport operation memory (for tests and mqtk-bench --debug).
struct memory_stats {
  std::uint64_t slot_allocations;     // per-transport operation slots allocated or grown (warm-up)
  std::uint64_t fallback_allocations; // operations that found their slot busy and used the heap
};

// The current memory_stats; fallback_allocations stays flat in steady-state reading and writing.
memory_stats operation_memory_stats() noexcept;

} // namespace mqtk::net
