// client: one session + one transport + timers on an io_context, with the reconnect policy.
#include "mqtk/client/client.hpp"

#include "enhanced_auth.hpp"

#include "mqtk/client/backoff.hpp"
#include "mqtk/client/entropy.hpp"
#include "mqtk/client/poison_detector.hpp"
#include "mqtk/net/transport.hpp"
#include "mqtk/protocol/error.hpp"
#include "mqtk/protocol/packet_trace.hpp"

#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <cstdio>

namespace mqtk::client {

namespace {

using clock = std::chrono::steady_clock;
using protocol::session_state;
// A timer on the io_context's own executor: smaller than boost::asio::steady_timer's type-erased one.
using steady_timer = boost::asio::basic_waitable_timer<clock, boost::asio::wait_traits<clock>,
                                                       boost::asio::io_context::executor_type>;

// Bytes asked of each read into the session's own buffer (transports that hold the buffer while
// waiting: TLS, WebSocket; and packets too large for the shared buffer): start small, double while
// reads come back full, up to the size that keeps a fast stream at few system calls.
constexpr std::size_t min_read_size = 2 * 1024;
constexpr std::size_t max_read_size = 16 * 1024;
// Plain TCP and Unix sockets read into one buffer per thread that every client on it shares (the
// transport asks for it only once bytes have arrived), so an idle connection keeps no read buffer.
constexpr std::size_t shared_read_size = 64 * 1024;

std::span<std::uint8_t> shared_read_buffer() {
  thread_local std::unique_ptr<std::uint8_t[]> buffer;
  if (!buffer) // not zeroed: a page is touched only when bytes arrive in it (a one-shot tool reads a few)
    buffer = std::make_unique_for_overwrite<std::uint8_t[]>(shared_read_size);
  return {buffer.get(), shared_read_size};
}
// The write timeout without keepalive (1.5 x the default keepalive of 60 s).
constexpr std::chrono::milliseconds write_timeout_without_keepalive{90'000};
// How long a connection being ended waits for a write already in flight before abandoning it.
constexpr std::chrono::milliseconds in_flight_write_grace{500};

// True when a transport failure means the broker ended the connection (EOF, reset, broken pipe),
// not a timeout on our side.
bool closed_by_broker(const net::failure &f) {
  return f.code == net::errc::closed || f.code == std::errc::connection_reset || f.code == std::errc::broken_pipe;
}

// text with its control characters as \xNN, for one-line messages.
std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

std::string seconds_text(std::chrono::milliseconds d) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(d.count()) / 1000.0);
  return text;
}

} // namespace

struct client::impl final : net::transport_handler, protocol::session_handler {
  // What to do once the current connection is down.
  struct pending_end {
    close_reason why;
    bool may_reconnect;
    bool by_broker; // the broker ended the connection (for the poison rule)
  };
  enum class phase { idle, connecting, connected, disconnecting, waiting, closed };
  // What the client keeps of its options: the endpoint and transport settings live in the connector,
  // the session options in the session (a fleet of idle connections pays for each byte here).
  struct kept_options {
    bool version_pinned;
    reconnect_policy reconnect;
    std::chrono::milliseconds linger;
    std::chrono::milliseconds write_timeout;
    std::chrono::milliseconds connect_timeout;
    std::function<void(std::string_view)> debug;
    bool arrival_timestamps; // transport.arrival_timestamps: arrival_ns() is kept for each read
  };
  // The packet trace of -d: decoders of each direction and the line being built (only with debug).
  struct tracer {
    protocol::decoder out{{protocol::role::server}};
    protocol::decoder in{{protocol::role::client}};
    protocol::packet packet;
    std::string line;
  };

