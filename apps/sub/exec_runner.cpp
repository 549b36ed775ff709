#include "sub/exec_runner.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/output_buffer.hpp"
#include "mqtk/client/client.hpp"
#include "mqtk/protocol/topic.hpp"

#include <cstdio>

namespace mqtk::apps::sub {

namespace {

// Messages held (queued or running) before reading the broker pauses.
constexpr std::size_t queue_limit = 256;

std::string failure_text(const child_result &result, double timeout) {
  if (!result.timed_out)
    return result.describe();
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "timed out after %g s (process group killed)", timeout);
  return buffer;
}

} // namespace

exec_runner::exec_runner(runtime &rt, const exec_options &o, client::client &client, output_buffer &out)
    : o_(o), client_(client), out_(out),
      dispatch_(rt, o.jobs, o.timeout_duration(), queue_limit,
                [this](const exec_job &job, const child_result &result) { finished(job, result); }) {
  dispatch_.on_room([this] {
    if (on_full_)
      on_full_(false);
  });
}

bool exec_runner::submit(const protocol::publish &m) {
  for (const auto &rule : o_.rules) {
    if (!protocol::topic_matches(rule.filter, m.topic))
      continue;
    taken_ = true;
    if (!dispatch_.submit(m, rule.argv) && on_full_)
      on_full_(true);
    return true;
  }
  return false;
}

void exec_runner::settle(const protocol::publish &m, bool late) {
  const bool taken = taken_;
  taken_ = false;
  if (!o_.ack_after_exec || m.qos == protocol::qos::at_most_once || taken)
    return;
  if (late) // not handled: the broker delivers it again to the next run
    client_.release_inbound(m.packet_id);
  else
    client_.acknowledge_inbound(m.packet_id);
}

void exec_runner::on_full(std::function<void(bool)> fn) { on_full_ = std::move(fn); }

void exec_runner::on_idle(std::function<void()> fn) { dispatch_.on_idle(std::move(fn)); }

void exec_runner::stop(bool kill_running) { dispatch_.stop(kill_running); }

void exec_runner::finished(const exec_job &job, const child_result &result) {
  if (!result.output.empty()) {
    out_.text() += result.output;
    out_.commit();
  }
  if (result.output_truncated)
    print_warning("the command for the message on '" + job.topic +
                  "' wrote more than 1 MiB to stdout; the rest was dropped");
  const bool acknowledging = o_.ack_after_exec && job.qos != protocol::qos::at_most_once;
  if (result.ok()) {
    if (acknowledging)
      client_.acknowledge_inbound(job.packet_id); // an error: the broker did not keep the session
    return;
  }
  std::string line = "the command for the message on '" + job.topic + "' failed: " + failure_text(result, o_.timeout);
  if (acknowledging)
    line += "; not acknowledged: the broker sends it again when this session next connects";
  print_error(line);
}

int exec_runner::final_status(int status) const {
  if (!idle()) // the connection ended for good while commands ran: they are killed with the runner
    print_error(std::to_string(dispatch_.pending()) + " command(s) were still queued or running when the "
                "connection ended; they are killed" + (o_.ack_after_exec ? " and their messages not acknowledged" : ""));
  if (dispatch_.failures() > 0)
    print_error(std::to_string(dispatch_.failures()) + " of " + std::to_string(dispatch_.finished()) +
                " command(s) failed");
  if (dispatch_.failures() == 0 && idle())
    return status;
  return status == exit_ok ? exit_check_failed : status;
}

} // namespace mqtk::apps::sub
