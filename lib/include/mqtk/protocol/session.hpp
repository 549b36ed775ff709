#pragma once

#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/owned_properties.hpp"
#include "mqtk/protocol/packet_id_pool.hpp"
#include "mqtk/protocol/packets.hpp"
#include "mqtk/protocol/session_handler.hpp"

#include <chrono>
#include <cstdint>
#include <list>
#include <functional>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

namespace mqtk::protocol {

// The Last Will and Testament a session registers in CONNECT (owned copy).
struct will_options {
  std::string topic;
  std::vector<std::uint8_t> payload;
  enum qos qos = qos::at_most_once;
  bool retain = false;
  owned_properties props; // will delay interval, message expiry, content type... (5.0)
};

// Everything a session sends in CONNECT and the local limits it enforces.
struct session_options {
  protocol_version version = protocol_version::v5;
  std::string client_id;                    // empty: the broker assigns one (clean start only)
  std::uint16_t keep_alive = 60;            // seconds; 0 disables keepalive
  bool clean_start = true;                  // for the first connection
  std::uint32_t session_expiry = 0;         // seconds (5.0); 0xFFFFFFFF never expires
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<will_options> will;
  std::uint16_t receive_maximum = 65535;    // inbound QoS 1/2 window we allow the broker
  std::uint32_t maximum_packet_size = max_packet_size; // largest packet we accept
  std::uint16_t topic_alias_maximum = 0;    // inbound topic aliases we accept (5.0)
  bool outbound_topic_aliases = false;      // give repeated topics an alias when the broker allows
  std::uint16_t max_inflight = 65535;       // our own outbound QoS 1/2 window (min with the broker's)
  bool republish_qos1 = false;              // after a reconnect without session present, send unacknowledged
                                            // QoS 1 messages again as new ones instead of reporting them lost
  owned_properties connect_properties;      // extra CONNECT properties: user properties, auth method/data,
                                            // request response/problem information
  std::chrono::milliseconds response_timeout{0}; // how long an unanswered QoS 1/2 PUBLISH, SUBSCRIBE or
                                            // UNSUBSCRIBE may wait for the broker's next acknowledgement,
                                            // counted once our output is written; 0: no limit
  bool defer_inbound_acks = false;          // inbound QoS 1/2: PUBACK/PUBREC only from acknowledge_inbound()
  bool publish_before_connack = false;      // publish() also while CONNACK is awaited
                                            // (pipelining, MQTT 5.0 §3.1.4: never with enhanced auth)
};

// What the broker granted in CONNACK, with the defaults the spec gives for absent properties.
struct negotiated_limits {
  bool session_present = false;
  std::uint16_t keep_alive = 60;            // server keep alive overrides ours
  std::uint16_t receive_maximum = 65535;    // broker's inbound window for our QoS 1/2 publishes
  enum qos maximum_qos = qos::exactly_once;
  bool retain_available = true;
  std::uint32_t maximum_packet_size = max_packet_size;
  std::uint16_t topic_alias_maximum = 0;
  bool wildcard_subscription_available = true;
  bool subscription_identifier_available = true;
  bool shared_subscription_available = true;
  std::string assigned_client_id;
};

// The connection state of a session.
enum class session_state {
  disconnected, // no connection; start() begins one
  connecting,   // CONNECT queued, waiting for CONNACK
  connected,    // CONNACK success received
  closing,      // DISCONNECT queued or protocol error; the caller should flush output and close
};

// Result of queuing a PUBLISH, SUBSCRIBE or UNSUBSCRIBE.
struct send_result {
  std::error_code error;        // empty on success
  std::uint16_t packet_id = 0;  // assigned id (0 for QoS 0)
};

// The MQTT client state machine, free of I/O and clocks (GUIDE §2). Inputs: caller commands, received
// bytes, the current time, "connection closed". Outputs: bytes to send (output()), calls on the
// handler, and the next deadline. Owns packet ids, in-flight QoS 1/2 state, Receive Maximum flow
// control both ways, topic aliases, keepalive and the resend rules on reconnect.
class session {
public:
  // A session that reports events to handler (which must outlive it).
  session(session_options options, session_handler &handler);

