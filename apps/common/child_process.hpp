#pragma once

#include "common/runtime.hpp"

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mqtk::apps {

// What to run: argv (argv[0] looked up in PATH), stdin bytes, extra environment, bounds.
struct child_spec {
  // The command and its arguments; use shell_command() for `sh -c STRING`.
  std::vector<std::string> argv;
  // Written to the child's stdin, which is then closed (a child that does not read it is fine).
  std::string stdin_data;
  // Added to (or replacing in) the tool's environment.
  std::vector<std::pair<std::string, std::string>> env;
  // Variables of the tool's environment whose names start with this are not passed on ("MQTT_":
  // only env's MQTT_* reach the child); empty: all are.
  std::string drop_inherited_prefix;
  // At most this many stdout bytes are kept; the rest is read and dropped (output_truncated).
  std::size_t max_output = 1024 * 1024;
  // Zero: no timeout. Otherwise the process group gets SIGTERM after this, SIGKILL after kill_grace
  // (at once when the command already exited and only its group still holds stdout open).
  std::chrono::milliseconds timeout{0};
  // Time between SIGTERM and SIGKILL (timeout and kill()).
  std::chrono::milliseconds kill_grace{2000};
};

// The argv for `sh -c command`.
std::vector<std::string> shell_command(const std::string &command);

// How a child ended.
struct child_result {
  // False when the command could not be started (error says why); the rest is then unset.
  bool started = false;
  // Why the start failed.
  std::string error;
  // Exit status when it exited, else -1.
  int exit_code = -1;
  // The signal that ended it, else 0.
  int signal = 0;
  // The timeout expired and the group was killed.
  bool timed_out = false;
  // stdout (at most max_output bytes).
  std::string output;
  // stdout was longer than max_output.
  bool output_truncated = false;

  // Started, exited with 0, no timeout.
  bool ok() const noexcept { return started && !timed_out && signal == 0 && exit_code == 0; }
  // "exit status 3", "killed by signal 9 (SIGKILL)", "timed out after ...", "could not start: ...".
  std::string describe() const;
};

// One child process in its own process group, driven by rt's loop (never blocks it): stdin written,
// stdout captured, stderr inherited. on_done is called exactly once from the loop, after the child
// was reaped and stdout reached EOF (or the child was killed). Destroying a running child kills its
// group with SIGKILL and reaps it without calling on_done.
class child_process {
public:
  // Starts spec on rt; a start failure is reported through on_done (from the loop) too.
  child_process(runtime &rt, child_spec spec, std::function<void(child_result)> on_done);
  ~child_process();
  child_process(const child_process &) = delete;
  child_process &operator=(const child_process &) = delete;

  // Ends the child: SIGTERM to its group, SIGKILL after kill_grace. on_done still follows.
  void kill();
  // True until on_done was called.
  bool running() const noexcept;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

// Bounds concurrency (--jobs N): at most `limit` tasks run at once, the rest wait in order.
class job_limiter {
public:
  // A limiter allowing limit (at least 1) tasks at a time.
  explicit job_limiter(std::size_t limit);
  // Runs task now or once a slot frees; the task calls the function it gets when it has finished.
  void submit(std::function<void(std::function<void()> done)> task);
  // Tasks running.
  std::size_t running() const noexcept { return running_; }
  // Tasks waiting for a slot.
  std::size_t waiting() const noexcept { return waiting_.size(); }
  // Drops the waiting tasks (they never run).
  void clear_waiting() { waiting_.clear(); }

private:
  void start(std::function<void(std::function<void()> done)> task);
  std::size_t limit_;
  std::size_t running_ = 0;
  std::deque<std::function<void(std::function<void()> done)>> waiting_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace mqtk::apps
