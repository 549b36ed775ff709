// The exit status every tool derives from a client's close reason (GUIDE §4).
#include "common/exit_status.hpp"

#include <doctest/doctest.h>

using mqtk::client::close_kind;
using mqtk::client::close_reason;
using namespace mqtk::apps;

TEST_CASE("exit status: unacknowledged messages turn a lost or unreachable broker into exit 7") {
  CHECK(exit_status_for(close_reason{close_kind::lost, {}, {}}, true) == exit_incomplete);
  CHECK(exit_status_for(close_reason{close_kind::broker_disconnect, {}, {}}, true) == exit_incomplete);
  // A reconnect whose CONNACK never came (a blackholed or stalled broker) is a delivery failure too.
  CHECK(exit_status_for(close_reason{close_kind::connect, {}, {}}, true) == exit_incomplete);
  CHECK(exit_status_for(close_reason{close_kind::normal, {}, {}}, true) == exit_incomplete);
}

TEST_CASE("exit status: without unacknowledged messages each kind keeps its own status") {
  CHECK(exit_status_for(close_reason{close_kind::normal, {}, {}}, false) == exit_ok);
  CHECK(exit_status_for(close_reason{close_kind::setup, {}, {}}, false) == exit_usage);
  CHECK(exit_status_for(close_reason{close_kind::connect, {}, {}}, false) == exit_connect);
  CHECK(exit_status_for(close_reason{close_kind::lost, {}, {}}, false) == exit_connect);
  CHECK(exit_status_for(close_reason{close_kind::tls, {}, {}}, false) == exit_tls);
  CHECK(exit_status_for(close_reason{close_kind::refused, {}, {}}, false) == exit_refused);
  CHECK(exit_status_for(close_reason{close_kind::protocol, {}, {}}, true) == exit_protocol);
}
