#pragma once

#include "mqtk/client/close_reason.hpp"
#include "mqtk/net/options.hpp"
#include "mqtk/net/url.hpp"
#include "mqtk/protocol/session.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace mqtk::client {

// When and how long to reconnect a connection that was up and got lost. A reconnected connection
// counts as recovered only once the broker acknowledged something on it (or delivered a message) or
// it stayed up for recovered_after; until then the time since the first loss keeps counting.
struct reconnect_policy {
  bool enabled = true;                                    // --no-reconnect sets false
  std::optional<std::chrono::milliseconds> give_up_after; // --reconnect-timeout: the longest time from
                                                          // a loss to recovery; nullopt: never give up
  std::chrono::milliseconds initial_delay{250};
  std::chrono::milliseconds max_delay{10'000};
  std::chrono::milliseconds recovered_after{10'000};
  unsigned poison_limit = 3; // the broker closing right after the same message this many times in a
                             // row ends the client (see poison_detector); 0: never
};

// Everything a client needs: where, how, the session's CONNECT options and the reconnect policy.
struct client_options {
  net::endpoint endpoint;
  net::transport_options transport;
  protocol::session_options session;
  bool version_pinned = false; // -V given: no fallback from 5.0 to 3.1.1
  reconnect_policy reconnect;
  std::chrono::milliseconds linger{2'000}; // disconnect(): how long DISCONNECT and the broker's close may take
  std::chrono::milliseconds write_timeout{0}; // a write pending this long loses the connection; zero: 1.5 x
                                              // the keepalive (90 s without keepalive), and the connect
                                              // timeout until CONNACK
  std::function<void(std::string_view)> debug; // receives one line per packet each way; empty: off
  std::string auth_method; // MQTT 5.0 enhanced authentication: SCRAM-SHA-1, SCRAM-SHA-256 or SCRAM-SHA-512
                           // with the session's user name and password (which then stays out of
                           // CONNECT), checked on every connection; empty: none
};

// Receives what a client reports: the session's events (session_handler) plus connection events.
// All calls run on the io_context's thread.
class client_handler : public protocol::session_handler {
public:
  // A new connection's CONNECT is queued and not yet written. With
  // session_options::publish_before_connack, what publish() queues now goes out in the same write
  // (pipelining); a connection that ends before CONNACK success has delivered none of
  // it, and the next attempt (a 3.1.1 fallback) calls this again.
  virtual void on_connect_queued() {}
  // The connection is up (CONNACK success). fell_back is true when 5.0 was refused and 3.1.1 used.
  virtual void on_connected(const protocol::connack &, bool /*fell_back*/) {}
  // An established connection was lost; a reconnect follows after delay unless on_closed comes.
  virtual void on_connection_lost(std::string_view /*message*/, std::chrono::milliseconds /*delay*/) {}
  // Output was flushed and the in-flight window has room again: a good moment to publish more.
  virtual void on_writable() {}
  // The client stopped for good (after disconnect(), or a final failure). Called exactly once.
  virtual void on_closed(const close_reason &) = 0;
};

// One MQTT connection: a session, a transport and its timers on an io_context; reconnects with
// backoff per its policy. Many clients can share one io_context (mqtk-bench). Not thread-safe.
class client {
public:
  // A client reporting to handler (which must outlive it). Call start() to connect.
  client(boost::asio::io_context &io, client_options options, client_handler &handler);
  // Closes the connection at once (no DISCONNECT) and stops its timers.
  ~client();
  client(const client &) = delete;
  client &operator=(const client &) = delete;

  // Begins connecting. A first connection that fails ends the client (no retry): on_closed.
  void start();
  // Queues a PUBLISH; see protocol::session::publish. Flushes output.
  protocol::send_result publish(const protocol::publish &message);
  // Queues a PUBLISH like publish() but leaves the writing to flush(), so that a batch of messages
  // goes out in one write (mqtk-bench: one write per publisher per pacing tick). now: the caller's
  // steady clock reading, one for the whole batch.
  protocol::send_result queue_publish(const protocol::publish &message, std::chrono::steady_clock::time_point now);
  // Writes the queued output now, or right after the write in progress.
  void flush();
  // Queues a SUBSCRIBE; see protocol::session::subscribe.
  protocol::send_result subscribe(const protocol::subscribe &request);
  // Queues an UNSUBSCRIBE; see protocol::session::unsubscribe.
  protocol::send_result unsubscribe(const protocol::unsubscribe &request);
  // Acknowledges an inbound QoS 1/2 message held back by session_options::defer_inbound_acks; see
  // protocol::session::acknowledge_inbound. Flushes output.
  std::error_code acknowledge_inbound(std::uint16_t packet_id);
  // protocol::session::release_inbound: packet_id is left unacknowledged, for the broker to resend.
  std::error_code release_inbound(std::uint16_t packet_id);
  // Sends DISCONNECT, waits for the broker to close, then on_closed(normal); after linger it closes
  // anyway (a write the broker does not take is abandoned).
  void disconnect(const protocol::disconnect &request = {});
  // Closes the socket without DISCONNECT (the broker publishes the will), then on_closed(normal).
  void abort();
  // Stops sending anything, PINGREQ included, while keeping the socket open (will-test keepalive).
  void go_silent();
  // Stops reading the connection once it is up (the caller cannot take more messages: its output
  // is stalled); TCP then pushes back to the broker. Timers and writes go on: PINGREQ is sent on
  // time, and since a PINGRESP cannot be read meanwhile, none is waited for (see
  // protocol::session::set_input_paused). Connecting and CONNACK are read regardless.
  void pause_reading();
  // Reads again after pause_reading().
  void resume_reading();

  // The session (limits, state, in-flight count).
  const protocol::session &session() const noexcept;
  // True between CONNACK success and the connection's end.
  bool connected() const noexcept;
  // Bytes queued but not yet written to the transport.
  std::size_t pending_output() const noexcept;
  // With options.transport.arrival_timestamps: when the bytes that completed the packet now being
  // handled (on_message and the other session callbacks) reached this host, CLOCK_REALTIME
  // nanoseconds: the kernel's receive timestamp of that read on plain TCP, else (TLS, WebSocket,
  // Unix) the clock when the read completed, one clock read per read. 0 without arrival_timestamps.
  std::uint64_t arrival_ns() const noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace mqtk::client
