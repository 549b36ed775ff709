// mqtk-bench: progress lines, the summary (text or JSON) and the threshold checks.
#include "bench/bench_report.hpp"

#include "bench/bench_latency.hpp"
#include "common/text_escape.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <functional>

namespace mqtk::apps::bench {

namespace {

using json = nlohmann::ordered_json;

bool publishes(bench_mode m) {
  return m == bench_mode::pub || m == bench_mode::pubsub;
}
bool receives(bench_mode m) {
  return m == bench_mode::sub || m == bench_mode::pubsub;
}

double ms(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}
double per_second(std::uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0;
}
// Rounds for JSON so figures read well (microsecond resolution for milliseconds).
double round3(double v) {
  return std::round(v * 1000) / 1000;
}

} // namespace

std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

json latency_json(const latency_histogram &h, bool full) {
  json j = {{"p50", round3(ms(h.percentile(0.50)))},
            {"p99", round3(ms(h.percentile(0.99)))},
            {"max", round3(ms(h.max()))}};
  if (full) {
    j["min"] = round3(ms(h.min()));
    j["p90"] = round3(ms(h.percentile(0.90)));
    j["p999"] = round3(ms(h.percentile(0.999)));
    j["mean"] = round3(h.mean() / 1e6);
    j["samples"] = h.count();
  }
  return j;
}

std::string latency_text(const latency_histogram &h) {
  return "min " + fixed(ms(h.min()), 3) + " ms, p50 " + fixed(ms(h.percentile(0.5)), 3) + ", p90 " +
         fixed(ms(h.percentile(0.9)), 3) + ", p99 " + fixed(ms(h.percentile(0.99)), 3) + ", p99.9 " +
         fixed(ms(h.percentile(0.999)), 3) + ", max " + fixed(ms(h.max()), 3) + ", mean " +
         fixed(h.mean() / 1e6, 3);
}

// A rate for JSON: whole numbers from 100 per second, three decimals below (--rate 0.5 is 0.5).
double rate_json(double v) {
  return v >= 100 ? std::round(v) : round3(v);
}

// A rate for text: grouped whole numbers from 100 per second, two decimals below.
std::string rate_text(double v) {
  return v >= 100 ? grouped(static_cast<std::uint64_t>(std::round(v))) : fixed(v, 2);
}

std::string plural(std::uint64_t n, const char *word) {
  return grouped(n) + " " + word + (n == 1 ? "" : "s");
}

// What the run's latency figures measure from: the received samples say, or the options when none came.
latency_basis basis_for(const bench_options &o, const bench_totals &t) {
  return basis_of(t.latency.count(), t.scheduled, o.rate > 0);
}

// The p99 that --max-p99 checks, named for its basis.
const char *p99_name(latency_basis basis) {
  switch (basis) {
  case latency_basis::response_time:
    return "p99 response time (ms)";
  case latency_basis::service_time_only:
    return "p99 service time (ms)";
  case latency_basis::mixed:
    break;
  }
  return "p99 latency (ms)";
}

// "p50 X ms, p99 Y ms" of one interval's histogram.
std::string p50_p99_text(const latency_histogram &h) {
  return "p50 " + fixed(ms(h.percentile(0.5)), 3) + " ms, p99 " + fixed(ms(h.percentile(0.99)), 3) + " ms";
}

// The text summary's latency rows: response time and service time, or service time alone when
// nothing was paced.
void append_latency_rows(const std::function<void(const char *, const std::string &)> &row,
                         const bench_totals &t, latency_basis basis) {
  if (basis == latency_basis::service_time_only) {
    row("latency", latency_text(t.latency) + " ms (service time only: no --rate)");
    return;
  }
  if (basis == latency_basis::response_time)
    row("latency", latency_text(t.latency) + " ms (response time: from the intended send time)");
  else
    row("latency", latency_text(t.latency) + " ms (response time for " + grouped(t.scheduled) + " of " +
                       grouped(t.latency.count()) + " messages; the rest unpaced)");
  row("service", latency_text(t.service) + " ms (from the write)");
}

// A broker's connections by role as the mode has them: "2 publishers, 1 subscriber".
std::string share_text(const broker_share &b, bench_mode m) {
  if (m == bench_mode::conn)
    return plural(b.connections, "connection");
  std::string text;
  if (publishes(m))
    text = plural(b.publishers, "publisher");
  if (receives(m))
    text += (text.empty() ? "" : ", ") + plural(b.subscribers, "subscriber");
  return text;
}

// The brokers as JSON: the URL, the connections by role as the mode has them, and connected.
json brokers_json(const std::vector<broker_share> &brokers, bench_mode m) {
  json list = json::array();
  for (const broker_share &b : brokers) {
    json j = {{"url", escaped(b.url)}};
    if (m == bench_mode::conn)
      j["connections"] = b.connections;
    if (publishes(m))
      j["publishers"] = b.publishers;
    if (receives(m))
      j["subscribers"] = b.subscribers;
    j["connected"] = b.connected;
    list.push_back(j);
  }
  return list;
}

} // namespace