  boost::asio::io_context &io_;
  kept_options options_;
  client_handler &handler_;
  std::unique_ptr<detail::enhanced_auth> auth_; // before session_: takes the password out of its options
  protocol::session session_;
  std::unique_ptr<net::connector> connector_;
  std::string setup_error_; // make_connector failed: reported by start()
  std::unique_ptr<net::transport> transport_;
  steady_timer timer_;           // CONNACK deadline, keepalive, ending and disconnect bounds
  steady_timer reconnect_timer_; // backoff wait
  steady_timer give_up_timer_;   // --reconnect-timeout while no connection is up
  std::vector<std::uint8_t> write_buffer_;
  std::span<std::uint8_t> read_span_;
  std::size_t read_size_ = min_read_size; // grows while reads fill it: idle connections stay small
  std::uint64_t arrival_ns_ = 0;          // with transport.arrival_timestamps: when the last read arrived
  bool read_own_ = false;                 // the last read_space was the session's own buffer
  phase phase_ = phase::idle;
  bool writing_ = false;
  bool transport_up_ = false;
  bool ever_connected_ = false;
  bool fell_back_ = false;
  bool silent_ = false;
  bool in_connect_hook_ = false; // on_connect_queued() runs: its output joins CONNECT's write
  bool reading_paused_ = false; // pause_reading(): no read is issued once the connection is up
  bool read_deferred_ = false;  // the read that pause_reading() held back
  bool up_ = false;        // CONNACK success on the current connection
  bool recovered_ = false; // the current connection had something acknowledged
  clock::time_point up_since_{};
  std::optional<pending_end> pending_end_;
  std::optional<clock::time_point> lost_since_; // first loss not followed by a recovered connection
  std::string last_loss_;
  backoff backoff_;
  poison_detector poison_;
  std::unique_ptr<tracer> tracer_; // set when options_.debug is

  impl(boost::asio::io_context &io, client_options options, client_handler &handler)
      : io_(io),
        options_{options.version_pinned, options.reconnect, options.linger, options.write_timeout,
                 options.transport.connect_timeout, std::move(options.debug), options.transport.arrival_timestamps},
        handler_(handler), auth_(detail::enhanced_auth::take(options)), session_(std::move(options.session), *this), timer_(io.get_executor()),
        reconnect_timer_(io.get_executor()), give_up_timer_(io.get_executor()),
        backoff_(options_.reconnect.initial_delay, options_.reconnect.max_delay, random_u64()),
        poison_(options_.reconnect.poison_limit) {
    auto made = net::make_connector(io_, options.endpoint, options.transport);
    connector_ = std::move(made.value);
    if (!connector_)
      setup_error_ = std::move(made.error.message);
    if (auth_) {
      options_.version_pinned = true; // a fallback to 3.1.1 would drop the authentication
      if (!auth_->setup_error().empty()) {
        connector_.reset();
        setup_error_ = auth_->setup_error();
      }
    }
    if (options_.debug)
      tracer_ = std::make_unique<tracer>();
  }

  // ---- tracing -------------------------------------------------------------------------------
  void trace(bool outgoing, std::span<const std::uint8_t> bytes) {
    if (!tracer_)
      return;
    protocol::decoder &decoder = outgoing ? tracer_->out : tracer_->in;
    std::string &line = tracer_->line;
    decoder.feed(bytes);
    while (true) {
      const auto status = decoder.next(tracer_->packet);
      if (status == protocol::decode_status::need_more)
        return;
      line = outgoing ? "-> " : "<- ";
      if (status == protocol::decode_status::error) {
        line += "undecodable bytes: ";
        line += decoder.error_detail();
        options_.debug(line);
        decoder.reset();
        return;
      }
      protocol::describe_packet(tracer_->packet, line);
      options_.debug(line);
    }
  }

  void debug(const std::string &line) {
    if (options_.debug)
      options_.debug(line);
  }

  // ---- connecting ----------------------------------------------------------------------------
  void start() {
    if (!connector_) {
      boost::asio::post(io_, [this] { finish({close_kind::setup, setup_error_}); });
      return;
    }
    attempt();
  }

