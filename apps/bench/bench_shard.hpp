#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk::apps::bench {

// --shard, --shards, --start-at and --output: one process's part of a run spread over many
// processes or hosts, and the result file that `mqtk-bench merge` combines.
struct shard_options {
  std::uint32_t index = 0;                // K: this process is shard K (from 0) ...
  std::uint32_t count = 1;                // ... of N
  std::string spec;                       // --shard as given ("K/N"); empty: not given
  std::uint32_t shards = 0;               // --shards N (K from JOB_COMPLETION_INDEX); 0: not given
  std::string start_at_text;              // --start-at as given; empty: not given
  std::optional<std::uint64_t> start_at_ns; // --start-at as CLOCK_REALTIME nanoseconds
  std::string output;                     // --output FILE, "-" for stdout; empty: no result file
  std::string output_target;              // the file replaced (symbolic links resolved)
  std::uint32_t merged = 0;               // merge: how many result files the report combines
};

// Parses "K/N" (K from 0, K < N, N from 1 to 100000); nullopt when it is not that.
std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_shard_spec(std::string_view text);

// Parses an RFC 3339 time with a Z or a numeric offset (2026-11-25T14:00:00.5+01:00; a space or a
// lower-case t and z are accepted too) or epoch seconds with an optional fraction (1795615200.25)
// into nanoseconds since the epoch; nullopt when it is neither (or before 1970).
std::optional<std::uint64_t> parse_start_time(std::string_view text);

// The time as RFC 3339 in UTC with nanoseconds: "2026-11-25T13:00:00.500000000Z".
std::string format_utc(std::uint64_t ns);

// Why --start-at at start_ns cannot be waited for at now_ns ("" when it can): in the past, or more
// than 24 hours ahead (epoch milliseconds given as seconds, say).
std::string start_time_problem(std::uint64_t start_ns, std::uint64_t now_ns);

// The shard index K from a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (value, or nullptr when
// unset) for --shards shards; sets index, or returns why it cannot.
std::string shard_index_from_job(const char *job_completion_index, std::uint32_t shards, std::uint32_t &index);

} // namespace mqtk::apps::bench
