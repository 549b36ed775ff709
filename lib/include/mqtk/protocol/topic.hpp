#pragma once

#include <optional>
#include <string_view>

namespace mqtk::protocol {

// Why name cannot be a PUBLISH topic name ("is empty", "contains the wildcard '+'", "is longer than
// 65,535 bytes", "contains U+0000", "is not valid UTF-8"), or an empty view when it can.
std::string_view topic_name_error(std::string_view name) noexcept;

// Why filter cannot be a SUBSCRIBE/UNSUBSCRIBE topic filter ("'#' is not the last level", "'+' does
// not fill a whole level", bad $share/{group}/{filter} ...), or an empty view when it can.
std::string_view topic_filter_error(std::string_view filter) noexcept;

// The two parts of a shared subscription filter "$share/{group}/{filter}".
struct shared_filter {
  std::string_view group;
  std::string_view filter;
};

// Splits "$share/{group}/{filter}"; nullopt when filter is not a shared subscription.
std::optional<shared_filter> parse_shared_filter(std::string_view filter) noexcept;

// True when a valid topic name matches a valid filter (spec 4.7): '+' one level, '#' this level and
// all below (the parent too), wildcards at the first level never match names starting with '$'. A
// shared filter matches by its inner filter.
bool topic_matches(std::string_view filter, std::string_view name) noexcept;

} // namespace mqtk::protocol
