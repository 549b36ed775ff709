#pragma once
// mqtk-bench: what the parts of bench_run (bench_run.cpp, bench_run_publishing.cpp,
// bench_run_end.cpp) share: the run's private connection type, the progress printer and the time
// helpers. Included by those files only.

#include "bench/bench_receipts.hpp"
#include "bench/bench_report.hpp"
#include "bench/bench_run.hpp"
#include "common/stdout_writer.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace mqtk::apps::bench {

namespace run_detail {

inline constexpr std::size_t max_unwritten = 1 << 16; // a publisher pauses above 64 KiB of unwritten output
inline constexpr auto max_tick = std::chrono::milliseconds(10);
inline constexpr auto close_grace = std::chrono::seconds(5);

inline std::chrono::steady_clock::duration seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

inline double since(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// The connecting tick for a rate per second: one event per tick, between 1 and 10 ms.
inline std::chrono::steady_clock::duration tick_for(double rate) {
  const auto tick = seconds(1.0 / rate);
  return std::clamp<std::chrono::steady_clock::duration>(tick, std::chrono::milliseconds(1), max_tick);
}

} // namespace run_detail

// Prints each interval as a progress line (text or JSON) on stdout.
struct bench_run::progress_printer final : bench_sink {
  explicit progress_printer(const bench_options &options) : o(options) {}
  void on_interval(const bench_interval &interval) override {
    out.clear();
    append_progress(out, o, interval);
    write_stdout(out);
  }
  const bench_options &o;
  std::string out;
};

// One bench connection: its client and what it has done; forwards events to the run.
struct bench_run::connection final : client::client_handler {
  connection(bench_run &owner, bench_role r, std::uint32_t i) : run(owner), kind(r), index(i) {}

  void on_connected(const protocol::connack &, bool) override { run.connected(*this); }
  void on_writable() override { run.pump(*this); }
  void on_publish_done(std::uint16_t, protocol::reason_code reason,
                       const protocol::properties &props) override {
    run.publish_done(*this, reason, props);
  }
  void on_message(const protocol::publish &p) override { run.message(*this, p); }
  void on_suback(const protocol::suback &ack) override { run.subscribed(*this, ack); }
  void on_closed(const client::close_reason &why) override { run.closed(*this, why); }

  bench_run &run;
  bench_role kind;
  std::uint32_t index; // among connections of the same role
  std::unique_ptr<client::client> client;
  clock::time_point started{};
  bool up = false, ready = false, closed = false, done = false;
  std::string topic;                 // publisher
  std::vector<std::uint8_t> payload; // publisher: header + filler, rewritten per message
  std::uint32_t sent = 0;            // publisher: next sequence number
  sequence_tracker tracker;          // subscriber
  std::unique_ptr<stream_receipts> receipts; // subscriber, with --output: what came from whom
};

} // namespace mqtk::apps::bench
