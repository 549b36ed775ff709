#pragma once

// The broker lists that mqtk-bench's -h and -L take (repeated flags, comma-separated values), and
// the usage error the other tools give when handed one.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk::apps {

// One -h entry: the host, and the port when the entry names one.
struct host_port_entry {
  std::string host;
  std::optional<std::string> port; // the text after the colon, unchecked ("" for "host:")
};

// Splits "host", "host:port", "[v6]" or "[v6]:port"; a bare IPv6 literal (two colons or more, as
// "::1") is all host.
host_port_entry split_host_port(std::string_view entry);

// The entries of a list flag: each value split at commas, in order ({"a,b", "c"} gives a, b, c).
// An empty entry ("a,,b", "a,") sets error, naming flag and the value, and gives {}.
std::vector<std::string> split_broker_list(const std::vector<std::string> &values, std::string_view flag,
                                           std::string &error);

// For the tools that take one broker: a usage error when value of flag ("-h/--host" or
// "-L/--url", url telling which) is a comma list of several, "" otherwise.
std::string single_broker_error(std::string_view flag, std::string_view value, bool url);

} // namespace mqtk::apps
