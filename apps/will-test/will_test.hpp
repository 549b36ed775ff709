#pragma once

#include "common/connection_options.hpp"
#include "will-test/scenario.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mqtk::apps::will_test {

// Everything mqtk-will-test's flags say (the will's topic, payload, QoS, retain flag and delay are
// the shared --will-* flags in connection).
struct will_test_options {
  connection_flags connection;
  std::vector<end_mode> scenarios;             // from --end or --all, in table order
  bool all = false;                            // --all: every scenario the protocol version allows
  std::optional<std::string> content_type;     // --will-content-type
  std::optional<std::uint32_t> message_expiry; // --will-message-expiry
  std::vector<std::string> user_properties;    // --will-user-property KEY=VALUE
  std::optional<std::string> response_topic;   // --will-response-topic
  std::optional<std::string> correlation_data; // --will-correlation-data
  std::string payload_format;                  // --will-payload-format: utf8 | bytes
  double timeout = 0;                          // seconds to wait for the will; 0: derived
  double tolerance = 2;                        // seconds a will may come later than the spec's time
  bool keep_retained = false;                  // leave a retained will on the broker
  bool json = false;
  bool topic_given = false; // --will-topic was given (else a random one)
  bool id_given = false;    // -i was given
};

// True when the flags ask for will properties only MQTT 5 can carry (--will-delay included).
bool wants_v5(const will_test_options &options);

// Parses argv into options; on failure prints one line and returns the exit status (2), or 0 after
// --help/--version. Returns -1 when the caller should go on.
int parse_options(int argc, char **argv, will_test_options &options, CLI::App &app);

// Runs mqtk-will-test and returns its exit status.
int main(int argc, char **argv);

} // namespace mqtk::apps::will_test
