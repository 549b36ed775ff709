// mqtk-bench: --hdr-log, the latency histograms per interval as an HdrHistogram interval log.
#include "bench/bench_hdr_log.hpp"

#include "bench/exported_histograms.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace mqtk::apps::bench {

void to_hdr(const latency_histogram &h, hdr_histogram &out) {
  out.clear();
  if (h.count() == 0)
    return;
  const std::uint64_t min = h.min(), max = h.max();
  bool min_placed = false;
  h.for_each_bucket([&](const latency_histogram::bucket &b) {
    std::uint64_t rest = b.count;
    if (!min_placed) { // the lowest bucket holds the minimum
      out.record(min);
      --rest;
      min_placed = true;
    }
    if (rest > 0 && b.high >= max) { // the highest bucket holds the maximum
      out.record(max);
      --rest;
    }
    out.record(std::clamp(b.midpoint, min, max), rest);
  });
}

void append_hdr_log_head(std::string &out, std::uint64_t start_ns) {
  const auto seconds = static_cast<std::time_t>(start_ns / 1000000000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char date[64];
  std::strftime(date, sizeof date, "%a %b %d %H:%M:%S UTC %Y", &utc);
  char line[256];
  const double start_s = static_cast<double>(start_ns) / 1e9;
  std::snprintf(line, sizeof line,
                "#[Histogram log format version 1.3]\n"
                "#[mqtk-bench: values in nanoseconds, Interval_Max in milliseconds]\n"
                "#[StartTime: %.3f (seconds since epoch), %s]\n"
                "#[BaseTime: %.3f (seconds since epoch)]\n",
                start_s, date, start_s);
  out += line;
  out += "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n";
}

void append_hdr_log_line(std::string &out, const char *tag, double start_s, double length_s,
                         const latency_histogram &h, hdr_histogram &scratch) {
  to_hdr(h, scratch);
  char head[128];
  std::snprintf(head, sizeof head, "Tag=%s,%.3f,%.3f,%.3f,", tag, start_s, length_s,
                static_cast<double>(h.max()) / 1e6);
  out += head;
  out += scratch.compressed_base64();
  out += '\n';
}

hdr_log_sink::hdr_log_sink(const bench_recorder &recorder, std::function<std::uint64_t()> wall_clock)
    : recorder_(recorder), wall_clock_(std::move(wall_clock)) {}

std::string hdr_log_sink::open(const std::string &path) {
  path_ = path;
  if (const int failure = file_.open(path, false); failure != 0)
    return "cannot write --hdr-log file " + path + ": " + std::strerror(failure);
  return {};
}

void hdr_log_sink::on_begin(std::uint64_t wall_ns) {
  start_ns_ = wall_ns;
  began_ = true;
  append_hdr_log_head(pending_, wall_ns);
  flush();
}

void hdr_log_sink::append_lines(const bench_interval &interval, double start_s, double length_s) {
  for (const auto &histogram : exported_histograms)
    if (const latency_histogram *h = interval.*histogram.interval)
      append_hdr_log_line(pending_, histogram.name, start_s, length_s, *h, scratch_);
}

void hdr_log_sink::on_interval(const bench_interval &interval) {
  if (!began_)
    return;
  append_lines(interval, interval.elapsed - interval.seconds, interval.seconds);
  flush();
}

void hdr_log_sink::flush() {
  file_.write(pending_); // a failure is kept and reported by commit()
  pending_.clear();
}

void hdr_log_sink::on_finish(const bench_totals &totals) {
  if (!began_ || totals.connected == 0) {
    file_.discard();
    return;
  }
  // What came after the last full interval (the drain, a partial last interval), so that the log
  // holds every sample of the summary.
  const bench_interval rest = recorder_.in_progress(seconds_between(start_ns_, wall_clock_()));
  bool any = false;
  for (const auto &histogram : exported_histograms)
    any = any || (rest.*histogram.interval && (rest.*histogram.interval)->count() > 0);
  if (any) {
    append_lines(rest, rest.elapsed - rest.seconds, rest.seconds);
    flush();
  }
  if (const int failure = file_.commit(); failure != 0)
    error_ = "cannot write --hdr-log file " + path_ + ": " + std::strerror(failure);
}

} // namespace mqtk::apps::bench
