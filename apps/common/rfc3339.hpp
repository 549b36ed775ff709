#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mqtk::apps {

// Nanoseconds since the Unix epoch (negative before 1970) of an RFC 3339 time such as
// "2026-11-25T14:00:00.123456Z" or "2026-11-25T15:00:00.5+01:00": 'T', 't' or a space between date
// and time, 'Z', 'z' or a +hh:mm/-hh:mm offset, any number of fraction digits (those past the
// ninth dropped), second 60 (a leap second) counted as the next second's start. nullopt when the
// text is not one, or names a day its month does not have.
std::optional<std::int64_t> parse_rfc3339_ns(std::string_view text);

} // namespace mqtk::apps
