// mqtk-bench merge: checking that results belong together, and combining them with exact loss.
#include "bench/bench_merge.hpp"

#include "bench/bench_fleet.hpp"
#include "bench/bench_result_json.hpp"
#include "common/file_input.hpp"
#include "mqtk/protocol/topic.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace mqtk::apps::bench {

namespace {

constexpr std::size_t max_result_bytes = std::size_t{1} << 30;

bool publishes(bench_mode m) {
  return m == bench_mode::pub || m == bench_mode::pubsub;
}
bool receives(bench_mode m) {
  return m == bench_mode::sub || m == bench_mode::pubsub;
}

std::string start_text(const std::optional<std::uint64_t> &ns) {
  return ns ? format_utc(*ns) : std::string("none");
}

// The first setting in which two shards of one mode differ ("" when none): they must have been
// started with the same command line but for the shard.
std::string config_difference(const bench_options &a, const bench_options &b) {
  if (a.shard.count != b.shard.count)
    return "shard count";
  if (a.clients != b.clients)
    return "-C";
  if (a.mode == bench_mode::pubsub && a.subscribers != b.subscribers)
    return "-s";
  if (a.topic != b.topic)
    return "-t";
  if (a.qos != b.qos)
    return "-q";
  if (a.size != b.size || a.rate != b.rate || a.count != b.count || a.duration != b.duration)
    return "--size, --rate, -n or -D";
  return {};
}

// Checks that the results are shards of one run; "" or the one line that says why not.
std::string run_problem(const std::vector<named_result> &in) {
  std::map<std::uint32_t, std::size_t> run_ids;
  std::map<bench_mode, std::size_t> first_of_mode;
  std::map<std::pair<bench_mode, std::uint32_t>, std::size_t> shards_seen;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const bench_result &r = in[i].result;
    const std::string &name = in[i].name;
    const bench_options &o = r.options;
    if (o.shard.start_at_ns != in[0].result.options.shard.start_at_ns)
      return in[0].name + " and " + name + " are not shards of one run: --start-at " +
             start_text(in[0].result.options.shard.start_at_ns) + " and " + start_text(o.shard.start_at_ns);
    if (auto [it, fresh] = run_ids.try_emplace(r.run_id, i); !fresh)
      return in[it->second].name + " and " + name + " come from the same process (run id " +
             std::to_string(r.run_id) + ")";
    auto [first, fresh_mode] = first_of_mode.try_emplace(o.mode, i);
    if (!fresh_mode) {
      const named_result &other = in[first->second];
      if (auto what = config_difference(other.result.options, o); !what.empty())
        return other.name + " and " + name + " are not shards of one run: their " + mode_name(o.mode) +
               " settings differ (" + what + ")";
    }
    if (auto [seen, fresh_shard] = shards_seen.try_emplace({o.mode, o.shard.index}, i); !fresh_shard)
      return in[seen->second].name + " and " + name + " are both shard " + std::to_string(o.shard.index) + "/" +
             std::to_string(o.shard.count) + " of the " + mode_name(o.mode) + " run";
  }
  return {};
}

// A publisher stream of the merged run: how many it sent and its topic.
struct stream_info {
  std::uint64_t sent = 0;
  std::string topic;
};

// Expected and unique received over every subscriber, from the publishers' and subscribers' state.
struct exact_counts {
  std::uint64_t expected = 0, unique = 0;
};

exact_counts count_exactly(const std::vector<named_result> &in) {
  std::unordered_map<std::uint64_t, stream_info> streams;
  for (const auto &n : in)
    for (const auto &g : n.result.publishers)
      for (std::uint64_t p = g.first; p <= g.last; ++p)
        streams[std::uint64_t{n.result.run_id} << 32 | p] = {g.sent,
                                                               expand_topic(n.result.options.topic,
                                                                            static_cast<std::uint32_t>(p))};
  // Per filter: the streams it matches, with their sent counts, and what one subscriber expects.
  struct filter_view {
    std::unordered_map<std::uint64_t, std::uint64_t> sent;
    std::uint64_t expected = 0;
  };
  std::map<std::string, filter_view> filters;
  exact_counts counts;
  for (const auto &n : in) {
    if (n.result.subscribers.empty())
      continue;
    auto [it, fresh] = filters.try_emplace(n.result.filter);
    filter_view &view = it->second;
    if (fresh)
      for (const auto &[key, info] : streams)
        if (protocol::topic_matches(n.result.filter, info.topic)) {
          view.sent[key] = info.sent;
          view.expected += info.sent;
        }
    for (const auto &s : n.result.subscribers) {
      if (!s.subscribed)
        continue;
      counts.expected += view.expected;
      for (const auto &g : s.received)
        for (std::uint64_t p = g.first; p <= g.last; ++p)
          if (auto found = view.sent.find(std::uint64_t{g.run_id} << 32 | p); found != view.sent.end())
            counts.unique += count_below(g.ranges, found->second);
    }
  }
  return counts;
}