std::vector<threshold_check> check_thresholds(const bench_options &o, const bench_totals &t) {
  std::vector<threshold_check> checks;
  if (o.max_loss) {
    const double loss = t.loss_percent();
    checks.push_back({"--max-loss", "lost messages (%)", *o.max_loss, loss, loss <= *o.max_loss});
  }
  if (o.max_p99) {
    // The response time when paced: a stall counts for every message that waited behind it.
    const double p99 = ms(t.latency.percentile(0.99));
    const bool measured = t.latency.count() > 0;
    checks.push_back({"--max-p99", p99_name(basis_for(o, t)), *o.max_p99, p99, measured && p99 <= *o.max_p99});
  }
  if (o.min_rate) {
    double rate = 0;
    std::string what;
    if (o.mode == bench_mode::conn) {
      rate = per_second(t.connected, t.connect_seconds);
      what = "connections per second";
    } else if (o.mode == bench_mode::pub) {
      rate = per_second(t.sent, t.publish_seconds);
      what = "messages sent per second";
    } else {
      rate = per_second(t.received, t.receive_seconds);
      what = "messages received per second";
    }
    checks.push_back({"--min-rate", what, *o.min_rate, rate, rate >= *o.min_rate * (1 - min_rate_tolerance)});
  }
  return checks;
}

std::string check_failure_line(const threshold_check &check) {
  char line[256];
  std::snprintf(line, sizeof line, "check failed: %s %.3f is %s %s %.3f", check.what.c_str(), check.value,
                check.flag == "--min-rate" ? "below" : "above", check.flag.c_str(), check.limit);
  return line;
}

void append_progress(std::string &out, const bench_options &o, const bench_interval &i) {
  if (o.json) {
    json j = {{"type", "progress"}, {"elapsed_s", round3(i.elapsed)}, {"connected", i.connected}};
    if (publishes(o.mode)) {
      j["sent"] = i.sent;
      j["sent_per_s"] = rate_json(per_second(i.sent, i.seconds));
      if (o.qos > 0)
        j["acknowledged"] = i.acknowledged;
    }
    if (receives(o.mode)) {
      j["received"] = i.received;
      j["received_per_s"] = rate_json(per_second(i.received, i.seconds));
      if (i.latency && i.latency->count() > 0)
        j["latency_ms"] = latency_json(*i.latency, false);
      if (i.service && i.service->count() > 0)
        j["service_ms"] = latency_json(*i.service, false);
    }
    out += j.dump();
    out += '\n';
    return;
  }
  char head[32];
  std::snprintf(head, sizeof head, "%8.1f s", i.elapsed);
  out += head;
  out += "  connected " + grouped(i.connected);
  if (publishes(o.mode))
    out += "  sent " + rate_text(per_second(i.sent, i.seconds)) + "/s";
  if (receives(o.mode)) {
    out += "  received " +
           rate_text(per_second(i.received, i.seconds)) + "/s";
    if (i.latency && i.latency->count() > 0) {
      out += "  latency " + p50_p99_text(*i.latency);
      if (i.scheduled == 0)
        out += " (service time)";
      else if (i.service)
        out += "; service " + p50_p99_text(*i.service);
    }
  }
  out += '\n';
}

