// mqtk-bench: the plan of the fleet, which options each connection gets.
#include "bench/bench_fleet.hpp"

#include "bench/bench_cluster.hpp"

#include <algorithm>
#include <string>

namespace mqtk::apps::bench {

bench_role main_role(bench_mode mode) noexcept {
  return mode == bench_mode::conn ? bench_role::connector
         : mode == bench_mode::sub ? bench_role::subscriber
                                   : bench_role::publisher;
}

client::client_options fleet_client_options(const bench_options &o, const client::client_options &base,
                                            bench_role role, std::uint32_t index) {
  auto options = base;
  const std::string &prefix = o.connection.client_id_prefix;
  const char *tag = role == bench_role::subscriber && o.mode == bench_mode::pubsub ? "s" : "";
  if (!o.connection.client_id.empty())
    options.session.client_id = o.connection.client_id;
  else if (!prefix.empty())
    options.session.client_id = prefix + tag + std::to_string(index);
  else
    options.session.client_id = base.session.client_id + "-" + tag + std::to_string(index);
  if (!o.cluster.brokers.empty())
    use_broker(options, o.cluster.brokers[broker_slot(o, role, index)]);
  if (role == bench_role::subscriber)
    options.transport.arrival_timestamps = true; // latency up to the kernel's arrival time, see arrival_ns()
  // Source addresses round robin over the connections in the order they open (pubsub: subscribers first).
  const bool after_subscribers = role == bench_role::publisher && o.mode == bench_mode::pubsub;
  options.transport.local_address =
      o.scale.addresses.for_connection(std::uint64_t{index} + (after_subscribers ? o.subscribers : 0));
  if (role == bench_role::publisher)
    options.session.max_inflight = static_cast<std::uint16_t>(std::min<std::uint32_t>(o.max_inflight, 65535));
  return options;
}

fleet_slice shard_slice(std::uint32_t total, std::uint32_t shard, std::uint32_t shards) noexcept {
  const std::uint32_t base = total / shards, extra = total % shards;
  return {shard * base + std::min(shard, extra), base + (shard < extra ? 1 : 0)};
}

fleet_slice main_slice(const bench_options &o) noexcept {
  return shard_slice(o.clients, o.shard.index, o.shard.count);
}

fleet_slice subscriber_slice(const bench_options &o) noexcept {
  return o.mode == bench_mode::pubsub ? shard_slice(o.subscribers, o.shard.index, o.shard.count) : fleet_slice{};
}

bench_options shard_view(const bench_options &o) {
  bench_options view = o;
  view.clients = main_slice(o).count;
  view.subscribers = subscriber_slice(o).count;
  return view;
}

} // namespace mqtk::apps::bench