void add_warnings(const std::vector<named_result> &in, merged_report &out) {
  std::map<bench_mode, std::pair<std::uint32_t, std::uint32_t>> shards; // mode -> (here, of)
  for (const auto &n : in) {
    const bench_options &o = n.result.options;
    auto &[here, of] = shards[o.mode];
    ++here;
    of = o.shard.count;
    if (n.result.status != 0)
      out.warnings.push_back(n.name + ": that process ended with status " + std::to_string(n.result.status));
    if (n.result.late_start_s > 0)
      out.warnings.push_back(n.name + ": measured " + std::to_string(n.result.late_start_s).substr(0, 6) +
                             " s after --start-at");
  }
  for (const auto &[mode, count] : shards)
    if (count.first < count.second)
      out.warnings.push_back("the " + std::string(mode_name(mode)) + " run has " + std::to_string(count.second) +
                             " shards and only " + std::to_string(count.first) +
                             " are merged: the figures leave the others out");
}

} // namespace

bool merge_results(const std::vector<named_result> &in, merged_report &out, std::string &error) {
  out = merged_report{};
  if (in.empty()) {
    error = "nothing to merge";
    return false;
  }
  if (error = run_problem(in); !error.empty())
    return false;
  add_warnings(in, out);
  bench_totals &t = out.totals;
  std::uint32_t publishers = 0, subscribers = 0, connectors = 0;
  bool any_publisher = false, any_subscriber = false, any_pubsub = false;
  const bench_options *shape = &in[0].result.options;
  for (const auto &n : in) {
    const bench_options &o = n.result.options;
    const bench_totals &r = n.result.totals;
    const std::uint32_t mine = main_slice(o).count;
    if (publishes(o.mode)) {
      if (!any_publisher)
        shape = &o;
      any_publisher = true;
      publishers += mine;
      t.publish_seconds = std::max(t.publish_seconds, r.publish_seconds);
    }
    if (receives(o.mode)) {
      any_subscriber = true;
      subscribers += o.mode == bench_mode::sub ? mine : subscriber_slice(o).count;
      t.receive_seconds = std::max(t.receive_seconds, r.receive_seconds);
    }
    if (o.mode == bench_mode::conn)
      connectors += mine;
    any_pubsub = any_pubsub || o.mode == bench_mode::pubsub;
    t.attempted += r.attempted;
    t.connected += r.connected;
    t.failed += r.failed;
    t.lost += r.lost;
    t.connect_seconds = std::max(t.connect_seconds, r.connect_seconds);
    t.connack.merge(r.connack);
    t.sent += r.sent;
    t.acknowledged += r.acknowledged;
    t.refused += r.refused;
    t.unacknowledged += r.unacknowledged;
    t.received += r.received;
    t.duplicates += r.duplicates;
    t.skipped += r.skipped;
    t.foreign += r.foreign;
    t.latency.merge(r.latency);
    t.service.merge(r.service);
    t.scheduled += r.scheduled;
    t.behind_schedule += r.behind_schedule;
    t.behind_schedule_oldest_ns = std::max(t.behind_schedule_oldest_ns, r.behind_schedule_oldest_ns);
  }
  bench_options &o = out.options;
  o.mode = any_pubsub || (any_publisher && any_subscriber) ? bench_mode::pubsub
           : any_publisher                                  ? bench_mode::pub
           : any_subscriber                                 ? bench_mode::sub
                                                            : bench_mode::conn;
  o.clients = o.mode == bench_mode::sub ? subscribers : o.mode == bench_mode::conn ? connectors : publishers;
  o.subscribers = subscribers;
  o.qos = shape->qos;
  o.topic = shape->topic;
  o.size = shape->size;
  o.shard.merged = static_cast<std::uint32_t>(in.size());
  if (any_publisher && any_subscriber) {
    const exact_counts exact = count_exactly(in);
    out.exact_loss = true;
    t.expected = exact.expected;
    t.skipped = 0;
    // What is not a distinct message of the merged publishers is foreign; duplicates stay as the
    // shards counted them, unless that would leave fewer than the distinct messages.
    t.duplicates = std::min(t.duplicates, t.received - std::min(t.received, exact.unique));
    t.foreign = t.received - t.duplicates - std::min(t.received - t.duplicates, exact.unique);
  }
  return true;
}

bool load_result(const std::string &path, bench_result &out, std::string &error) {
  std::string text;
  if (!read_file(path, "result file", max_result_bytes, text, error))
    return false;
  std::string problem;
  if (parse_result_document(text, out, problem))
    return true;
  // kubectl logs mixes stderr lines into the output: take the one line that is a result.
  const std::string marker = std::string("{\"format\":\"") + result_format + "\"";
  std::string_view found;
  std::size_t lines = 0;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line(text.data() + at, end - at);
    if (line.starts_with(marker)) {
      found = line;
      ++lines;
    }
    at = end + 1;
  }
  if (lines == 1 && parse_result_document(found, out, problem))
    return true;
  if (lines > 1)
    problem = "holds " + std::to_string(lines) + " result documents (give one per file)";
  error = path + ": " + problem;
  return false;
}

} // namespace mqtk::apps::bench
