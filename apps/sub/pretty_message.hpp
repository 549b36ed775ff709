#pragma once

#include "mqtk/protocol/packets.hpp"

#include <chrono>
#include <string>

namespace mqtk::apps::sub {

// Appends m as the --pretty block: a header line with the topic, then indented "qos", "retain",
// "received", one line per property, the payload (UTF-8 text line by line with control characters
// escaped, or a hex dump), and an empty line.
void append_pretty(std::string &out, const protocol::publish &m,
                   std::chrono::system_clock::time_point received);

} // namespace mqtk::apps::sub
