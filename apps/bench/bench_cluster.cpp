// mqtk-bench: the brokers of a run and how connections are spread over them.
#include "bench/bench_cluster.hpp"

#include "bench/bench_fleet.hpp"
#include "mqtk/net/url.hpp"

namespace mqtk::apps::bench {

namespace {

bool same_broker(const broker_entry &a, const broker_entry &b) {
  return net::to_url(a.endpoint) == net::to_url(b.endpoint) && a.username == b.username &&
         a.password == b.password;
}

} // namespace

std::string resolve_cluster(bench_options &o, const resolved_connection &resolved) {
  std::string error;
  const auto subscriber_brokers = resolve_broker_urls(resolved, o.connection, "--sub-url", o.cluster.sub_urls, error);
  if (!error.empty())
    return error;
  cluster_options &c = o.cluster;
  c.brokers.clear();
  c.main_slots.clear();
  c.sub_slots.clear();
  auto slot_of = [&c](const broker_entry &broker) {
    for (std::size_t i = 0; i < c.brokers.size(); ++i)
      if (same_broker(c.brokers[i], broker))
        return i;
    c.brokers.push_back(broker);
    return c.brokers.size() - 1;
  };
  for (const broker_entry &broker : resolved.brokers)
    c.main_slots.push_back(slot_of(broker));
  for (const broker_entry &broker : subscriber_brokers)
    c.sub_slots.push_back(slot_of(broker));
  return {};
}

std::size_t broker_slot(const bench_options &o, bench_role role, std::uint32_t index) {
  const cluster_options &c = o.cluster;
  const bool own_brokers = role == bench_role::subscriber && o.mode == bench_mode::pubsub && !c.sub_slots.empty();
  const auto &slots = own_brokers ? c.sub_slots : c.main_slots;
  return slots.empty() ? 0 : slots[index % slots.size()];
}

void use_broker(client::client_options &options, const broker_entry &broker) {
  options.endpoint = broker.endpoint;
  options.session.username = broker.username;
  options.session.password = broker.password;
  options.transport.proxy = broker.proxy;
}

std::vector<broker_share> plan_broker_shares(const bench_options &o) {
  std::vector<broker_share> shares;
  for (const broker_entry &broker : o.cluster.brokers)
    shares.push_back({net::to_url(broker.endpoint)});
  if (shares.empty())
    return shares;
  const bench_role role = main_role(o.mode);
  const fleet_slice mains = main_slice(o), subs = subscriber_slice(o); // this shard's connections
  for (std::uint32_t i = mains.first; i < mains.first + mains.count; ++i) {
    broker_share &share = shares[broker_slot(o, role, i)];
    ++(role == bench_role::connector ? share.connections
       : role == bench_role::publisher ? share.publishers
                                       : share.subscribers);
  }
  for (std::uint32_t i = subs.first; i < subs.first + subs.count; ++i)
      ++shares[broker_slot(o, bench_role::subscriber, i)].subscribers;
  return shares;
}

} // namespace mqtk::apps::bench
