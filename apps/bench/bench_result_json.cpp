// mqtk-bench: the --output result document, written and read back (by merge).
#include "bench/bench_result_json.hpp"

#include "bench/bench_fleet.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace mqtk::apps::bench {

namespace {

using json = nlohmann::ordered_json;

json histogram_json(const latency_histogram &h) {
  json buckets = json::array();
  for (std::size_t i = 0; i < latency_histogram::buckets(); ++i)
    if (h.count_at(i) > 0)
      buckets.push_back({i, h.count_at(i)});
  return {{"count", h.count()}, {"min", h.min()}, {"max", h.max()}, {"sum", h.sum()}, {"buckets", buckets}};
}

json slice_json(fleet_slice s) {
  return {{"first", s.first}, {"count", s.count}};
}

json ranges_json(const std::vector<seq_range> &ranges) {
  json out = json::array();
  for (const auto &r : ranges)
    out.push_back({r.first, r.last});
  return out;
}

// Reads typed members, remembering the first problem with its path ("totals.sent").
class reader {
public:
  std::string error;

  const json *member(const json &object, const char *key, const std::string &where) {
    if (!error.empty())
      return nullptr;
    const auto it = object.find(key);
    if (it == object.end()) {
      error = where + key + " is missing";
      return nullptr;
    }
    return &*it;
  }
  bool object(const json &parent, const char *key, const json *&out, const std::string &where = "") {
    out = member(parent, key, where);
    return out && (out->is_object() || fail(where + key + " is not an object"));
  }
  bool array(const json &parent, const char *key, const json *&out, const std::string &where = "") {
    out = member(parent, key, where);
    return out && (out->is_array() || fail(where + key + " is not an array"));
  }
  template <typename Unsigned>
  bool whole(const json &parent, const char *key, Unsigned &out, const std::string &where = "") {
    const json *v = member(parent, key, where);
    if (!v)
      return false;
    if (!v->is_number_unsigned() || v->get<std::uint64_t>() > std::numeric_limits<Unsigned>::max())
      return fail(where + key + " is missing or not a whole number in range");
    out = static_cast<Unsigned>(v->get<std::uint64_t>());
    return true;
  }
  bool number(const json &parent, const char *key, double &out, const std::string &where = "") {
    const json *v = member(parent, key, where);
    if (!v)
      return false;
    if (!v->is_number() || !std::isfinite(v->get<double>()))
      return fail(where + key + " is not a number");
    out = v->get<double>();
    return true;
  }
  bool text(const json &parent, const char *key, std::string &out, const std::string &where = "") {
    const json *v = member(parent, key, where);
    if (!v)
      return false;
    if (!v->is_string())
      return fail(where + key + " is not a string");
    out = v->get<std::string>();
    return true;
  }
  bool flag(const json &parent, const char *key, bool &out, const std::string &where = "") {
    const json *v = member(parent, key, where);
    if (!v)
      return false;
    if (!v->is_boolean())
      return fail(where + key + " is not true or false");
    out = v->get<bool>();
    return true;
  }
  // A [first, last] pair of 32-bit numbers with first <= last.
  bool pair(const json &v, std::uint32_t &first, std::uint32_t &last, const std::string &what) {
    if (!error.empty())
      return false;
    if (!v.is_array() || v.size() != 2 || !v[0].is_number_unsigned() || !v[1].is_number_unsigned() ||
        v[0].get<std::uint64_t>() > v[1].get<std::uint64_t>() || v[1].get<std::uint64_t>() > 0xffffffffu)
      return fail(what + " is not a [first, last] pair");
    first = static_cast<std::uint32_t>(v[0].get<std::uint64_t>());
    last = static_cast<std::uint32_t>(v[1].get<std::uint64_t>());
    return true;
  }
  bool fail(std::string message) {
    if (error.empty())
      error = std::move(message);
    return false;
  }
};

bool read_histogram(reader &r, const json &parent, const char *key, latency_histogram &h) {
  const json *o = nullptr, *buckets = nullptr;
  const std::string where = std::string("histograms.") + key + ".";
  std::uint64_t count = 0, min = 0, max = 0;
  double sum = 0;
  if (!r.object(parent, key, o, "histograms.") || !r.whole(*o, "count", count, where) ||
      !r.whole(*o, "min", min, where) || !r.whole(*o, "max", max, where) || !r.number(*o, "sum", sum, where) ||
      !r.array(*o, "buckets", buckets, where))
    return false;
  std::uint64_t previous = 0;
  for (const json &b : *buckets) {
    if (!b.is_array() || b.size() != 2 || !b[0].is_number_unsigned() || !b[1].is_number_unsigned() ||
        b[1].get<std::uint64_t>() == 0 || (h.count() > 0 && b[0].get<std::uint64_t>() <= previous) ||
        !h.restore_bucket(b[0].get<std::size_t>(), b[1].get<std::uint64_t>()))
      return r.fail(where + "buckets holds something other than ascending [bucket, count] pairs");
    previous = b[0].get<std::uint64_t>();
  }
  if (h.count() != count || !h.restore_summary(min, max, sum))
    return r.fail(where + "count, min, max or sum do not fit its buckets");
  return true;
}

bool read_mode(reader &r, const json &config, bench_mode &mode) {
  std::string name;
  if (!r.text(config, "mode", name, "config."))
    return false;
  for (bench_mode m : {bench_mode::conn, bench_mode::pub, bench_mode::sub, bench_mode::pubsub})
    if (name == mode_name(m)) {
      mode = m;
      return true;
    }
  return r.fail("config.mode '" + name.substr(0, 20) + "' is not conn, pub, sub or pubsub");
}

bool read_config(reader &r, const json &doc, bench_result &out) {
  const json *c = nullptr, *s = nullptr, *run = nullptr;
  bench_options &o = out.options;
  const std::string at = "config.";
  if (!r.object(doc, "config", c) || !read_mode(r, *c, o.mode) || !r.text(*c, "broker", out.broker, at) ||
      !r.text(*c, "topic", o.topic, at) || !r.text(*c, "filter", out.filter, at) || !r.whole(*c, "qos", o.qos, at) ||
      !r.whole(*c, "clients", o.clients, at) || !r.whole(*c, "subscribers", o.subscribers, at) ||
      !r.whole(*c, "size", o.size, at) || !r.number(*c, "rate", o.rate, at) || !r.whole(*c, "count", o.count, at) ||
      !r.number(*c, "duration", o.duration, at) || !r.number(*c, "connect_rate", o.connect_rate, at) ||
      !r.whole(*c, "max_inflight", o.max_inflight, at) || !r.number(*c, "drain", o.drain, at) ||
      !r.number(*c, "interval", o.interval, at))
    return false;
  if (o.qos > 2)
    return r.fail("config.qos is not 0, 1 or 2");
  shard_options &sh = o.shard;
  if (!r.object(doc, "shard", s) || !r.whole(*s, "index", sh.index, "shard.") ||
      !r.whole(*s, "count", sh.count, "shard."))
    return false;
  if (sh.count == 0 || sh.index >= sh.count)
    return r.fail("shard.index is not below shard.count");
  if (const auto it = s->find("start_at_ns"); it != s->end() && !it->is_null()) {
    std::uint64_t ns = 0;
    if (!r.whole(*s, "start_at_ns", ns, "shard."))
      return false;
    sh.start_at_ns = ns;
  }
  if (!r.object(doc, "run", run) || !r.whole(*run, "id", out.run_id, "run.") ||
      !r.whole(*run, "measure_start_ns", out.measure_start_ns, "run.") ||
      !r.number(*run, "late_start_s", out.late_start_s, "run."))
    return false;
  std::uint32_t status = 0;
  if (!r.whole(*run, "status", status, "run.") || status > 255)
    return r.fail("run.status is not an exit status");
  out.status = static_cast<int>(status);
  return true;
}

bool read_totals(reader &r, const json &doc, bench_totals &t) {
  const json *o = nullptr, *h = nullptr;
  const std::string at = "totals.";
  return r.object(doc, "totals", o) && r.whole(*o, "attempted", t.attempted, at) &&
         r.whole(*o, "connected", t.connected, at) && r.whole(*o, "failed", t.failed, at) &&
         r.whole(*o, "lost", t.lost, at) && r.number(*o, "connect_seconds", t.connect_seconds, at) &&
         r.whole(*o, "sent", t.sent, at) && r.whole(*o, "acknowledged", t.acknowledged, at) &&
         r.whole(*o, "refused", t.refused, at) && r.whole(*o, "unacknowledged", t.unacknowledged, at) &&
         r.number(*o, "publish_seconds", t.publish_seconds, at) && r.whole(*o, "received", t.received, at) &&
         r.whole(*o, "duplicates", t.duplicates, at) && r.whole(*o, "skipped", t.skipped, at) &&
         r.whole(*o, "foreign", t.foreign, at) && r.whole(*o, "expected", t.expected, at) &&
         r.whole(*o, "scheduled", t.scheduled, at) && r.whole(*o, "behind_schedule", t.behind_schedule, at) &&
         r.whole(*o, "behind_schedule_oldest_ns", t.behind_schedule_oldest_ns, at) &&
         r.number(*o, "receive_seconds", t.receive_seconds, at) && r.object(doc, "histograms", h) &&
         read_histogram(r, *h, "connack", t.connack) && read_histogram(r, *h, "latency", t.latency) &&
         read_histogram(r, *h, "service", t.service);
}

bool read_streams(reader &r, const json &doc, bench_result &out) {
  const json *pubs = nullptr, *subs = nullptr;
  if (!r.array(doc, "publishers", pubs) || !r.array(doc, "subscribers", subs))
    return false;
  for (const json &p : *pubs) {
    publisher_group g;
    if (!p.is_object())
      return r.fail("publishers holds something other than objects");
    if (!r.whole(p, "first", g.first, "publishers[].") || !r.whole(p, "last", g.last, "publishers[].") ||
        !r.whole(p, "sent", g.sent, "publishers[]."))
      return false;
    if (g.first > g.last || g.sent > 0x100000000u ||
        (!out.publishers.empty() && out.publishers.back().last >= g.first))
      return r.fail("publishers are not ascending groups of indices");
    out.publishers.push_back(g);
  }
  for (const json &s : *subs) {
    subscriber_result sub;
    const json *received = nullptr;
    if (!s.is_object())
      return r.fail("subscribers holds something other than objects");
    if (!r.whole(s, "index", sub.index, "subscribers[].") || !r.flag(s, "subscribed", sub.subscribed, "subscribers[].") ||
        !r.array(s, "received", received, "subscribers[]."))
      return false;
    for (const json &g : *received) {
      receipt_group group;
      const json *ranges = nullptr;
      if (!g.is_object())
        return r.fail("subscribers[].received holds something other than objects");
      if (!r.whole(g, "run", group.run_id, "subscribers[].received[].") ||
          !r.pair(g.contains("publishers") ? g["publishers"] : json(), group.first, group.last,
                  "subscribers[].received[].publishers") ||
          !r.array(g, "ranges", ranges, "subscribers[].received[]."))
        return false;
      for (const json &range : *ranges) {
        seq_range sr;
        if (!r.pair(range, sr.first, sr.last, "subscribers[].received[].ranges[]"))
          return false;
        group.ranges.push_back(sr);
      }
      if (!well_formed(group.ranges))
        return r.fail("subscribers[].received[].ranges are not ascending and disjoint");
      sub.received.push_back(std::move(group));
    }
    out.subscribers.push_back(std::move(sub));
  }
  return true;
}

} // namespace

