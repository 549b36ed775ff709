// libFuzzer target: a session fed arbitrary broker bytes, interleaved with caller commands and time.
// Input: byte 0 picks the version and options; then chunks of [command byte, length byte, bytes].
// Checks: no crash or sanitizer report, and everything the session writes decodes as valid packets.
#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/session.hpp"

#include <cstdlib>
#include <cstdint>
#include <cstddef>

namespace {

using namespace mqtk::protocol;

struct quiet_handler : session_handler {};

// Every byte the client sends must decode as valid client packets.
void check_output(session &s, decoder &broker_side) {
  std::vector<std::uint8_t> out;
  s.take_output(out);
  broker_side.feed(out);
  packet p;
  while (true) {
    const auto status = broker_side.next(p);
    if (status == decode_status::need_more)
      return;
    if (status == decode_status::error)
      std::abort(); // the session produced bytes the codec rejects
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size < 1)
    return 0;
  session_options options;
  const std::uint8_t mode = data[0];
  options.version = (mode & 1) ? protocol_version::v5 : protocol_version::v311;
  options.client_id = "fuzz";
  options.receive_maximum = static_cast<std::uint16_t>(1 + (mode >> 4));
  options.topic_alias_maximum = static_cast<std::uint16_t>((mode >> 1) & 3);
  options.outbound_topic_aliases = (mode & 8) != 0;
  options.session_expiry = (mode & 0x40) ? 60 : 0;
  options.republish_qos1 = (mode & 0x80) != 0;
  quiet_handler handler;
  session s(options, handler);
  decoder broker_side({role::server, options.version});
  time_point now{};
  s.start(now);
  check_output(s, broker_side);

  std::size_t pos = 1;
  while (pos + 2 <= size) {
    const std::uint8_t command = data[pos];
    const std::size_t length = std::min<std::size_t>(data[pos + 1], size - pos - 2);
    const bytes_view chunk{data + pos + 2, length};
    pos += 2 + length;
    switch (command % 8) {
    case 0:
    case 1:
    case 2:
      s.receive(chunk, now);
      break;
    case 3: {
      mqtk::protocol::publish p;
      p.topic = "fuzz/t";
      p.payload = chunk;
      p.qos = static_cast<qos>(command / 8 % 3);
      s.publish(p, now);
      break;
    }
    case 4: {
      mqtk::protocol::subscribe sub;
      sub.subscriptions.push_back({"fuzz/#", {static_cast<qos>(command / 8 % 3)}});
      s.subscribe(sub, now);
      break;
    }
    case 5:
      now += std::chrono::seconds(command / 8);
      s.tick(now);
      break;
    case 6:
      s.connection_closed(now);
      s.start(now);
      broker_side.reset();
      break;
    case 7: {
      mqtk::protocol::unsubscribe unsub;
      unsub.filters.push_back("fuzz/#");
      s.unsubscribe(unsub, now);
      break;
    }
    }
    check_output(s, broker_side);
  }
  return 0;
}
