// Replays one Mosquitto client test case against the sans-I/O session.
#include "replay_case.hpp"

#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/session.hpp"

#include <deque>

namespace mqtk::conformance {

namespace {

using bytes = std::vector<std::uint8_t>;
using namespace mqtk::protocol;

// Remembers whether the session failed, and why.
struct verdict_handler : session_handler {
  std::string error;
  void on_error(std::error_code ec, std::string_view detail) override {
    error = ec.message() + ": " + std::string(detail);
  }
};

std::string to_hex(const bytes &data) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  for (std::uint8_t b : data) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

protocol_version version_of(int level) {
  return level == 3 ? protocol_version::v31 : level == 5 ? protocol_version::v5 : protocol_version::v311;
}

// Splits the session's pending output into whole packets.
void drain(session &s, std::deque<bytes> &outbox) {
  bytes out;
  s.take_output(out);
  std::size_t pos = 0;
  while (pos + 1 < out.size()) {
    std::size_t length = 0, shift = 0, i = pos + 1;
    while (i < out.size()) {
      length |= static_cast<std::size_t>(out[i] & 0x7F) << shift;
      shift += 7;
      if ((out[i++] & 0x80) == 0)
        break;
    }
    const std::size_t end = std::min(out.size(), i + length);
    outbox.emplace_back(out.begin() + static_cast<std::ptrdiff_t>(pos), out.begin() + static_cast<std::ptrdiff_t>(end));
    pos = end;
  }
}

// True when the client's packet means the same as Mosquitto's. Byte equality, except that a PUBLISH
// may order its properties differently and never carries Mosquitto's topic alias 65535 (which is
// above the broker's Topic Alias Maximum of 0, [MQTT-3.3.2-9]).
bool same_packet(const bytes &actual, const bytes &expected, protocol_version version) {
  if (actual == expected)
    return true;
  decoder a({role::server, version}), e({role::server, version});
  a.feed(actual);
  e.feed(expected);
  packet pa, pe;
  if (a.next(pa) != decode_status::ready || e.next(pe) != decode_status::ready)
    return false;
  const auto *x = std::get_if<protocol::publish>(&pa);
  auto *y = std::get_if<protocol::publish>(&pe);
  if (x == nullptr || y == nullptr)
    return false;
  y->props.topic_alias.reset();
  return x->topic == y->topic && std::equal(x->payload.begin(), x->payload.end(), y->payload.begin(), y->payload.end()) &&
         x->qos == y->qos && x->retain == y->retain && x->dup == y->dup && x->packet_id == y->packet_id &&
         x->props == y->props;
}

// Mosquitto's test command, issued once connected.
std::string run_command(session &s, const replay_case &c, time_point now) {
  const bool v5 = c.version == 5;
  static const std::string correlation = "7deac5c5-8802-44ff-86ce-11479f337419";
  if (c.command == "publish-1" || c.command == "publish-2") {
    protocol::publish p;
    p.topic = "test/publish";
    p.payload = as_bytes("message");
    p.qos = c.command == "publish-1" ? qos::at_least_once : qos::exactly_once;
    if (v5) {
      p.props.payload_format_indicator = 1;
      p.props.message_expiry_interval = 0xFFFFFFFF;
      p.props.response_topic = "response/topic";
      p.props.correlation_data = as_bytes(correlation);
      p.props.content_type = "text/plain";
      p.props.user_properties.push_back({"key", "value"});
    }
    auto r = s.publish(p, now);
    return r.error ? "publish failed: " + r.error.message() : "";
  }
  if (c.command == "unsubscribe") {
    protocol::unsubscribe u;
    u.filters.push_back("test/subscribe");
    if (v5)
      u.props.user_properties.push_back({"key", "value"});
    auto r = s.unsubscribe(u, now);
    return r.error ? "unsubscribe failed: " + r.error.message() : "";
  }
  return c.command.empty() ? "" : "unknown command " + c.command;
}

bool closed(const session &s) {
  return s.state() == session_state::closing || s.state() == session_state::disconnected;
}

} // namespace

replay_result run_case(const replay_case &c) {
  session_options options;
  options.version = version_of(c.version);
  options.client_id = "fuzzish";
  verdict_handler handler;
  session s(options, handler);
  const time_point now{};
  std::deque<bytes> outbox;

  s.start(now);
  drain(s, outbox);
  outbox.clear(); // CONNECT: any valid CONNECT will do
  if (c.connack) {
    s.receive(c.version == 5 ? bytes{0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x14} : bytes{0x20, 0x02, 0x00, 0x00}, now);
    if (s.state() != session_state::connected)
      return {false, "CONNACK success was not accepted: " + handler.error};
    if (std::string failure = run_command(s, c, now); !failure.empty())
      return {false, failure};
  }
  for (const replay_step &step : c.steps) {
    if (closed(s))
      break;
    if (step.broker_sends) {
      s.receive(step.bytes, now);
      continue;
    }
    drain(s, outbox);
    if (outbox.empty())
      return {false, "expected the client to send " + to_hex(step.bytes) + ", it sent nothing"};
    if (!same_packet(outbox.front(), step.bytes, options.version))
      return {false, "expected the client to send " + to_hex(step.bytes) + ", it sent " + to_hex(outbox.front())};
    outbox.pop_front();
  }

  bool alive = false;
  if (!closed(s)) {
    const bytes check_v3{0x32, 0x16, 0x00, 0x0B, 'a', 'l', 'i', 'v', 'e', ' ', 'c', 'h', 'e', 'c', 'k',
                         0xFF, 0xFF, 'p', 'a', 'y', 'l', 'o', 'a', 'd'};
    const bytes check_v5{0x32, 0x17, 0x00, 0x0B, 'a', 'l', 'i', 'v', 'e', ' ', 'c', 'h', 'e', 'c', 'k',
                         0xFF, 0xFF, 0x00, 'p', 'a', 'y', 'l', 'o', 'a', 'd'};
    s.receive(c.version == 5 ? check_v5 : check_v3, now);
    drain(s, outbox);
    const bytes puback{0x40, 0x02, 0xFF, 0xFF};
    for (const bytes &p : outbox)
      alive = alive || p == puback;
    alive = alive && !closed(s);
  }
  if (c.expect_disconnect && alive)
    return {false, "the client stayed connected"};
  if (!c.expect_disconnect && !alive)
    return {false, "the client dropped the connection: " + handler.error};
  return {true, {}};
}

} // namespace mqtk::conformance