  void attempt() {
    phase_ = phase::connecting;
    transport_up_ = false;
    writing_ = false;
    read_deferred_ = false;
    up_ = false;
    recovered_ = false;
    pending_end_.reset();
    if (tracer_) {
      tracer_->out.reset();
      tracer_->in.reset();
      tracer_->in.set_version(session_.version());
    }
    transport_ = connector_->create(*this);
    debug("connecting to " + net::to_url(connector_->target()));
    transport_->async_connect();
  }

  void on_connected() override {
    transport_up_ = true;
    debug("connected to " + transport_->info().remote);
    transport_->set_write_timeout(options_.write_timeout.count() > 0 ? options_.write_timeout
                                                                     : options_.connect_timeout);
    if (auth_)
      session_.start(clock::now(), auth_->method(), auth_->begin());
    else
      session_.start(clock::now());
    arm_timer(clock::now() + options_.connect_timeout);
    in_connect_hook_ = true;
    handler_.on_connect_queued();
    in_connect_hook_ = false;
    if (!transport_ || phase_ == phase::closed)
      return; // the handler ended the client
    flush();
    read();
  }

  void read() {
    if (reading_paused_ && up_) {
      read_deferred_ = true;
      return;
    }
    transport_->async_read();
  }

  std::span<std::uint8_t> read_space(bool held) override {
    // A shared buffer is only lent for reads done at once; it is settled before on_read returns.
    read_span_ = held ? session_.prepare_input(read_size_)
                      : session_.prepare_input_shared(shared_read_buffer(), max_read_size);
    const std::span<std::uint8_t> shared = shared_read_buffer();
    const std::less<const std::uint8_t *> before;
    read_own_ = held || before(read_span_.data(), shared.data()) ||
                !before(read_span_.data(), shared.data() + shared.size());
    return read_span_;
  }

  void on_read(std::size_t n) override {
    trace(false, read_span_.first(n));
    if (read_own_ && n == read_span_.size())
      read_size_ = std::min(read_size_ * 2, max_read_size);
    const bool was_connected = session_.state() == session_state::connected;
    if (options_.arrival_timestamps)
      note_arrival();
    session_.commit_input(n, clock::now());
    if (!transport_)
      return; // a handler callback ended the client
    after_activity(was_connected);
    if (transport_ && transport_up_ && phase_ != phase::closed)
      read();
  }

