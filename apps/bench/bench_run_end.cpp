// mqtk-bench: the end of the run: draining, closing, the summary, the result and the exit status.
#include "bench/bench_run_parts.hpp"

#include "bench/bench_exports.hpp"
#include "bench/bench_report.hpp"
#include "bench/bench_result_file.hpp"
#include "bench/bench_result_json.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/stdout_writer.hpp"
#include "mqtk/net/url.hpp"

#include <algorithm>
#include <cmath>

namespace mqtk::apps::bench {

using namespace run_detail;

// ---- the end ------------------------------------------------------------------------------------

void bench_run::end_publishing(publish_end how) {
  if (!publishing_)
    return;
  count_behind_schedule();
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
    if (unique < totals_.sent * up_subscribers || shard_drain_pending(up_subscribers))
      return;
  }
  close_all();
}

bool bench_run::shard_drain_pending(std::uint64_t up_subscribers) const {
  if (o_.shard.count < 2 || due_limit_ == 0)
    return false;
  const std::uint64_t unique = totals_.received - totals_.duplicates - totals_.foreign;
  return unique < due_limit_ * o_.clients * up_subscribers;
}

void bench_run::close_all() {
  if (phase_ == phase::closing || phase_ == phase::done)
    return;
  if (phase_ == phase::connecting)
    totals_.connect_seconds = totals_.connected ? since(first_attempt_, last_connack_) : 0;
  if (publishing_) {
    count_behind_schedule();
    publishing_ = false;
    totals_.publish_seconds = schedule_.window(publish_end::stopped, since(measure_start_, clock::now()));
  }
  const bool measured = phase_ != phase::connecting;
  phase_ = phase::closing;
  for (auto *t : {&connect_timer_, &publish_timer_, &report_timer_, &end_timer_, &drain_timer_})
    t->cancel();
  start_gate_.cancel();
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
  if (o_.mode == bench_mode::pubsub && o_.shard.count == 1) // a shard cannot know what the others sent
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
    // A connection that was up and ends in an error while we close, or before our DISCONNECT was
    // written (a broker cut that the loop saw only after the others), was lost, not closed by us:
    // count it, as the run's status already reports the first failure.
    if (was_up && (why.kind != client::close_kind::normal || why.goodbye_unsent))
      ++totals_.lost;
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
    append_summary(out_, shard_view(o_), totals_, checks);
    if (o_.shard.output != "-") // else stdout carries the result document alone
      write_stdout(out_);
    for (const auto &check : checks)
      if (!check.passed) {
        checks_passed = false;
        print_error(check_failure_line(check));
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
  if (exports_->report_failures() && status == exit_ok)
    status = exit_internal;
  if (!o_.shard.output.empty())
    write_result(status);
  rt_.finish(status);
}

void bench_run::write_result(int &status) {
  bench_result r;
  r.run_id = run_id_;
  r.status = status;
  r.measure_start_ns = measure_start_wall_ns_;
  r.late_start_s = start_gate_.late_seconds();
  r.broker = net::to_url(base_.endpoint);
  r.filter = o_.mode == bench_mode::pubsub ? subscriber_filter(o_.topic) : o_.mode == bench_mode::sub ? o_.topic : "";
  r.options = o_;
  r.options.connection = {};
  r.totals = totals_;
  for (const auto &c : connections_) {
    if (c->kind == bench_role::publisher)
      add_publisher(r, c->index, c->sent);
    if (c->kind == bench_role::subscriber)
      r.subscribers.push_back({c->index, c->ready, c->receipts ? c->receipts->groups() : std::vector<receipt_group>{}});
  }
  if (auto problem = write_result_output(o_.shard, result_document(r)); !problem.empty()) {
    print_error(problem);
    if (status == exit_ok)
      status = exit_internal;
  }
}


} // namespace mqtk::apps::bench
