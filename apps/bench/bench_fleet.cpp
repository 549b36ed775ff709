// mqtk-bench: the plan of the fleet, which options each connection gets.
#include "bench/bench_fleet.hpp"

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
  // Source addresses round robin over the connections in the order they open (pubsub: subscribers first).
  const bool after_subscribers = role == bench_role::publisher && o.mode == bench_mode::pubsub;
  options.transport.local_address =
      o.scale.addresses.for_connection(std::uint64_t{index} + (after_subscribers ? o.subscribers : 0));
  if (role == bench_role::publisher)
    options.session.max_inflight = static_cast<std::uint16_t>(std::min<std::uint32_t>(o.max_inflight, 65535));
  return options;
}

} // namespace mqtk::apps::bench
