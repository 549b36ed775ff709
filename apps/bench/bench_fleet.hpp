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
// (-i, or -I PREFIX with the index appended, pubsub subscribers tagged "s"), its --ifaddr source
// address (round robin in connection order) and a publisher's in-flight window.
client::client_options fleet_client_options(const bench_options &options, const client::client_options &base,
                                            bench_role role, std::uint32_t index);

} // namespace mqtk::apps::bench