  // Starts a connection: resets the decoder and queues CONNECT. On reconnect (not the first call),
  // clean start is 0 when the broker may have kept our session, so in-flight messages can resume.
  // If the broker did not keep it, in-flight messages are reported lost (QoS 1 ones are sent again
  // as new messages with republish_qos1). A non-empty auth_method (5.0) goes into this CONNECT with
  // auth_data: enhanced authentication, whose AUTH packets the caller answers (send_auth).
  void start(time_point now, std::string_view auth_method = {}, bytes_view auth_data = {});
  // Received bytes: copied into the decoder, then every complete packet is processed.
  void receive(bytes_view bytes, time_point now);
  // Writable space for a transport to read into directly (zero copy).
  std::span<std::uint8_t> prepare_input(std::size_t n) { return decoder_.prepare(n); }
  // Writable space in shared, a buffer other sessions on the thread use too (see
  // decoder::prepare_shared): an idle session then keeps no read buffer. commit_input() settles, so
  // shared is free again when it returns.
  std::span<std::uint8_t> prepare_input_shared(std::span<std::uint8_t> shared, std::size_t n) {
    return decoder_.prepare_shared(shared, n);
  }
  // Processes n bytes written into prepare_input()'s or prepare_input_shared()'s space.
  void commit_input(std::size_t n, time_point now);
  // The transport closed (either side). In-flight state is kept for the next start().
  void connection_closed(time_point now);
  // Advances timers: queues PINGREQ when nothing was sent or nothing received for the keepalive
  // interval, fails with errc::timeout when PINGRESP is late and with errc::no_response when a
  // request waited the response timeout for an acknowledgement.
  void tick(time_point now);
  // When tick() must next be called; nullopt when no timer runs.
  std::optional<time_point> next_deadline() const noexcept;
  // The caller stopped (paused) or started again reading the connection. While paused a PINGRESP
  // cannot arrive, so none is waited for: PINGREQ still goes out one interval after the last packet
  // sent (the broker keeps the connection), and on resume an unanswered PINGREQ gets a full interval.
  void set_input_paused(bool paused, time_point now);

  // Queues a PUBLISH. For QoS 1/2 a packet id is assigned and the message kept until acknowledged.
  // Errors: not_connected, would_block (in-flight window full), invalid_argument (bad topic, QoS over 2,
  // property the version cannot carry); refused by the broker's CONNACK limits: qos_not_supported,
  // retain_not_supported, topic_alias_above_maximum, packet_too_large (its Maximum Packet Size).
  // With publish_before_connack it is also accepted while connecting (no enhanced authentication,
  // nothing in flight from an earlier connection), unchecked against limits not yet known: check
  // limit_refusal() once connected. Such a message belongs to its connection: if that ends without
  // CONNACK success the broker processed none of it [MQTT-3.1.4-6], so the session forgets it (its
  // packet id is free, no on_lost) and the caller sends it again on the next connection.
  send_result publish(const protocol::publish &message, time_point now);
  // The error publish() would give message under the broker's CONNACK limits (qos_not_supported,
  // retain_not_supported, packet_too_large), or none: for a message sent before CONNACK.
  std::error_code limit_refusal(const protocol::publish &message) const;
  // True when a QoS 1/2 publish would not get would_block.
  bool can_publish_qos() const noexcept;
  // Queues a SUBSCRIBE; its packet_id field is ignored and one is assigned.
  send_result subscribe(const protocol::subscribe &request, time_point now);
  // Queues an UNSUBSCRIBE; its packet_id field is ignored and one is assigned.
  send_result unsubscribe(const protocol::unsubscribe &request, time_point now);
  // Queues an AUTH (5.0 enhanced authentication).
  std::error_code send_auth(const protocol::auth &request, time_point now);
  // Queues DISCONNECT with a reason (properties 5.0 only) and enters closing.
  void disconnect(const protocol::disconnect &request, time_point now);
  // With defer_inbound_acks: the caller has handled inbound QoS 1/2 packet_id; queues its PUBACK
  // (QoS 1) or PUBREC (QoS 2). While disconnected the acknowledgement waits for the broker's resend
  // of that id after a reconnect with session present. invalid_argument: the id is not awaiting one
  // (never deferred, already acknowledged, or dropped because the broker did not keep the session).
  std::error_code acknowledge_inbound(std::uint16_t packet_id, time_point now);
  // With defer_inbound_acks: forgets inbound QoS 1/2 packet_id without acknowledging it (a message
  // the caller will not handle: it arrived while the caller is ending), so it no longer counts
  // against our Receive Maximum and a broker that keeps the session delivers it again at the next
  // connect. invalid_argument as for acknowledge_inbound.
  std::error_code release_inbound(std::uint16_t packet_id);
  // Inbound QoS 1/2 messages delivered and not yet acknowledged (defer_inbound_acks).
  std::size_t deferred_inbound() const noexcept { return deferred_acks_.size(); }

  // Bytes waiting to be written, in order.
  bytes_view output() const noexcept { return {out_.data(), out_.size()}; }
  // The caller finished writing what take_output() gave it: the response timeout runs from here.
  void output_written(time_point now);
  // True while a QoS 1/2 PUBLISH, SUBSCRIBE or UNSUBSCRIBE waits for the broker's acknowledgement.
  bool awaiting_response() const noexcept {
    return !outbound_.empty() || !pending_subscribes_.empty() || !pending_unsubscribes_.empty();
  }
  // Moves the pending output into buffer (swapping storage: no copy, no allocation once warm).
  void take_output(std::vector<std::uint8_t> &buffer);
  // Number of bytes waiting to be written.
  std::size_t output_size() const noexcept { return out_.size(); }

