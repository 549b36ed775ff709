#pragma once

// Shared helpers for session tests: hex input, a recording handler, and a fixture that splits the
// session's output into whole packets for golden-byte comparison.
#include "mqtk/protocol/session.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk::test {

using bytes = std::vector<std::uint8_t>;

// Bytes from a hex string; spaces are ignored ("30 02 00 01").
inline bytes hex(std::string_view text) {
  bytes out;
  int high = -1;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)))
      continue;
    const int nibble = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    if (high < 0) {
      high = nibble;
    } else {
      out.push_back(static_cast<std::uint8_t>(high * 16 + nibble));
      high = -1;
    }
  }
  return out;
}

// Hex text of bytes ("30 02 00 01"), for readable failure messages.
inline std::string to_hex(const bytes &data) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (i != 0)
      out += ' ';
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

// One event a session reported, flattened to owned values.
struct event {
  std::string kind; // connack, message, done, suback, unsuback, auth, disconnect, lost, error
  std::uint16_t packet_id = 0;
  protocol::reason_code reason = protocol::reason_code::success;
  std::string topic;
  std::string payload;
  protocol::qos qos = protocol::qos::at_most_once;
  std::error_code error;
};

// An event with a kind, packet id and reason; other fields default.
inline event make_event(std::string kind, std::uint16_t id = 0,
                        protocol::reason_code reason = protocol::reason_code::success) {
  event e;
  e.kind = std::move(kind);
  e.packet_id = id;
  e.reason = reason;
  return e;
}

// Records every handler call as an event.
struct recorder : protocol::session_handler {
  std::vector<event> events;
  void on_connack(const protocol::connack &p) override { events.push_back(make_event("connack", 0, p.reason)); }
  void on_message(const protocol::publish &p) override {
    event e = make_event("message", p.packet_id);
    e.topic = std::string(p.topic);
    e.payload = std::string(protocol::as_chars(p.payload));
    e.qos = p.qos;
    events.push_back(e);
  }
  void on_publish_done(std::uint16_t id, protocol::reason_code reason, const protocol::properties &) override {
    events.push_back(make_event("done", id, reason));
  }
  void on_suback(const protocol::suback &p) override {
    events.push_back(make_event("suback", p.packet_id, p.reasons.empty() ? protocol::reason_code::success : p.reasons[0]));
  }
  void on_unsuback(const protocol::unsuback &p) override { events.push_back(make_event("unsuback", p.packet_id)); }
  void on_auth(const protocol::auth &p) override { events.push_back(make_event("auth", 0, p.reason)); }
  void on_disconnect(const protocol::disconnect &p) override { events.push_back(make_event("disconnect", 0, p.reason)); }
  void on_lost(protocol::packet_type, std::uint16_t id) override { events.push_back(make_event("lost", id)); }
  void on_error(std::error_code ec, std::string_view) override {
    event e = make_event("error");
    e.error = ec;
    events.push_back(e);
  }
  // The kinds of all events so far, space separated.
  std::string kinds() const {
    std::string out;
    for (const auto &e : events)
      out += (out.empty() ? "" : " ") + e.kind;
    return out;
  }
};

// A session driven by hand: time starts at t0 and moves with advance().
struct session_fixture {
  recorder handler;
  protocol::session s;
  protocol::time_point now{};


  // Client id "c1", keepalive 60, MQTT 5.0, clean start.
  static protocol::session_options defaults(protocol::protocol_version v = protocol::protocol_version::v5) {
    protocol::session_options o;
    o.version = v;
    o.client_id = "c1";
    return o;
  }

  // A session with the given options (defaults(): client "c1", 5.0).
  explicit session_fixture(protocol::session_options options) : s(std::move(options), handler) {}
  // A session with defaults().
  session_fixture() : session_fixture(defaults()) {}

  // Moves time forward.
  void advance(std::chrono::milliseconds ms) { now += ms; }

  // Feeds broker bytes given in hex.
  void broker_sends(std::string_view hex_bytes) { s.receive(hex(hex_bytes), now); }

  // The session's pending output split into whole packets (hex strings), and drained.
  std::vector<std::string> sent() {
    bytes out;
    s.take_output(out);
    std::vector<std::string> packets;
    std::size_t pos = 0;
    while (pos < out.size()) {
      std::size_t length = 0, shift = 0, i = pos + 1;
      while (true) {
        length |= static_cast<std::size_t>(out.at(i) & 0x7F) << shift;
        shift += 7;
        if ((out.at(i++) & 0x80) == 0)
          break;
      }
      const std::size_t end = i + length;
      REQUIRE(end <= out.size());
      packets.push_back(to_hex(bytes(out.begin() + static_cast<std::ptrdiff_t>(pos),
                                     out.begin() + static_cast<std::ptrdiff_t>(end))));
      pos = end;
    }
    return packets;
  }

  // Starts and completes a v5 connection with the given CONNACK (hex), discarding CONNECT.
  void connect(std::string_view connack_hex = "20 03 00 00 00") {
    s.start(now);
    sent();
    broker_sends(connack_hex);
  }
};

// A v5 PUBLISH to publish from the test: topic, payload and QoS.
inline protocol::publish make_publish(std::string_view topic, std::string_view payload, protocol::qos q) {
  protocol::publish p;
  p.topic = topic;
  p.payload = protocol::as_bytes(payload);
  p.qos = q;
  return p;
}

} // namespace mqtk::test