std::string result_document(const bench_result &r) {
  const bench_options &o = r.options;
  const bench_totals &t = r.totals;
  json doc = {{"format", result_format}, {"version", result_version}, {"tool", "mqtk-bench " MQTK_VERSION}};
  doc["run"] = {{"id", r.run_id},
                {"status", r.status},
                {"measure_start_ns", r.measure_start_ns},
                {"late_start_s", r.late_start_s}};
  doc["config"] = {{"mode", mode_name(o.mode)},  {"broker", r.broker},
                   {"topic", o.topic},           {"filter", r.filter},
                   {"qos", o.qos},               {"clients", o.clients},
                   {"subscribers", o.subscribers}, {"size", o.size},
                   {"rate", o.rate},             {"count", o.count},
                   {"duration", o.duration},     {"connect_rate", o.connect_rate},
                   {"max_inflight", o.max_inflight}, {"drain", o.drain},
                   {"interval", o.interval}};
  json shard = {{"index", o.shard.index}, {"count", o.shard.count}};
  shard["start_at"] = o.shard.start_at_ns ? json(format_utc(*o.shard.start_at_ns)) : json(nullptr);
  shard["start_at_ns"] = o.shard.start_at_ns ? json(*o.shard.start_at_ns) : json(nullptr);
  shard["clients"] = slice_json(main_slice(o));
  shard["subscribers"] = slice_json(subscriber_slice(o));
  doc["shard"] = shard;
  doc["totals"] = {{"attempted", t.attempted},
                   {"connected", t.connected},
                   {"failed", t.failed},
                   {"lost", t.lost},
                   {"connect_seconds", t.connect_seconds},
                   {"sent", t.sent},
                   {"acknowledged", t.acknowledged},
                   {"refused", t.refused},
                   {"unacknowledged", t.unacknowledged},
                   {"publish_seconds", t.publish_seconds},
                   {"received", t.received},
                   {"duplicates", t.duplicates},
                   {"skipped", t.skipped},
                   {"foreign", t.foreign},
                   {"expected", t.expected},
                   {"scheduled", t.scheduled},
                   {"behind_schedule", t.behind_schedule},
                   {"behind_schedule_oldest_ns", t.behind_schedule_oldest_ns},
                   {"receive_seconds", t.receive_seconds}};
  doc["histograms"] = {{"layout", {{"kind", "log-linear, 64 per power of two"}, {"buckets", latency_histogram::buckets()}}},
                       {"connack", histogram_json(t.connack)},
                       {"latency", histogram_json(t.latency)},
                       {"service", histogram_json(t.service)}};
  json pubs = json::array();
  for (const auto &g : r.publishers)
    pubs.push_back({{"first", g.first}, {"last", g.last}, {"sent", g.sent}});
  doc["publishers"] = pubs;
  json subs = json::array();
  for (const auto &s : r.subscribers) {
    json received = json::array();
    for (const auto &g : s.received)
      received.push_back({{"run", g.run_id}, {"publishers", {g.first, g.last}}, {"ranges", ranges_json(g.ranges)}});
    subs.push_back({{"index", s.index}, {"subscribed", s.subscribed}, {"received", received}});
  }
  doc["subscribers"] = subs;
  return doc.dump() + "\n";
}