  // The kernel's stamp of the read just completed, or (no stamp: TLS, WebSocket, Unix) the clock now.
  void note_arrival() {
    arrival_ns_ = transport_->read_arrival_ns();
    if (arrival_ns_ == 0)
      arrival_ns_ = static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count());
  }

  void after_activity(bool was_connected) {
    const auto state = session_.state();
    if (state == session_state::connected && !was_connected)
      arm_timer(session_.next_deadline().value_or(clock::now() + std::chrono::hours(24)));
    flush();
  }

  // ---- writing -------------------------------------------------------------------------------
  void flush() {
    if (silent_ || writing_ || in_connect_hook_ || !transport_up_ || session_.output_size() == 0)
      return;
    session_.take_output(write_buffer_);
    trace(true, write_buffer_);
    writing_ = true;
    transport_->async_write(net::bytes_view(write_buffer_));
  }

  void on_written(std::size_t) override {
    writing_ = false;
    write_buffer_.clear();
    session_.output_written(clock::now());
    arm_earlier_deadline();
    flush();
    if (writing_)
      return;
    if (pending_end_) {
      end_now();
      return;
    }
    if (phase_ == phase::disconnecting) {
      transport_->async_shutdown(options_.linger);
      return;
    }
    if (phase_ == phase::connected)
      handler_.on_writable();
  }

  void on_closed() override { finish({close_kind::normal, {}}); }

  // ---- timers --------------------------------------------------------------------------------
  void arm_timer(clock::time_point when) {
    timer_.expires_at(when);
    timer_.async_wait([this](const boost::system::error_code &ec) {
      if (!ec)
        on_timer();
    });
  }

  // A written request starts the session's response clock, which may end before the timer armed
  // for the keepalive (or for a day, with keepalive 0): the timer moves up to it.
  void arm_earlier_deadline() {
    if (phase_ != phase::connected || silent_ || pending_end_)
      return;
    if (auto deadline = session_.next_deadline(); deadline && *deadline < timer_.expiry())
      arm_timer(*deadline);
  }

  void on_timer() {
    const auto now = clock::now();
    if (pending_end_) { // the DISCONNECT notice was not written in time
      end_now();
      return;
    }
    if (phase_ == phase::disconnecting) { // DISCONNECT and the broker's close took longer than linger
      finish(goodbye_close());
      return;
    }
    if (phase_ == phase::connecting && transport_up_ && session_.state() == session_state::connecting) {
      end_connection({close_kind::connect, "no CONNACK within the connect timeout" +
                                               (auth_ ? auth_->pending_note() : std::string())},
                     true);
      return;
    }
    if (phase_ != phase::connected || silent_)
      return;
    if (auto deadline = session_.next_deadline(); deadline && *deadline <= now)
      session_.tick(now);
    flush();
    if (auto deadline = session_.next_deadline(); deadline && phase_ == phase::connected)
      arm_timer(*deadline);
  }

  // ---- ending --------------------------------------------------------------------------------
  // How a connection we are closing ended: normal, marked when our DISCONNECT was not yet written
  // (the broker never saw it: for it the connection was lost, and a will is published).
  close_reason goodbye_close() const {
    close_reason why{close_kind::normal, {}};
    why.goodbye_unsent = writing_ || session_.output_size() > 0;
    return why;
  }

  void on_error(const net::failure &f) override {
    const close_reason goodbye = goodbye_close();
    transport_up_ = false;
    writing_ = false;
    if (pending_end_) {
      end_now();
      return;
    }
    if (phase_ == phase::disconnecting) {
      finish(goodbye);
      return;
    }
    if (phase_ == phase::connecting && !ever_connected_) {
      const bool broker_closed = f.kind == net::failure_kind::io && closed_by_broker(f);
      if (broker_closed && session_.state() == session_state::connecting &&
          try_fallback("the broker closed the connection before CONNACK"))
        return;
      close_kind kind = f.kind == net::failure_kind::tls     ? close_kind::tls
                        : f.kind == net::failure_kind::setup ? close_kind::setup
                                                             : close_kind::connect;
      std::string message = f.message;
      if (broker_closed)
        message = "the broker closed the connection before CONNACK (" + f.message + ")";
      drop_transport();
      close_reason why{kind, message};
      why.code = f.code;
      finish(std::move(why));
      return;
    }
    close_reason why{close_kind::lost, "connection lost: " + f.message};
    why.code = f.code;
    end_connection(std::move(why), true, closed_by_broker(f));
  }

  bool try_fallback(const std::string &why) {
    if (options_.version_pinned || fell_back_ || session_.version() != protocol::protocol_version::v5)
      return false;
    fell_back_ = true;
    debug(why + "; retrying with MQTT 3.1.1");
    drop_transport();
    session_.connection_closed(clock::now());
    session_.set_version(protocol::protocol_version::v311);
    boost::asio::post(io_, [this] {
      if (phase_ != phase::closed)
        attempt();
    });
    return true;
  }

  // Ends the current connection once pending output (a DISCONNECT notice) is written, within linger.
  // A write already in flight is usually a PUBLISH whose completion has not run yet: the notice
  // follows it when it completes (on_written). A broker that is not taking our bytes gets only a
  // short grace, after which the write is abandoned and the connection reset.
  void end_connection(close_reason why, bool may_reconnect, bool by_broker = false) {
    if (pending_end_)
      return;
    const bool in_flight = writing_;
    pending_end_ = pending_end{std::move(why), may_reconnect, by_broker};
    if (!in_flight)
      flush();
    if (!writing_) {
      end_now();
      return;
    }
    arm_timer(clock::now() + (in_flight ? std::min(options_.linger, in_flight_write_grace) : options_.linger));
  }

  void drop_transport() {
    if (transport_) {
      transport_->close();
      transport_.reset();
    }
    transport_up_ = false;
    writing_ = false;
  }

  void end_now() {
    pending_end end = std::move(*pending_end_);
    pending_end_.reset();
    const bool was_up = up_;
    const auto now = clock::now();
    const bool recovered = was_up && (recovered_ || now - up_since_ >= options_.reconnect.recovered_after);
    up_ = false;
    drop_transport();
    timer_.cancel();
    session_.connection_closed(now);
    const auto &policy = options_.reconnect;
    if (!end.may_reconnect || !policy.enabled || !ever_connected_) {
      finish(std::move(end.why));
      return;
    }
    last_loss_ = end.why.message;
    if (was_up) {
      const auto suspect = session_.oldest_unacknowledged_publish();
      if (poison_.ended(suspect, end.by_broker, recovered)) {
        finish(poison_reason(*suspect));
        return;
      }
    }
    if (recovered) {
      lost_since_.reset();
      backoff_.reset();
    }
    if (!lost_since_)
      lost_since_ = now;
    const auto delay = backoff_.next();
    if (policy.give_up_after && now + delay - *lost_since_ > *policy.give_up_after) {
      finish(gave_up(std::move(end.why)));
      return;
    }
    phase_ = phase::waiting;
    handler_.on_connection_lost(end.why.message, delay);
    if (policy.give_up_after) {
      give_up_timer_.expires_at(*lost_since_ + *policy.give_up_after);
      give_up_timer_.async_wait([this](const boost::system::error_code &ec) {
        if (!ec && (phase_ == phase::waiting || phase_ == phase::connecting))
          finish(gave_up({close_kind::lost, last_loss_}));
      });
    }
    reconnect_timer_.expires_after(delay);
    reconnect_timer_.async_wait([this](const boost::system::error_code &ec) {
      if (!ec && phase_ == phase::waiting)
        attempt();
    });
  }

  // The final reason once --reconnect-timeout passed without a recovered connection.
  close_reason gave_up(close_reason why) const {
    why.message += "; gave up reconnecting after " + seconds_text(*options_.reconnect.give_up_after);
    return why;
  }

  // The final reason for a poison message: names it by topic and packet id.
  close_reason poison_reason(std::uint16_t packet_id) {
    std::string topic = "?";
    protocol::decoder decoder({protocol::role::server, session_.version()});
    decoder.feed(session_.inflight_publish(packet_id));
    protocol::packet packet;
    if (decoder.next(packet) == protocol::decode_status::ready)
      if (const auto *p = std::get_if<protocol::publish>(&packet))
        topic = printable(p->topic);
    constexpr std::string_view prefix = "connection lost: ";
    const std::string last = last_loss_.starts_with(prefix) ? last_loss_.substr(prefix.size()) : last_loss_;
    close_reason why{close_kind::lost,
                     "connection lost: the broker closed the connection " + std::to_string(poison_.strikes()) +
                         " times in a row right after the message on '" + topic + "' (packet id " +
                         std::to_string(packet_id) + ") was sent; giving up on that message (last: " + last +
                         ")"};
    why.poison_packet_id = packet_id;
    return why;
  }

  void finish(close_reason why) {
    if (phase_ == phase::closed)
      return;
    phase_ = phase::closed;
    drop_transport();
    timer_.cancel();
    reconnect_timer_.cancel();
    give_up_timer_.cancel();
    if (session_.state() != session_state::disconnected)
      session_.connection_closed(clock::now());
    handler_.on_closed(why);
  }

  // ---- session events ------------------------------------------------------------------------
  void on_connack(const protocol::connack &p) override {
    if (!protocol::is_error(p.reason) && auth_ && !auth_->on_connack(p)) {
      finish(auth_->failure()); // at once: nothing (a resent message, say) goes to an unproven server
      return;
    }
    if (!protocol::is_error(p.reason)) {
      phase_ = phase::connected;
      ever_connected_ = true;
      up_ = true;
      up_since_ = clock::now();
      give_up_timer_.cancel(); // a connection is up: the end of this one decides about giving up
      transport_->set_write_timeout(write_timeout());
      handler_.on_connack(p);
      handler_.on_connected(p, fell_back_);
      return;
    }
    if (p.reason == protocol::reason_code::unsupported_protocol_version && !ever_connected_ &&
        try_fallback("the broker refused MQTT 5.0 (" +
                     protocol::connack_result_text(p.reason, p.return_code) + ")"))
      return;
    handler_.on_connack(p);
    std::string message =
        "the broker refused the connection: " + protocol::connack_result_text(p.reason, p.return_code);
    if (p.props.reason_string)
      message += ": " + std::string(*p.props.reason_string);
    if (auth_)
      message += auth_->refusal_detail(p);
    end_connection({close_kind::refused, message, p.reason}, false);
  }

  // The broker processed something of ours on this connection: it works again.
  void mark_recovered() {
    if (recovered_ || !up_)
      return;
    recovered_ = true;
    lost_since_.reset();
    backoff_.reset();
  }

  void on_message(const protocol::publish &p) override {
    mark_recovered();
    handler_.on_message(p);
  }
  void on_publish_done(std::uint16_t id, protocol::reason_code reason, const protocol::properties &props) override {
    mark_recovered();
    poison_.acknowledged(id);
    handler_.on_publish_done(id, reason, props);
  }
  void on_suback(const protocol::suback &p) override {
    mark_recovered();
    handler_.on_suback(p);
  }
  void on_unsuback(const protocol::unsuback &p) override {
    mark_recovered();
    handler_.on_unsuback(p);
  }
  void on_auth(const protocol::auth &p) override {
    if (!auth_) {
      handler_.on_auth(p);
      return;
    }
    const protocol::auth *reply = phase_ == phase::connecting ? auth_->on_auth(p) : nullptr;
    if (!reply) {
      end_connection(phase_ == phase::connecting
                         ? auth_->failure()
                         : close_reason{close_kind::protocol, "protocol error by the broker: AUTH after CONNACK, "
                                                              "but we did not ask to re-authenticate"},
                     false);
      return;
    }
    session_.send_auth(*reply, clock::now());
  }
  void on_lost(protocol::packet_type type, std::uint16_t id) override { handler_.on_lost(type, id); }

  void on_disconnect(const protocol::disconnect &p) override {
    handler_.on_disconnect(p);
    std::string message = "the broker sent DISCONNECT: " + protocol::reason_code_text(p.reason);
    if (p.props.reason_string)
      message += ": " + std::string(*p.props.reason_string);
    const bool taken_over = p.reason == protocol::reason_code::session_taken_over;
    end_connection({taken_over ? close_kind::broker_disconnect : close_kind::lost, message, p.reason}, !taken_over,
                   true);
  }

  void on_error(std::error_code ec, std::string_view detail) override {
    if (ec == protocol::errc::timeout) {
      end_connection({close_kind::lost, "connection lost: " + std::string(detail)}, true);
      return;
    }
    if (ec == protocol::errc::no_response) {
      // Final: a broker that keeps the connection but never acknowledges would do the same again.
      end_connection({close_kind::no_response, std::string(detail)}, false);
      return;
    }
    if (ec == protocol::errc::not_mqtt) {
      // Not a broken MQTT broker but the wrong kind of listener: "could not connect" (exit 3).
      end_connection({close_kind::connect, std::string(detail)}, false);
      return;
    }
    end_connection({close_kind::protocol, "protocol error by the broker: " + std::string(detail)}, false);
  }

  // ---- caller commands -----------------------------------------------------------------------
  void disconnect(const protocol::disconnect &request) {
    if (phase_ == phase::closed)
      return;
    if (phase_ != phase::connected) {
      finish({close_kind::normal, {}});
      return;
    }
    session_.disconnect(request, clock::now());
    phase_ = phase::disconnecting;
    silent_ = false;
    arm_timer(clock::now() + options_.linger); // bounds the whole goodbye, a stuck write included
    flush();
    if (!writing_)
      transport_->async_shutdown(options_.linger);
  }

  // The write timeout once connected: 1.5 x the keepalive the broker granted, like a broker's own
  // grace period for a silent client.
  std::chrono::milliseconds write_timeout() const {
    if (options_.write_timeout.count() > 0)
      return options_.write_timeout;
    const auto keep_alive = session_.limits().keep_alive;
    if (keep_alive == 0)
      return write_timeout_without_keepalive;
    return std::chrono::milliseconds(keep_alive * 1500);
  }

  void abort() { finish({close_kind::normal, {}}); }

  // Pausing holds back the next read; a read in progress completes and its packets are handled.
  // The keepalive timer is re-armed because pausing moves the session's deadline.
  void set_reading_paused(bool paused) {
    if (paused == reading_paused_)
      return;
    reading_paused_ = paused;
    const auto now = clock::now();
    session_.set_input_paused(paused, now);
    if (phase_ == phase::connected && !silent_ && !pending_end_)
      if (auto deadline = session_.next_deadline())
        arm_timer(*deadline);
    if (!paused && read_deferred_) {
      read_deferred_ = false;
      if (transport_ && transport_up_ && phase_ != phase::closed)
        read();
    }
  }

  void go_silent() {
    silent_ = true;
    timer_.cancel();
  }
};

