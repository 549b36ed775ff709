#pragma once

#include "bench/bench.hpp"
#include "mqtk/client/client.hpp"

#include <cstdint>

namespace mqtk::apps::bench {

// What a bench connection does.
enum class bench_role { connector, publisher, subscriber };

// The role of the connections -C counts in a mode (pubsub's subscribers come from -s).
bench_role main_role(bench_mode mode) noexcept;

// The client options connection index of role connects with: base with its own client id
// (-i, or -I PREFIX with the index appended, pubsub subscribers tagged "s"), its broker (round
// robin, see broker_slot), its --ifaddr source address (round robin in connection order) and a
// publisher's in-flight window.
client::client_options fleet_client_options(const bench_options &options, const client::client_options &base,
                                            bench_role role, std::uint32_t index);

// The connections of one role that this process runs: global indices first .. first + count - 1.
struct fleet_slice {
  std::uint32_t first = 0, count = 0;
};

// Shard shard of shards takes an equal part of total, in order; the first total % shards shards
// take one more each (-C 10 over 3 shards: 0-3, 4-6, 7-9).
fleet_slice shard_slice(std::uint32_t total, std::uint32_t shard, std::uint32_t shards) noexcept;
// This process's part of -C (the main role), and of -s (pubsub's subscribers; empty otherwise).
fleet_slice main_slice(const bench_options &options) noexcept;
fleet_slice subscriber_slice(const bench_options &options) noexcept;
// The options as this shard runs them, for its own summary: -C and -s are its parts.
bench_options shard_view(const bench_options &options);

} // namespace mqtk::apps::bench