void append_summary(std::string &out, const bench_options &o, const bench_totals &t,
                    const std::vector<threshold_check> &checks) {
  bool passed = true;
  for (const auto &c : checks)
    passed = passed && c.passed;
  if (o.json) {
    json j = {{"type", "summary"}, {"mode", mode_name(o.mode)}};
    if (o.shard.count > 1)
      j["shard"] = {{"index", o.shard.index}, {"count", o.shard.count}};
    if (o.shard.merged > 0)
      j["merged_results"] = o.shard.merged;
    if (o.mode != bench_mode::conn) {
      j["qos"] = o.qos;
      j["topic"] = o.topic;
    }
    if (publishes(o.mode)) {
      j["publishers"] = o.clients;
      j["payload_bytes"] = o.size;
    }
    if (o.mode == bench_mode::pubsub)
      j["subscribers"] = o.subscribers;
    if (o.mode == bench_mode::sub)
      j["subscribers"] = o.clients;
    j["connections"] = {{"attempted", t.attempted},
                        {"connected", t.connected},
                        {"failed", t.failed},
                        {"lost", t.lost},
                        {"seconds", round3(t.connect_seconds)},
                        {"per_s", rate_json(per_second(t.connected, t.connect_seconds))},
                        {"connack_ms", latency_json(t.connack, true)}};
    j["brokers"] = brokers_json(t.brokers, o.mode);
    if (publishes(o.mode))
      j["published"] = {{"sent", t.sent},
                        {"acknowledged", t.acknowledged},
                        {"refused", t.refused},
                        {"unacknowledged", t.unacknowledged},
                        {"seconds", round3(t.publish_seconds)},
                        {"per_s", rate_json(per_second(t.sent, t.publish_seconds))}};
    if (publishes(o.mode) && o.rate > 0) {
      j["published"]["behind_schedule"] = t.behind_schedule;
      j["published"]["behind_schedule_oldest_ms"] = round3(ms(t.behind_schedule_oldest_ns));
      j["published"]["tick_ms"] = round3(pacing_tick_ms(o));
    }
    if (receives(o.mode)) {
      json r = {{"messages", t.received},
                {"seconds", round3(t.receive_seconds)},
                {"per_s", rate_json(per_second(t.received, t.receive_seconds))},
                {"lost", t.lost_messages()},
                {"loss_percent", std::round(t.loss_percent() * 1e4) / 1e4},
                {"duplicates", t.duplicates},
                {"foreign", t.foreign},
                {"scheduled", t.scheduled}};
      if (o.mode == bench_mode::pubsub && o.shard.count == 1) // a shard alone does not know it
        r["expected"] = t.expected;
      j["received"] = r;
      j["latency_ms"] = latency_json(t.latency, true);
      j["service_ms"] = latency_json(t.service, true);
      j["latency_basis"] = basis_name(basis_for(o, t));
    }
    json list = json::array();
    for (const auto &c : checks)
      list.push_back({{"flag", c.flag},
                      {"what", c.what},
                      {"limit", c.limit},
                      {"value", round3(c.value)},
                      {"passed", c.passed}});
    j["checks"] = list;
    j["passed"] = passed;
    out += j.dump();
    out += '\n';
    return;
  }
  auto row = [&out](const char *label, const std::string &text) {
    char head[24];
    std::snprintf(head, sizeof head, "%-13s", label);
    out += head;
    out += text;
    out += '\n';
  };
  std::string what = mode_name(o.mode);
  if (publishes(o.mode))
    what += ": " + plural(o.clients, "publisher");
  if (o.mode == bench_mode::pubsub)
    what += ", " + plural(o.subscribers, "subscriber");
  if (o.mode == bench_mode::sub)
    what += ": " + plural(o.clients, "subscriber");
  if (o.mode == bench_mode::conn)
    what += ": " + plural(o.clients, "connection");
  if (o.mode != bench_mode::conn)
    what += ", QoS " + std::to_string(o.qos) + ", topic " + o.topic;
  if (publishes(o.mode))
    what += ", " + grouped(o.size) + "-byte payloads";
  if (o.shard.count > 1)
    what += "; shard " + std::to_string(o.shard.index) + " of " + std::to_string(o.shard.count);
  row("run", what);
  std::string conn =
      grouped(t.connected) + " of " + grouped(t.attempted) + " connected in " + fixed(t.connect_seconds, 2) +
      " s (" + rate_text(per_second(t.connected, t.connect_seconds)) +
      "/s)";
  if (t.failed)
    conn += ", " + grouped(t.failed) + " failed";
  if (t.lost)
    conn += ", " + grouped(t.lost) + " lost later";
  row("connections", conn);
  for (std::size_t i = 0; i < t.brokers.size(); ++i)
    row(i == 0 ? "brokers" : "", escaped(t.brokers[i].url) + "  " + share_text(t.brokers[i], o.mode) + ", " +
                                     grouped(t.brokers[i].connected) + " connected");
  if (t.connack.count())
    row("connack", latency_text(t.connack) + " ms");
  if (publishes(o.mode)) {
    std::string pub = grouped(t.sent) + " in " + fixed(t.publish_seconds, 2) + " s (" +
                      rate_text(per_second(t.sent, t.publish_seconds)) +
                      "/s)";
    if (o.qos > 0)
      pub += ", " + grouped(t.acknowledged) + " acknowledged, " + grouped(t.refused) + " refused, " +
             grouped(t.unacknowledged) + " unacknowledged";
    if (o.rate > 0) // the response time counts the wait for the tick
      pub += ", in " + fixed(pacing_tick_ms(o), 2) + " ms ticks";
    if (t.behind_schedule)
      pub += ", " + grouped(t.behind_schedule) + " behind schedule at the end (due, not sent; the oldest for " +
             fixed(ms(t.behind_schedule_oldest_ns) / 1000, 2) + " s)";
    row("published", pub);
  }
  if (receives(o.mode)) {
    std::string rec =
        grouped(t.received) + " in " + fixed(t.receive_seconds, 2) + " s (" +
        rate_text(per_second(t.received, t.receive_seconds)) + "/s)";
    if (o.mode == bench_mode::pubsub && o.shard.count == 1)
      rec += " of " + grouped(t.expected) + " expected";
    rec += ", " + grouped(t.lost_messages()) + " lost (" + fixed(t.loss_percent(), 3) + "%), " +
           grouped(t.duplicates) + " duplicates";
    if (t.foreign)
      rec += ", " + grouped(t.foreign) + " from other runs";
    row("received", rec);
    if (t.latency.count())
      append_latency_rows(row, t, basis_for(o, t));
  }
  for (const auto &c : checks)
    row("check", c.flag + " " + fixed(c.limit, 3) + ": " + c.what + " " + fixed(c.value, 3) +
                     (c.passed ? " passed" : " FAILED"));
}

} // namespace mqtk::apps::bench