bool parse_result_document(std::string_view text, bench_result &out, std::string &error) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    error = "not JSON (or not one JSON object)";
    return false;
  }
  const auto format = doc.find("format");
  if (format == doc.end() || !format->is_string() || format->get<std::string>() != result_format) {
    error = std::string("not an mqtk-bench result (no \"format\":\"") + result_format + "\")";
    return false;
  }
  const auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer() || version->get<std::int64_t>() != result_version) {
    error = "result format version " + (version == doc.end() ? std::string("(none)") : version->dump().substr(0, 20)) +
            " is not the version " + std::to_string(result_version) + " this mqtk-bench reads";
    return false;
  }
  out = bench_result{};
  reader r;
  const json *layout_parent = nullptr;
  std::uint64_t buckets = 0;
  if (r.object(doc, "histograms", layout_parent)) {
    const json *layout = nullptr;
    if (r.object(*layout_parent, "layout", layout, "histograms.") && r.whole(*layout, "buckets", buckets, "histograms.layout.") &&
        buckets != latency_histogram::buckets())
      r.fail("histograms.layout has " + std::to_string(buckets) + " buckets, not " +
             std::to_string(latency_histogram::buckets()));
  }
  if (r.error.empty() && read_config(r, doc, out) && read_totals(r, doc, out.totals))
    read_streams(r, doc, out);
  error = r.error;
  return error.empty();
}

} // namespace mqtk::apps::bench
