#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mqtk::conformance {

// One step of a case: bytes the broker sends, or bytes the client must send next.
struct replay_step {
  bool broker_sends = true;
  std::vector<std::uint8_t> bytes;
};

// One Mosquitto client test case with the group defaults applied.
struct replay_case {
  std::string file;
  std::string group;
  std::string name;
  int version = 4;              // 3 = 3.1, 4 = 3.1.1, 5 = 5.0
  bool connack = true;          // the broker sends CONNACK success first
  std::string command;          // "", "publish-1", "publish-2" or "unsubscribe"
  std::vector<replay_step> steps; // group messages, then the case's own
  bool expect_disconnect = true;
};

// The outcome of replaying one case.
struct replay_result {
  bool passed = false;
  std::string reason; // why it failed
};

// Replays a case against a fresh session (client id "fuzzish") and checks the verdict: the client
// must have dropped the connection, or must still answer the alive-check PUBLISH with PUBACK 65535.
replay_result run_case(const replay_case &c);

} // namespace mqtk::conformance
