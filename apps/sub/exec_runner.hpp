#pragma once

#include "sub/exec_dispatch.hpp"
#include "sub/sub_options_exec.hpp"

#include <cstdint>
#include <functional>

namespace mqtk::client {
class client;
} // namespace mqtk::client

namespace mqtk::apps {
class output_buffer;
} // namespace mqtk::apps

namespace mqtk::apps::sub {

// mqtk-sub with --exec, -- COMMAND or --exec-table: hands each message to the command of the first
// rule whose filter matches its topic (exec_dispatch), writes each command's stdout to out as one
// block when it ends, reports failures on stderr (topic escaped), and with --ack-after-exec sends
// the PUBACK/PUBREC of a QoS 1/2 message only after its command succeeded.
class exec_runner {
public:
  // Runs o's rules on rt; acknowledges through client; output goes to out.
  exec_runner(runtime &rt, const exec_options &o, client::client &client, output_buffer &out);
  // Queues m's command; false when no rule's filter matches its topic (m is then not run).
  bool submit(const protocol::publish &m);
  // After the message was handled: with --ack-after-exec acknowledges m at once when submit did not
  // take it (filtered out, not matching), unless late (the run was ending: the broker keeps it).
  void settle(const protocol::publish &m, bool late);
  // fn(true) when reading should pause (too many messages wait), fn(false) when it may go on.
  void on_full(std::function<void(bool)> fn);
  // Called when the last queued or running command ended.
  void on_idle(std::function<void()> fn);
  // True when no command is queued or running.
  bool idle() const noexcept { return dispatch_.pending() == 0; }
  // The run is ending unsuccessfully: queued commands are dropped; running ones are killed with
  // kill_running, else they end by themselves (within --exec-timeout).
  void stop(bool kill_running);
  // At the end of the run: prints the summary when a command failed or is still queued or running
  // (the connection ended for good: they are killed) and turns status 0 into exit_check_failed then.
  int final_status(int status) const;

private:
  void finished(const exec_job &job, const child_result &result);
  const exec_options &o_;
  client::client &client_;
  output_buffer &out_;
  exec_dispatch dispatch_;
  bool taken_ = false; // submit() took the message on_message is handling
  std::function<void(bool)> on_full_;
};

} // namespace mqtk::apps::sub
