#pragma once

#include "mqtk/protocol/session.hpp"

#include <optional>
#include <string>
#include <system_error>

namespace mqtk::apps {

// For an error from client::publish caused by what the broker granted in CONNACK, the limit and its
// value ("the broker's CONNACK limits: maximum QoS 1", "... retain unavailable", "... maximum
// packet size 1024", "... topic alias maximum 3"); nullopt for any other error. Every tool reports
// such a refusal with exit_operation_refused (6).
std::optional<std::string> broker_limit_refusal(std::error_code ec,
                                                const protocol::negotiated_limits &limits);

} // namespace mqtk::apps
