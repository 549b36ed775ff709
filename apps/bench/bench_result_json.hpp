#pragma once

#include "bench/bench_result.hpp"

#include <string>
#include <string_view>

namespace mqtk::apps::bench {

// The "format" and "version" of a result document; merge refuses any other version.
inline constexpr const char *result_format = "mqtk-bench-result";
inline constexpr int result_version = 1;

// The result as one JSON document on one line, '\n' included: the run, the effective
// configuration, the shard, the counters, both histograms bucket by bucket with their exact
// minimum, maximum and sum, the publishers' sent counts and every subscriber's received ranges.
std::string result_document(const bench_result &result);

// Reads a result document back; false with error ("not JSON", "format version 2 is not ...",
// "totals.sent is missing or not a whole number") when text is not one.
bool parse_result_document(std::string_view text, bench_result &result, std::string &error);

} // namespace mqtk::apps::bench
