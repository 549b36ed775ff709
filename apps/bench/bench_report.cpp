// mqtk-bench: progress lines, the summary (text or JSON) and the threshold checks.
#include "bench/bench_report.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>

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

} // namespace

std::vector<threshold_check> check_thresholds(const bench_options &o, const bench_totals &t) {
  std::vector<threshold_check> checks;
  if (o.max_loss) {
    const double loss = t.loss_percent();
    checks.push_back({"--max-loss", "lost messages (%)", *o.max_loss, loss, loss <= *o.max_loss});
  }
  if (o.max_p99) {
    const double p99 = ms(t.latency.percentile(0.99));
    const bool measured = t.latency.count() > 0;
    checks.push_back({"--max-p99", "p99 latency (ms)", *o.max_p99, p99, measured && p99 <= *o.max_p99});
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
    if (i.latency && i.latency->count() > 0)
      out += "  latency p50 " + fixed(ms(i.latency->percentile(0.5)), 3) + " ms, p99 " +
             fixed(ms(i.latency->percentile(0.99)), 3) + " ms";
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
    if (publishes(o.mode))
      j["published"] = {{"sent", t.sent},
                        {"acknowledged", t.acknowledged},
                        {"refused", t.refused},
                        {"unacknowledged", t.unacknowledged},
                        {"seconds", round3(t.publish_seconds)},
                        {"per_s", rate_json(per_second(t.sent, t.publish_seconds))}};
    if (receives(o.mode)) {
      json r = {{"messages", t.received},
                {"seconds", round3(t.receive_seconds)},
                {"per_s", rate_json(per_second(t.received, t.receive_seconds))},
                {"lost", t.lost_messages()},
                {"loss_percent", std::round(t.loss_percent() * 1e4) / 1e4},
                {"duplicates", t.duplicates},
                {"foreign", t.foreign}};
      if (o.mode == bench_mode::pubsub)
        r["expected"] = t.expected;
      j["received"] = r;
      j["latency_ms"] = latency_json(t.latency, true);
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
  if (t.connack.count())
    row("connack", latency_text(t.connack) + " ms");
  if (publishes(o.mode)) {
    std::string pub = grouped(t.sent) + " in " + fixed(t.publish_seconds, 2) + " s (" +
                      rate_text(per_second(t.sent, t.publish_seconds)) +
                      "/s)";
    if (o.qos > 0)
      pub += ", " + grouped(t.acknowledged) + " acknowledged, " + grouped(t.refused) + " refused, " +
             grouped(t.unacknowledged) + " unacknowledged";
    row("published", pub);
  }
  if (receives(o.mode)) {
    std::string rec =
        grouped(t.received) + " in " + fixed(t.receive_seconds, 2) + " s (" +
        rate_text(per_second(t.received, t.receive_seconds)) + "/s)";
    if (o.mode == bench_mode::pubsub)
      rec += " of " + grouped(t.expected) + " expected";
    rec += ", " + grouped(t.lost_messages()) + " lost (" + fixed(t.loss_percent(), 3) + "%), " +
           grouped(t.duplicates) + " duplicates";
    if (t.foreign)
      rec += ", " + grouped(t.foreign) + " from other runs";
    row("received", rec);
    if (t.latency.count())
      row("latency", latency_text(t.latency) + " ms");
  }
  for (const auto &c : checks)
    row("check", c.flag + " " + fixed(c.limit, 3) + ": " + c.what + " " + fixed(c.value, 3) +
                     (c.passed ? " passed" : " FAILED"));
}

} // namespace mqtk::apps::bench
