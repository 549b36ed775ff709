#pragma once

#include "bench/bench_recorder.hpp"
#include "bench/hdr_histogram.hpp"
#include "common/replacing_file.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace mqtk::apps::bench {

// HdrHistogram's layout for our latencies: nanoseconds, 2 significant digits (each of our buckets
// is exactly one or two of its buckets), up to 2^47 ns (39 hours).
inline constexpr int hdr_log_digits = 2;
inline constexpr std::uint64_t hdr_log_highest = std::uint64_t{1} << 47;

// Fills out (cleared first) with h's samples the way our report sees them: each bucket's count at
// its midpoint, clamped to the exact min and max, which get one sample each. HdrHistogram then
// reports every percentile within the same bucket of ours as our report (within 1/64 of the value).
void to_hdr(const latency_histogram &h, hdr_histogram &out);

// Appends the head of an HdrHistogram interval log (format 1.3) for measuring that began at
// start_ns (CLOCK_REALTIME): the format version, StartTime, BaseTime (the same: timestamps are
// seconds since the start) and the column legend.
void append_hdr_log_head(std::string &out, std::uint64_t start_ns);

// Appends one interval line: Tag=tag,StartTimestamp,Interval_Length,Interval_Max (milliseconds,
// exact),Interval_Compressed_Histogram. scratch is reused for the conversion.
void append_hdr_log_line(std::string &out, const char *tag, double start_s, double length_s,
                         const latency_histogram &h, hdr_histogram &scratch);

// --hdr-log FILE: every interval's histograms (exported_histograms, one tagged line each) in a
// temporary file next to FILE during the run; at the end the rest of the run after the last
// interval is added and the file is renamed over FILE. Nothing replaces FILE when nothing connected.
class hdr_log_sink final : public bench_sink {
public:
  // A log of recorder's intervals; wall_clock gives CLOCK_REALTIME nanoseconds (for the last line).
  hdr_log_sink(const bench_recorder &recorder, std::function<std::uint64_t()> wall_clock);
  // Creates the temporary file for path; "" or the one-line reason it cannot be written.
  std::string open(const std::string &path);
  void on_begin(std::uint64_t wall_ns) override;
  void on_interval(const bench_interval &interval) override;
  void on_finish(const bench_totals &totals) override;
  // "" or why the file could not be written (set by on_finish).
  const std::string &error() const noexcept { return error_; }

private:
  void append_lines(const bench_interval &interval, double start_s, double length_s);
  void flush();

  const bench_recorder &recorder_;
  std::function<std::uint64_t()> wall_clock_;
  std::string path_, pending_, error_;
  replacing_file file_;
  hdr_histogram scratch_{hdr_log_digits, hdr_log_highest};
  std::uint64_t start_ns_ = 0;
  bool began_ = false;
};

} // namespace mqtk::apps::bench
