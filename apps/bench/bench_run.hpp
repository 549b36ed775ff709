#pragma once

#include "bench/bench.hpp"
#include "bench/bench_fleet.hpp"
#include "bench/bench_read_pacer.hpp"
#include "bench/bench_limits.hpp"
#include "bench/bench_recorder.hpp"
#include "bench/bench_start_gate.hpp"
#include "bench/bench_stats.hpp"
#include "common/runtime.hpp"
#include "mqtk/client/client.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace mqtk::apps::bench {

class bench_exports;

// One benchmark run: opens the connections at the connect rate, subscribes, publishes for the
// duration (or count) while reporting progress, drains, disconnects, then prints the summary and
// ends the runtime with the exit status. Every connection shares the runtime's one thread.
class bench_run {
public:
  // A run of options against base's broker; connection i gets base with its own client id.
  bench_run(runtime &rt, const bench_options &options, client::client_options base);
  ~bench_run();
  bench_run(const bench_run &) = delete;
  bench_run &operator=(const bench_run &) = delete;

  // Starts connecting; the runtime's loop does the rest.
  void start();

private:
  using clock = std::chrono::steady_clock;
  enum class phase { connecting, measuring, draining, closing, done };
  struct connection;
  struct progress_printer;

  // Connection events.
  void connected(connection &c);
  void subscribed(connection &c, const protocol::suback &ack);
  void publish_done(connection &c, protocol::reason_code reason, const protocol::properties &props);
  void message(connection &c, const protocol::publish &p);
  void closed(connection &c, const client::close_reason &why);

  // Phases.
  void start_due_connections();
  void check_ready();
  void begin_measuring();
  void pump(connection &c);
  void pump_all();
  void check_publishers_done();
  void count_behind_schedule(); // --rate: what fell due and was not sent, into the totals
  void end_publishing(publish_end how);
  void check_drained();
  void close_all();
  void finish();
  void report_progress();
  void fail(const client::close_reason &why);
  std::uint64_t publish_due(clock::time_point now) const;
  // Shards: a pubsub drain also waits for what every shard's publishers are due to send (-n, or
  // --rate x -D), at most --drain.
  bool shard_drain_pending(std::uint64_t up_subscribers) const;
  // --output: writes the result document; a failure to write turns status 0 into 1.
  void write_result(int &status);

  runtime &rt_;
  const bench_options &o_;
  client::client_options base_;
  std::uint32_t run_id_;
  std::vector<std::unique_ptr<connection>> connections_;
  std::size_t started_ = 0, ready_ = 0, closed_ = 0, subscribers_ = 0;
  phase phase_ = phase::connecting;
  bool interrupted_ = false, publishing_ = false;
  bool duration_over_ = false;   // -D elapsed: publishing ends by the duration
  publish_schedule schedule_;    // --rate, --count, -D: what publishers are due to send
  std::uint64_t due_limit_ = 0;  // schedule_.messages(): no publisher sends more (0: no limit)
  std::uint64_t tick_due_ = 0;   // publish_due at the last tick: what pump may send until the next
  clock::time_point first_attempt_{}, last_connack_{}, measure_start_{}, last_receive_{}, last_report_{};
  std::uint64_t measure_start_wall_ns_ = 0; // measure_start_ in CLOCK_REALTIME: the schedule's origin
  runtime::timer connect_timer_, publish_timer_, report_timer_, end_timer_, drain_timer_, close_timer_;
  read_pacer read_pacer_; // holds reads back under a backlogged stream (bench_read_hold.hpp)
  std::uint64_t last_arrival_ns_ = 0; // the arrival stamp of the last message received
  bench_recorder recorder_;
  bench_totals &totals_; // recorder_.totals()
  std::unique_ptr<progress_printer> progress_;
  std::optional<client::close_reason> first_failure_;
  std::optional<std::string> first_refusal_;
  limit_reporter limits_; // names the system limit behind failed connections, once
  std::string out_;
  start_gate start_gate_;               // --start-at
  std::unique_ptr<bench_exports> exports_; // --hdr-log, --plot, --metrics-listen
};

} // namespace mqtk::apps::bench