  // The connection state.
  session_state state() const noexcept { return state_; }
  // What the broker granted in the last CONNACK.
  const negotiated_limits &limits() const noexcept { return limits_; }
  // The protocol version in use.
  protocol_version version() const noexcept { return options_.version; }
  // Changes the protocol version for the next start() (5.0 -> 3.1.1 fallback).
  void set_version(protocol_version version);
  // Outbound QoS 1/2 publishes not yet completed.
  std::size_t inflight() const noexcept { return outbound_.size(); }
  // The packet id of the oldest outbound PUBLISH not yet acknowledged (no PUBACK, no PUBREC): the
  // first one a resend sends; nullopt if none.
  std::optional<std::uint16_t> oldest_unacknowledged_publish() const noexcept;
  // The PUBLISH kept for in-flight packet id, as encoded when first sent (DUP as last sent, no topic
  // alias); empty if packet_id is not in flight.
  bytes_view inflight_publish(std::uint16_t packet_id) const noexcept;
  // The options the session was created with.
  const session_options &options() const noexcept { return options_; }

private:
  struct outbound_message;
  void handle(packet &p, time_point now);
  void handle_connack(const connack &p, time_point now);
  void handle_publish(protocol::publish &p, time_point now);
  void handle_deferred_publish(const protocol::publish &p, time_point now);
  void send_inbound_ack(std::uint16_t packet_id, enum qos qos, time_point now);
  void handle_puback(const puback &p);
  void handle_pubrec(const pubrec &p, time_point now);
  void handle_pubrel(const pubrel &p, time_point now);
  void handle_pubcomp(const pubcomp &p);
  void handle_suback(const suback &p);
  void handle_unsuback(const unsuback &p);
  void handle_disconnect(const protocol::disconnect &p);
  void handle_auth(const auth &p);
  void fail(std::error_code ec, std::string_view detail);
  // While waiting for CONNACK: false when the input cannot be judged yet or is an HTTP answer (then
  // fails with errc::not_mqtt: the port is a WebSocket or web listener).
  bool input_may_be_mqtt();
  void resend_inflight(time_point now);
  void restart_inflight(time_point now);
  bool resolve_inbound_alias(protocol::publish &p);
  std::optional<std::uint16_t> outbound_alias_for(std::string_view topic, bool &first_use);
  template <class Packet> void queue(const Packet &p, time_point now);
  encode_options encoding() const noexcept;

  session_options options_;
  session_handler &handler_;
  decoder decoder_;
  std::vector<std::uint8_t> out_; // pending output
  session_state state_ = session_state::disconnected;
  negotiated_limits limits_;
  bool started_before_ = false;
  bool auth_enabled_ = false;
  bool clean_start_sent_ = true;
  bool accepting_early_publishes() const noexcept;
  void forget_early_publishes();

  // Keepalive: a PINGREQ is due once nothing was sent, or nothing was received, for the interval
  // (a QoS 0 publisher that only sends still finds out that its broker went silent).
  time_point last_sent_{};
  time_point last_received_{};
  std::optional<time_point> pingresp_deadline_;
  bool input_paused_ = false;
  bool pingreq_unanswered_ = false; // a PINGREQ went out while input was paused
  // Response timeout: the last acknowledgement (or resumed reading, or a written request), whether
  // output taken by the caller is still being written (the clock stops meanwhile), and whether a
  // request is in the output queued or being written (its write restarts the clock).
  time_point last_response_progress_{};
  bool output_in_flight_ = false;
  bool request_queued_ = false;
  bool request_in_flight_ = false;
  void note_response(time_point now) noexcept { last_response_progress_ = now; }
  std::optional<time_point> response_deadline() const noexcept;
  std::string awaited_response() const;

  // Outbound QoS 1/2 in send order, and pending SUBSCRIBE/UNSUBSCRIBE ids.
  struct outbound_message {
    std::uint16_t packet_id;
    enum qos qos;
    bool pubrec_received; // QoS 2: PUBREL sent, waiting for PUBCOMP
    bool before_connack;  // sent while the current connection's CONNACK was awaited
    std::vector<std::uint8_t> bytes; // PUBLISH as first encoded, without topic alias
  };
  using outbound_list = std::list<outbound_message>;
  outbound_list outbound_;                                             // send order, for resending
  std::unordered_map<std::uint16_t, outbound_list::iterator> outbound_index_; // by packet id
  void erase_outbound(outbound_list::iterator it);
  std::vector<std::pair<std::uint16_t, std::size_t>> pending_subscribes_; // id, filter count
  std::vector<std::pair<std::uint16_t, std::size_t>> pending_unsubscribes_; // id, filter count
  packet_id_pool ids_;

  // Inbound QoS 2 ids waiting for PUBREL (delivered once, duplicates suppressed).
  std::vector<std::uint16_t> inbound_qos2_;
  // defer_inbound_acks: inbound QoS 1/2 ids delivered, not yet acknowledged, by id. done: the
  // caller acknowledged while disconnected; the broker's resend after the reconnect is answered.
  struct deferred_ack {
    enum qos qos;
    bool done;
  };
  std::unordered_map<std::uint16_t, deferred_ack> deferred_acks_;
  // Inbound topic aliases (index = alias - 1).
  std::vector<std::string> inbound_aliases_;
  // Outbound topic aliases.
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, std::uint16_t, string_hash, std::equal_to<>> outbound_aliases_;
  std::uint16_t next_outbound_alias_ = 1;
  std::vector<std::uint8_t> scratch_; // encode buffer for stored QoS 1/2 copies
};

} // namespace mqtk::protocol
