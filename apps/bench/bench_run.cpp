// mqtk-bench: the run. Connections, subscriptions, paced publishing, receipt with latency and loss
// accounting, draining, and the end with the summary and the exit status.
#include "bench/bench_run.hpp"

#include "bench/bench_payload.hpp"
#include "bench/bench_report.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/publish_refusal.hpp"
#include "common/stdout_writer.hpp"
#include "mqtk/protocol/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

namespace mqtk::apps::bench {

namespace {

constexpr std::size_t max_unwritten = 1 << 16; // a publisher pauses above 64 KiB of unwritten output
constexpr auto max_tick = std::chrono::milliseconds(10);
constexpr auto close_grace = std::chrono::seconds(5);

std::chrono::steady_clock::duration seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

double since(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// The pacing tick for a rate per second: one event per tick, between 1 and 10 ms.
std::chrono::steady_clock::duration tick_for(double rate) {
  const auto tick = seconds(1.0 / rate);
  return std::clamp<std::chrono::steady_clock::duration>(tick, std::chrono::milliseconds(1), max_tick);
}

} // namespace

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
};

bench_run::bench_run(runtime &rt, const bench_options &options, client::client_options base)
    : rt_(rt), o_(options), base_(std::move(base)), run_id_(std::random_device{}()), connect_timer_(rt),
      publish_timer_(rt), report_timer_(rt), end_timer_(rt), drain_timer_(rt), close_timer_(rt),
      recorder_(run_id_, options.mode == bench_mode::pubsub), totals_(recorder_.totals()) {
  if (!o_.quiet) {
    progress_ = std::make_unique<progress_printer>(o_);
    recorder_.add_sink(*progress_);
  }
  base_.reconnect.enabled = false; // a lost connection is a result to report, not to hide
  schedule_ = {o_.rate, o_.count, o_.duration,
               o_.rate > 0 ? std::chrono::duration<double>(tick_for(o_.rate)).count() : 0.0};
  due_limit_ = schedule_.messages();
  const bool pubsub = o_.mode == bench_mode::pubsub;
  const bench_role role = main_role(o_.mode);
  // pubsub: subscribers connect first so that they see every message.
  if (pubsub)
    for (std::uint32_t i = 0; i < o_.subscribers; ++i)
      connections_.push_back(std::make_unique<connection>(*this, bench_role::subscriber, i));
  for (std::uint32_t i = 0; i < o_.clients; ++i)
    connections_.push_back(std::make_unique<connection>(*this, role, i));
  for (auto &c : connections_) {
    if (c->kind == bench_role::subscriber)
      ++subscribers_;
    if (c->kind == bench_role::publisher) {
      c->topic = expand_topic(o_.topic, c->index);
      c->payload.assign(o_.size, 'x');
    }
  }
}

bench_run::~bench_run() = default;

void bench_run::start() {
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
  begin_measuring();
}

// ---- measuring ----------------------------------------------------------------------------------

void bench_run::begin_measuring() {
  return_free_memory(); // what the handshakes used: the RSS now shows what the connections hold
  phase_ = phase::measuring;
  measure_start_ = last_report_ = clock::now();
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
        if (o_.rate > 0) // what fell due before the end and a late tick has not sent yet
          for (auto &c : connections_)
            if (c->kind == bench_role::publisher)
              pump(*c);
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
  for (auto &c : connections_)
    if (c->kind == bench_role::publisher)
      pump(*c);
  if (publishing_)
    publish_timer_.start(o_.rate > 0 ? tick_for(o_.rate) : max_tick, [this] { pump_all(); });
}

void bench_run::pump(connection &c) {
  if (!publishing_ || c.kind != bench_role::publisher || !c.up || c.done)
    return;
  const std::uint64_t due = publish_due(clock::now());
  while (c.sent < due) {
    if (o_.count > 0 && c.sent >= o_.count) {
      c.done = true;
      break;
    }
    if (c.client->pending_output() > max_unwritten)
      break;
    write_bench_header(c.payload, {run_id_, c.index, c.sent, wall_clock_ns()});
    protocol::publish p;
    p.topic = c.topic;
    p.payload = {c.payload.data(), c.payload.size()};
    p.qos = static_cast<protocol::qos>(o_.qos);
    const auto result = c.client->publish(p);
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
  if (o_.count > 0 && c.sent >= o_.count)
    c.done = true;
  if (c.done)
    check_publishers_done();
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
  last_receive_ = clock::now();
  recorder_.received(c.tracker, p.payload, wall_clock_ns());
  if (phase_ == phase::draining)
    check_drained();
  else if (o_.mode == bench_mode::sub && o_.count > 0 && totals_.received >= o_.count &&
           phase_ == phase::measuring)
    close_all();
}

void bench_run::report_progress() {
  const auto now = clock::now();
  recorder_.end_interval(since(measure_start_, now), since(last_report_, now), totals_.connected - totals_.lost);
  last_report_ = now;
  if (phase_ == phase::measuring || phase_ == phase::draining)
    report_timer_.start(seconds(o_.interval), [this] { report_progress(); });
}

// ---- the end ------------------------------------------------------------------------------------

void bench_run::end_publishing(publish_end how) {
  if (!publishing_)
    return;
  publishing_ = false;
  publish_timer_.cancel();
  totals_.publish_seconds = schedule_.window(how, since(measure_start_, clock::now()));
  phase_ = phase::draining;
  if (interrupted_)
    return;
  drain_timer_.start(seconds(o_.drain), [this] { close_all(); });
  check_drained();
}

void bench_run::check_drained() {
  if (phase_ != phase::draining)
    return;
  std::uint64_t up_subscribers = 0;
  for (const auto &c : connections_) {
    if (c->kind == bench_role::publisher && c->up && c->client->session().inflight() > 0)
      return;
    if (c->kind == bench_role::subscriber && c->up && c->ready)
      ++up_subscribers;
  }
  if (o_.mode == bench_mode::pubsub) {
    const std::uint64_t unique = totals_.received - totals_.duplicates - totals_.foreign;
    if (unique < totals_.sent * up_subscribers)
      return;
  }
  close_all();
}

void bench_run::close_all() {
  if (phase_ == phase::closing || phase_ == phase::done)
    return;
  if (phase_ == phase::connecting)
    totals_.connect_seconds = totals_.connected ? since(first_attempt_, last_connack_) : 0;
  if (publishing_) {
    publishing_ = false;
    totals_.publish_seconds = schedule_.window(publish_end::stopped, since(measure_start_, clock::now()));
  }
  const bool measured = phase_ != phase::connecting;
  phase_ = phase::closing;
  for (auto *t : {&connect_timer_, &publish_timer_, &report_timer_, &end_timer_, &drain_timer_})
    t->cancel();
  if (measured) {
    // pubsub: over the publish window when paced (messages that come after it count: the latency
    // shows how late), else until the last message arrived; sub: the whole time it listened.
    const bool pubsub = o_.mode == bench_mode::pubsub;
    if (pubsub && o_.rate > 0)
      totals_.receive_seconds = totals_.publish_seconds;
    else
      totals_.receive_seconds =
          since(measure_start_, pubsub && totals_.received > 0 ? last_receive_ : clock::now());
  }
  // Every subscriber that subscribed should have had every message: one lost during the run
  // missed what came after, and that counts as loss.
  std::uint64_t subscribed = 0;
  for (auto &c : connections_) {
    if (c->kind == bench_role::publisher && c->client)
      totals_.unacknowledged += c->client->session().inflight();
    if (c->kind == bench_role::subscriber && c->ready)
      ++subscribed;
  }
  if (o_.mode == bench_mode::pubsub)
    totals_.expected = totals_.sent * subscribed;
  close_timer_.start(close_grace, [this] { finish(); });
  for (auto &c : connections_) {
    if (c->closed || !c->client)
      continue;
    if (c->up)
      c->client->disconnect();
    else
      c->client->abort();
  }
  if (closed_ == started_)
    finish();
}

void bench_run::closed(connection &c, const client::close_reason &why) {
  if (c.closed)
    return;
  c.closed = true;
  ++closed_;
  const bool was_up = c.up;
  c.up = false;
  if (phase_ == phase::closing) {
    if (closed_ == started_)
      finish();
    return;
  }
  if (why.kind != client::close_kind::normal) {
    if (was_up)
      ++totals_.lost;
    else
      ++totals_.failed;
    fail(why);
    limits_.failed(why, totals_.connected);
  }
  if (phase_ == phase::connecting) {
    start_due_connections();
    check_ready();
  } else if (phase_ == phase::draining) {
    check_drained();
  } else if (phase_ == phase::measuring) {
    if (c.kind == bench_role::publisher)
      check_publishers_done();
    bool any_up = false;
    for (const auto &other : connections_)
      any_up = any_up || other->up;
    if (!any_up)
      close_all();
  }
}

void bench_run::fail(const client::close_reason &why) {
  if (first_failure_ || why.kind == client::close_kind::normal)
    return;
  first_failure_ = why;
  print_error(why.message);
}

void bench_run::finish() {
  if (phase_ == phase::done)
    return;
  phase_ = phase::done;
  close_timer_.cancel();
  const bool nothing_ran = totals_.connected == 0;
  bool checks_passed = true;
  recorder_.finish();
  if (!nothing_ran) {
    const auto checks = check_thresholds(o_, totals_);
    out_.clear();
    append_summary(out_, o_, totals_, checks);
    write_stdout(out_);
    for (const auto &check : checks)
      if (!check.passed) {
        checks_passed = false;
        char line[256];
        std::snprintf(line, sizeof line, "check failed: %s %.3f is %s %s %.3f", check.what.c_str(),
                      check.value, check.flag == "--min-rate" ? "below" : "above", check.flag.c_str(),
                      check.limit);
        print_error(line);
      }
  }
  if (first_failure_ && totals_.failed + totals_.lost > 1) {
    const std::string of = " of " + std::to_string(totals_.attempted) + " connections ";
    std::string line;
    if (totals_.failed > 0)
      line = std::to_string(totals_.failed) + of + "failed";
    if (totals_.lost > 0)
      line += (line.empty() ? std::to_string(totals_.lost) + of : ", " + std::to_string(totals_.lost) + " ") +
              "were lost during the run";
    print_error(line);
  }
  if (totals_.unacknowledged > 0)
    print_error(std::to_string(totals_.unacknowledged) + " message(s) were not acknowledged");
  int status = exit_ok;
  if (first_failure_)
    status = exit_status_for(*first_failure_, totals_.unacknowledged > 0);
  else if (interrupted_)
    status = exit_interrupted;
  else if (totals_.unacknowledged > 0)
    status = exit_incomplete;
  else if (totals_.refused > 0 || first_refusal_)
    status = exit_operation_refused;
  else if (!checks_passed)
    status = exit_check_failed;
  rt_.finish(status);
}

} // namespace mqtk::apps::bench