client::client(boost::asio::io_context &io, client_options options, client_handler &handler)
    : impl_(std::make_unique<impl>(io, std::move(options), handler)) {}

client::~client() {
  impl_->phase_ = impl::phase::closed;
  impl_->drop_transport();
}

void client::start() { impl_->start(); }

protocol::send_result client::publish(const protocol::publish &message) {
  auto result = impl_->session_.publish(message, std::chrono::steady_clock::now());
  if (!result.error)
    impl_->flush();
  return result;
}

protocol::send_result client::queue_publish(const protocol::publish &message,
                                            std::chrono::steady_clock::time_point now) {
  return impl_->session_.publish(message, now);
}

void client::flush() { impl_->flush(); }

protocol::send_result client::subscribe(const protocol::subscribe &request) {
  auto result = impl_->session_.subscribe(request, std::chrono::steady_clock::now());
  if (!result.error)
    impl_->flush();
  return result;
}

protocol::send_result client::unsubscribe(const protocol::unsubscribe &request) {
  auto result = impl_->session_.unsubscribe(request, std::chrono::steady_clock::now());
  if (!result.error)
    impl_->flush();
  return result;
}

std::error_code client::acknowledge_inbound(std::uint16_t packet_id) {
  auto ec = impl_->session_.acknowledge_inbound(packet_id, std::chrono::steady_clock::now());
  if (!ec)
    impl_->flush();
  return ec;
}

std::error_code client::release_inbound(std::uint16_t packet_id) { return impl_->session_.release_inbound(packet_id); }

void client::disconnect(const protocol::disconnect &request) { impl_->disconnect(request); }
void client::abort() { impl_->abort(); }
void client::go_silent() { impl_->go_silent(); }
void client::pause_reading() { impl_->set_reading_paused(true); }
void client::resume_reading() { impl_->set_reading_paused(false); }
const protocol::session &client::session() const noexcept { return impl_->session_; }
bool client::connected() const noexcept { return impl_->phase_ == impl::phase::connected; }
std::uint64_t client::arrival_ns() const noexcept { return impl_->arrival_ns_; }
std::size_t client::pending_output() const noexcept { return impl_->session_.output_size() + impl_->write_buffer_.size(); }

} // namespace mqtk::client
