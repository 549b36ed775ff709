// mqtk-bench: the measuring phase of the run: paced publishing, acknowledgements and receipt.
#include "bench/bench_run_parts.hpp"

#include "bench/bench_latency.hpp"
#include "bench/bench_payload.hpp"
#include "bench/bench_report.hpp"
#include "common/diagnostics.hpp"
#include "common/publish_refusal.hpp"
#include "mqtk/protocol/error.hpp"

#include <algorithm>
#include <cmath>

namespace mqtk::apps::bench {

using namespace run_detail;

// ---- measuring ----------------------------------------------------------------------------------

void bench_run::begin_measuring() {
  return_free_memory(); // what the handshakes used: the RSS now shows what the connections hold
  phase_ = phase::measuring;
  measure_start_ = last_report_ = clock::now();
  measure_start_wall_ns_ = wall_clock_ns(); // message k of a paced publisher is due k / rate after it
  recorder_.begin(measure_start_wall_ns_);
  report_timer_.start(seconds(o_.interval), [this] { report_progress(); });
  const bool publishes = o_.mode == bench_mode::pub || o_.mode == bench_mode::pubsub;
  if (publishes) {
    publishing_ = true;
    pump_all();
  }
  if (o_.mode == bench_mode::conn && o_.duration == 0) {
    close_all();
    return;
  }
  if (o_.duration > 0)
    end_timer_.start(seconds(o_.duration), [this] {
      if (publishing_) {
        duration_over_ = true;
        if (o_.rate > 0) { // what fell due before the end and a late tick has not sent yet
          tick_due_ = publish_due(clock::now());
          for (auto &c : connections_)
            if (c->kind == bench_role::publisher)
              pump(*c);
        }
        end_publishing(publish_end::duration);
      } else if (phase_ == phase::measuring) {
        close_all();
      }
    });
}

std::uint64_t bench_run::publish_due(clock::time_point now) const {
  if (o_.rate <= 0)
    return ~std::uint64_t{0};
  const auto due = static_cast<std::uint64_t>(std::floor(o_.rate * since(measure_start_, now))) + 1;
  return due_limit_ > 0 ? std::min(due, due_limit_) : due;
}

void bench_run::pump_all() {
  tick_due_ = publish_due(clock::now());
  for (auto &c : connections_)
    if (c->kind == bench_role::publisher)
      pump(*c);
  if (!publishing_)
    return;
  // Paced: wake when the next message falls due (the schedule's time, not one tick after this
  // wake-up, which would drift and make every message late by up to a tick).
  auto wait = std::max<std::chrono::steady_clock::duration>(max_tick, seconds(schedule_.tick_s));
  if (o_.rate > 0) {
    const double elapsed = since(measure_start_, clock::now());
    wait = std::min(wait, seconds(schedule_.next_send(elapsed) - elapsed) + std::chrono::microseconds(1));
  }
  publish_timer_.start(wait, [this] { pump_all(); });
}

void bench_run::pump(connection &c) {
  if (!publishing_ || c.kind != bench_role::publisher || !c.up || c.done)
    return;
  const auto now = clock::now();
  const std::uint64_t written = wall_clock_ns(); // the batch goes out in one write after the loop
  // What was due at the last tick: a write completing (on_writable) or an acknowledgement between
  // ticks sends only what a full window or socket held back, so a publisher writes once per tick.
  while (c.sent < tick_due_) {
    if (o_.count > 0 && c.sent >= o_.count) {
      c.done = true;
      break;
    }
    if (c.client->pending_output() > max_unwritten)
      break;
    const std::uint64_t intended = o_.rate > 0 ? intended_send_ns(measure_start_wall_ns_, c.sent, o_.rate) : 0;
    write_bench_header(c.payload, {run_id_, c.index, c.sent, written, intended});
    protocol::publish p;
    p.topic = c.topic;
    p.payload = {c.payload.data(), c.payload.size()};
    p.qos = static_cast<protocol::qos>(o_.qos);
    const auto result = c.client->queue_publish(p, now); // written together after the loop
    if (result.error == protocol::errc::would_block || result.error == protocol::errc::not_connected)
      break;
    if (result.error) {
      if (!first_refusal_) {
        const auto limit = broker_limit_refusal(result.error, c.client->session().limits());
        first_refusal_ = "cannot publish to '" + c.topic + "': " + limit.value_or(result.error.message());
        print_error(*first_refusal_);
      }
      c.done = true;
      break;
    }
    ++c.sent;
    recorder_.sent();
  }
  c.client->flush();
  if (o_.count > 0 && c.sent >= o_.count)
    c.done = true;
  if (c.done)
    check_publishers_done();
}

void bench_run::count_behind_schedule() {
  if (o_.rate <= 0)
    return;
  const auto now = clock::now();
  const std::uint64_t due = publish_due(now);
  schedule_backlog backlog;
  for (const auto &c : connections_)
    if (c->kind == bench_role::publisher && c->up && !c->done)
      backlog.add(since(measure_start_, now), due, c->sent, o_.rate);
  totals_.behind_schedule = backlog.messages;
  totals_.behind_schedule_oldest_ns = backlog.oldest_wait_ns;
}

void bench_run::check_publishers_done() {
  if (!publishing_)
    return;
  bool all_sent = o_.count > 0;
  for (const auto &c : connections_) {
    if (c->kind != bench_role::publisher)
      continue;
    if (c->up && !c->done)
      return;
    all_sent = all_sent && c->sent >= o_.count;
  }
  end_publishing(duration_over_ ? publish_end::duration
                 : all_sent     ? publish_end::completed
                                : publish_end::stopped);
}

void bench_run::publish_done(connection &c, protocol::reason_code reason, const protocol::properties &props) {
  recorder_.acknowledged(protocol::is_error(reason));
  if (protocol::is_error(reason)) {
    if (!first_refusal_) {
      first_refusal_ =
          "the broker refused a message on '" + c.topic + "': " + protocol::reason_code_text(reason);
      if (props.reason_string)
        *first_refusal_ += ": " + std::string(*props.reason_string);
      print_error(*first_refusal_);
    }
  }
  if (phase_ == phase::draining)
    check_drained();
  else
    pump(c);
}

void bench_run::message(connection &c, const protocol::publish &p) {
  const std::uint64_t arrival = c.client->arrival_ns(); // when the kernel had it, not now
  if (arrival != last_arrival_ns_) { // a new read: one clock read per read, not per message
    last_arrival_ns_ = arrival;
    last_receive_ = clock::now();
  }
  recorder_.received(c.tracker, p.payload, arrival);
  if (c.receipts)
    c.receipts->add(p.payload);
  if (o_.cpu.read_hold)
    read_pacer_.message_handled(p.payload, arrival);
  if (phase_ == phase::draining)
    check_drained();
  else if (o_.mode == bench_mode::sub && o_.count > 0 && totals_.received >= o_.count &&
           phase_ == phase::measuring)
    close_all();
}


} // namespace mqtk::apps::bench
