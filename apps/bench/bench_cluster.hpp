#pragma once

// mqtk-bench against several brokers: which broker each connection uses, and what each got.

#include "bench/bench.hpp"
#include "bench/bench_fleet.hpp"
#include "bench/bench_stats.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mqtk::apps::bench {

// Fills options.cluster from resolved (its -h/-L brokers) and --sub-url's URLs, resolved over the
// same flags, environment and profile; a broker named twice is one broker with two slots. Returns
// the usage error of a bad --sub-url entry (naming it), "" when fine.
std::string resolve_cluster(bench_options &options, const resolved_connection &resolved);

// The broker (an index into options.cluster.brokers, which must not be empty) of connection index
// of role: round robin per role over the --sub-url entries for pubsub's subscribers when given,
// else over the -h/-L entries.
std::size_t broker_slot(const bench_options &options, bench_role role, std::uint32_t index);

// Points options at broker: its endpoint, user name and password.
void use_broker(client::client_options &options, const broker_entry &broker);

// Every broker of options.cluster with the connections this process (its shard) gives it (connected
// still 0).
std::vector<broker_share> plan_broker_shares(const bench_options &options);

} // namespace mqtk::apps::bench
