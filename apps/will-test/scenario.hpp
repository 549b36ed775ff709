#pragma once

// The will-test scenarios and what the spec says each must produce, free of I/O so unit tests can
// include this header alone.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk::apps::will_test {

// How the will client's connection ends.
enum class end_mode {
  abrupt,               // socket closed without DISCONNECT
  keepalive,            // socket kept open but silent until the broker's keepalive timeout
  graceful,             // DISCONNECT with reason 0x00
  disconnect_with_will, // DISCONNECT with reason 0x04 (MQTT 5)
  takeover,             // a second client connects with the same client id
};

// Every scenario, in table order.
inline constexpr std::array<end_mode, 5> all_end_modes = {end_mode::abrupt, end_mode::keepalive,
                                                          end_mode::graceful, end_mode::disconnect_with_will,
                                                          end_mode::takeover};

// The scenario's name as --end takes it ("disconnect-with-will").
constexpr std::string_view end_mode_name(end_mode mode) {
  switch (mode) {
  case end_mode::abrupt:
    return "abrupt";
  case end_mode::keepalive:
    return "keepalive";
  case end_mode::graceful:
    return "graceful";
  case end_mode::disconnect_with_will:
    return "disconnect-with-will";
  case end_mode::takeover:
    return "takeover";
  }
  return "unknown";
}

// The scenario named text; nullopt for an unknown name.
inline std::optional<end_mode> parse_end_mode(std::string_view text) {
  for (end_mode mode : all_end_modes)
    if (end_mode_name(mode) == text)
      return mode;
  return std::nullopt;
}

// What a scenario runs with; keep_alive is the one the broker granted (server keep alive wins).
struct scenario_setup {
  end_mode mode = end_mode::abrupt;
  bool v5 = true;
  std::uint16_t keep_alive = 60;
  std::uint32_t will_delay = 0;     // will delay interval (MQTT 5; 0 when not given)
  std::uint32_t session_expiry = 0; // of the will client's session (MQTT 5; 0xFFFFFFFF: never)
  bool clean_start = true;          // of the will client and of the takeover connection
  double tolerance = 2;             // seconds a will may come later than the spec's time
};

// What the spec says a scenario must produce.
struct expectation {
  bool applicable = true; // false: the scenario cannot run (see why)
  std::string why;        // why not applicable
  bool will = true;       // the broker must publish the will
  bool either = false;    // the spec allows both a will and none (then will says which is likelier)
  double nominal_s = 0;   // when, in seconds after the end, per the spec
  double earliest_s = 0;  // the will must not come before
  double latest_s = 0;    // nor after (nominal + tolerance)
  double notice_s = 0;    // how much later than latest_s a late broker may still publish it
  std::string rule;       // the spec's rule, one line
};

// Seconds the broker waits after a connection closes before it publishes the will: the will delay,
// cut short by the end of the session (spec 3.1.3.2-2); always 0 before MQTT 5.
inline std::uint32_t effective_will_delay(const scenario_setup &s) {
  return s.v5 ? std::min(s.will_delay, s.session_expiry) : 0;
}

// The expectation for a scenario (MQTT 5.0 3.1.2.5, 3.1.3.2, 3.1.4-3, 3.14.2.1; 3.1.1 3.1.2.5).
inline expectation expect(const scenario_setup &s) {
  expectation e;
  const double delay = effective_will_delay(s);
  // Brokers keep whole seconds: a keepalive timeout may fire up to one second before 1.5 x keepalive.
  double slack = 0;
  switch (s.mode) {
  case end_mode::abrupt:
    e.nominal_s = delay;
    e.rule = "the connection closed without DISCONNECT: the will is published";
    break;
  case end_mode::keepalive:
    if (s.keep_alive == 0) {
      e.applicable = false;
      e.why = "needs a keepalive above 0 (-k)";
      break;
    }
    e.nominal_s = 1.5 * s.keep_alive + delay;
    slack = 1;
    // A broker that sweeps its connections for keepalive timeouts may notice a silent one up to
    // another 1.5 x keepalive late (mosquitto 2.0.11 does): listen that long to report it as late.
    e.notice_s = 1.5 * s.keep_alive;
    e.rule = "no packet within 1.5 x keepalive: the broker closes the connection and publishes the will";
    break;
  case end_mode::graceful:
    e.will = false;
    e.nominal_s = delay;
    e.rule = "DISCONNECT with reason 0x00: the will is discarded";
    break;
  case end_mode::disconnect_with_will:
    if (!s.v5) {
      e.applicable = false;
      e.why = "needs MQTT 5 (DISCONNECT reason codes)";
      break;
    }
    e.nominal_s = delay;
    e.rule = "DISCONNECT with reason 0x04: the will is published";
    break;
  case end_mode::takeover:
    if (s.v5 && !s.clean_start && s.will_delay > 0) {
      e.will = false;
      e.nominal_s = delay;
      e.rule = "takeover with Clean Start 0 and a will delay: the will is not published";
    } else if (s.v5 && s.will_delay > 0) {
      // MQTT-3.1.2-8 withholds the will when a new connection comes within the delay; the comment in
      // 3.1.4 says Clean Start 1 ends the session and so publishes it at once. Either is accepted.
      e.either = true;
      e.nominal_s = 0;
      e.rule = "takeover with Clean Start 1 and a will delay: the spec allows the will at once (3.1.4) "
               "or none (MQTT-3.1.2-8)";
    } else {
      e.nominal_s = 0;
      e.rule = s.clean_start ? "takeover with Clean Start 1 ends the session: the will is published at once"
                             : "takeover closes the old connection: the will is published";
    }
    break;
  }
  e.earliest_s = std::max(0.0, e.nominal_s - slack);
  e.latest_s = e.nominal_s + s.tolerance;
  return e;
}

// Seconds to wait for the will after the end when --timeout is not given: past the latest time the
// will may come (for keepalive also past the time a late broker may take to notice), plus one
// second. A will that comes after latest_s but within the wait is reported as late, not missing.
inline double default_timeout(const expectation &e) {
  return e.latest_s + e.notice_s + 1;
}

} // namespace mqtk::apps::will_test
