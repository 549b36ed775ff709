// mqtk-bench: the run, its start and the connecting phase (bench_run_publishing.cpp measures,
// bench_run_end.cpp ends it).
#include "bench/bench_run_parts.hpp"

#include "bench/bench_cluster.hpp"
#include "bench/bench_exports.hpp"
#include "bench/bench_report.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "mqtk/client/entropy.hpp"
#include "mqtk/protocol/error.hpp"

#include <algorithm>
#include <cmath>

namespace mqtk::apps::bench {

using namespace run_detail;

bench_run::bench_run(runtime &rt, const bench_options &options, client::client_options base)
    : rt_(rt), o_(options), base_(std::move(base)), run_id_(static_cast<std::uint32_t>(client::random_u64())), connect_timer_(rt),
      publish_timer_(rt), report_timer_(rt), end_timer_(rt), drain_timer_(rt), close_timer_(rt), read_pacer_(rt),
      // A pubsub shard also receives (and measures) the other shards' messages: they are its run too.
      recorder_(run_id_, options.mode == bench_mode::pubsub && options.shard.count == 1), totals_(recorder_.totals()),
      start_gate_(rt, options.shard.start_at_ns) {
  if (!o_.quiet) {
    progress_ = std::make_unique<progress_printer>(o_);
    recorder_.add_sink(*progress_);
  }
  base_.reconnect.enabled = false; // a lost connection is a result to report, not to hide
  schedule_ = {o_.rate, o_.count, o_.duration, pacing_tick_ms(o_) / 1000};
  due_limit_ = schedule_.messages();
  totals_.brokers = plan_broker_shares(o_);
  const bench_role role = main_role(o_.mode);
  // pubsub: subscribers connect first so that they see every message. Indices are global: a
  // shard runs its slice of them.
  const fleet_slice subs = subscriber_slice(o_), mains = main_slice(o_);
  for (std::uint32_t i = subs.first; i < subs.first + subs.count; ++i)
    connections_.push_back(std::make_unique<connection>(*this, bench_role::subscriber, i));
  for (std::uint32_t i = mains.first; i < mains.first + mains.count; ++i)
    connections_.push_back(std::make_unique<connection>(*this, role, i));
  for (auto &c : connections_) {
    if (c->kind == bench_role::subscriber)
      ++subscribers_;
    if (c->kind == bench_role::subscriber && !o_.shard.output.empty())
      c->receipts = std::make_unique<stream_receipts>();
    if (c->kind == bench_role::publisher) {
      c->topic = expand_topic(o_.topic, c->index);
      c->payload.assign(o_.size, 'x');
    }
  }
}

bench_run::~bench_run() = default;

void bench_run::start() {
  exports_ = std::make_unique<bench_exports>(rt_, o_, recorder_);
  if (auto problem = exports_->start(); !problem.empty()) {
    print_error(problem);
    rt_.finish(exit_usage);
    return;
  }
  rt_.on_interrupt([this] {
    interrupted_ = true;
    if (phase_ == phase::measuring)
      end_publishing(publish_end::stopped);
    if (phase_ != phase::closing && phase_ != phase::done)
      close_all();
  });
  first_attempt_ = clock::now();
  start_due_connections();
}

// ---- connecting ---------------------------------------------------------------------------------

void bench_run::start_due_connections() {
  if (phase_ != phase::connecting)
    return;
  const auto now = clock::now();
  const auto due = static_cast<std::size_t>(std::floor(o_.connect_rate * since(first_attempt_, now))) + 1;
  while (started_ < connections_.size() && started_ < due) {
    connection &c = *connections_[started_];
    // pubsub publishers wait until every subscriber is subscribed (or gone).
    if (c.kind == bench_role::publisher && o_.mode == bench_mode::pubsub && ready_ + closed_ < subscribers_)
      break;
    c.client = std::make_unique<client::client>(rt_.io(), fleet_client_options(o_, base_, c.kind, c.index), c);
    c.started = now;
    ++started_;
    recorder_.attempted();
    c.client->start();
  }
  if (started_ < connections_.size())
    connect_timer_.start(tick_for(o_.connect_rate), [this] { start_due_connections(); });
}

void bench_run::connected(connection &c) {
  const auto now = clock::now();
  c.up = true;
  recorder_.connected(static_cast<std::uint64_t>(std::chrono::nanoseconds(now - c.started).count()));
  if (!totals_.brokers.empty())
    ++totals_.brokers[broker_slot(o_, c.kind, c.index)].connected;
  last_connack_ = now;
  if (c.kind == bench_role::subscriber) {
    protocol::subscribe request;
    const std::string filter = o_.mode == bench_mode::pubsub ? subscriber_filter(o_.topic) : o_.topic;
    request.subscriptions.push_back({filter, {static_cast<protocol::qos>(o_.qos)}});
    if (auto r = c.client->subscribe(request); r.error) {
      first_refusal_ = "cannot subscribe to '" + filter + "': " + r.error.message();
      print_error(*first_refusal_);
      close_all();
    }
    return;
  }
  c.ready = true;
  ++ready_;
  if (phase_ == phase::measuring && c.kind == bench_role::publisher)
    pump(c);
  check_ready();
}

void bench_run::subscribed(connection &c, const protocol::suback &ack) {
  for (protocol::reason_code reason : ack.reasons)
    if (protocol::is_error(reason)) {
      if (!first_refusal_) {
        first_refusal_ = "the broker refused the subscription to '" + o_.topic +
                         "': " + protocol::reason_code_text(reason);
        print_error(*first_refusal_);
      }
      close_all();
      return;
    }
  c.ready = true;
  ++ready_;
  start_due_connections();
  check_ready();
}

void bench_run::check_ready() {
  if (phase_ != phase::connecting || started_ < connections_.size())
    return;
  std::size_t settled = 0;
  for (const auto &c : connections_)
    settled += c->ready || c->closed ? 1 : 0;
  if (settled < connections_.size())
    return;
  totals_.connect_seconds = totals_.connected ? since(first_attempt_, last_connack_) : 0;
  if (ready_ == 0) {
    close_all();
    return;
  }
  if (start_gate_.hold([this] { begin_measuring(); })) { // --start-at: wait connected
    if (std::none_of(connections_.begin(), connections_.end(), [](const auto &c) { return c->up; }))
      close_all();
    return;
  }
  begin_measuring();
}


void bench_run::report_progress() {
  const auto now = clock::now();
  recorder_.end_interval(since(measure_start_, now), since(last_report_, now), totals_.connected - totals_.lost);
  last_report_ = now;
  if (phase_ == phase::measuring || phase_ == phase::draining)
    report_timer_.start(seconds(o_.interval), [this] { report_progress(); });
}


} // namespace mqtk::apps::bench
