#pragma once

#include "mqtk/protocol/packets.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace mqtk::apps::sub {

// Appends m as the --pretty block: a header line with the topic, then indented "qos", "retain",
// "received", one line per property, the payload (UTF-8 text line by line with control characters,
// tab included, C1 controls and backslashes escaped, or a hex dump), and an empty line. With
// max_payload only that many bytes of the payload are shown, then how many more there are.
void append_pretty(std::string &out, const protocol::publish &m, std::chrono::system_clock::time_point received,
                   std::optional<std::size_t> max_payload = std::nullopt);

} // namespace mqtk::apps::sub
