#pragma once

// The outcome of one will-test scenario; free of I/O so unit tests can include this header alone.
#include "scenario.hpp" // same folder: unit tests include these headers without the apps/ include path
#include "will_compare.hpp"

#include "mqtk/protocol/owned_properties.hpp"
#include "mqtk/protocol/packets.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mqtk::apps::will_test {

// A received will message, owning its bytes.
struct observed_message {
  std::string topic;
  std::vector<std::uint8_t> payload;
  protocol::qos qos = protocol::qos::at_most_once;
  bool retain = false;
  protocol::owned_properties props;

  // A copy of message.
  static observed_message of(const protocol::publish &message) {
    observed_message m;
    m.topic = message.topic;
    m.payload.assign(message.payload.begin(), message.payload.end());
    m.qos = message.qos;
    m.retain = message.retain;
    m.props.assign(message.props);
    return m;
  }
  // A publish viewing this message's storage.
  protocol::publish view() const {
    protocol::publish p;
    p.topic = topic;
    p.payload = {payload.data(), payload.size()};
    p.qos = qos;
    p.retain = retain;
    p.props = props.get();
    return p;
  }
};

// What one scenario expected, observed and concluded.
struct scenario_result {
  end_mode mode = end_mode::abrupt;
  std::string client_id;
  std::string will_topic;
  expectation expected;
  bool ended = false;                   // the will client's connection was ended as the scenario says
  std::optional<observed_message> will; // the will as the observer received it
  double latency_s = 0;                 // seconds from the end to the will's arrival
  double wait_s = 0;                    // seconds the observer listened for the will after the end
  std::optional<bool> retained_copy;    // --will-retain: a later subscriber got it (nullopt: not checked)
  std::vector<difference> differences;  // empty: as the spec says
  std::string error;                    // the scenario could not run: why
  int error_status = 0;                 // the exit status that error calls for

  // True when the scenario was skipped because it does not apply (e.g. 0x04 before MQTT 5).
  bool skipped() const { return !expected.applicable && error.empty(); }
  // True when the scenario ran and behaved as the spec says (or was skipped).
  bool passed() const { return error.empty() && differences.empty(); }
  // True when the will came, as expected, but after the spec's window (and that is all that differs).
  bool late() const {
    return error.empty() && will.has_value() && (expected.will || expected.either) &&
           latency_s > expected.latest_s && differences.size() == 1 && differences.front().field == "latency";
  }
};

// The exit status for a set of results: the first error's status, else 10 when a scenario
// differs from the spec, else 0.
inline int overall_status(const std::vector<scenario_result> &results) {
  for (const auto &r : results)
    if (!r.error.empty())
      return r.error_status;
  for (const auto &r : results)
    if (!r.passed())
      return 10;
  return 0;
}

} // namespace mqtk::apps::will_test
