// child_process: stdin in, stdout out (bounded), exit status or signal, timeout kills the group.
#include "../../apps/common/child_process.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <optional>

using mqtk::apps::child_process;
using mqtk::apps::child_result;
using mqtk::apps::child_spec;
using mqtk::apps::job_limiter;
using mqtk::apps::runtime;
using mqtk::apps::shell_command;

namespace {

child_result run_one(child_spec spec) {
  runtime rt;
  child_result out;
  child_process child(rt, std::move(spec), [&](child_result r) {
    out = std::move(r);
    rt.finish(0);
  });
  rt.run();
  return out;
}

} // namespace

TEST_CASE("child_process: stdin reaches the command, stdout is captured, environment added") {
  child_spec spec;
  spec.argv = shell_command("cat; printf ' %s' \"$MQTK_TEST_VALUE\"");
  spec.stdin_data = std::string("hello\0world", 11);
  spec.env = {{"MQTK_TEST_VALUE", "v=1"}};
  const auto r = run_one(spec);
  CHECK(r.ok());
  CHECK(r.exit_code == 0);
  CHECK(r.output == std::string("hello\0world v=1", 15));
  CHECK_FALSE(r.output_truncated);
}

TEST_CASE("child_process: exit status and signal are reported") {
  child_spec spec;
  spec.argv = shell_command("exit 3");
  auto r = run_one(spec);
  CHECK_FALSE(r.ok());
  CHECK(r.exit_code == 3);
  CHECK(r.describe() == "exit status 3");
  spec.argv = shell_command("kill -9 $$");
  r = run_one(spec);
  CHECK(r.signal == SIGKILL);
  CHECK(r.describe() == "killed by signal 9 (SIGKILL)");
}

TEST_CASE("child_process: a command that cannot start is reported") {
  child_spec spec;
  spec.argv = {"/nonexistent/mqtk-no-such-command"};
  const auto r = run_one(spec);
  CHECK_FALSE(r.started);
  CHECK(r.describe().find("could not start") == 0);
}

TEST_CASE("child_process: stdout beyond max_output is dropped and said so") {
  child_spec spec;
  spec.argv = shell_command("head -c 100000 /dev/zero");
  spec.max_output = 1000;
  const auto r = run_one(spec);
  CHECK(r.ok());
  CHECK(r.output.size() == 1000);
  CHECK(r.output_truncated);
}

TEST_CASE("child_process: a hanging command is killed at the timeout, with its group") {
  child_spec spec;
  // The shell ignores SIGTERM, so only SIGKILL after the grace ends it; its sleep holds stdout open.
  spec.argv = shell_command("trap '' TERM; sleep 30 & sleep 30; wait");
  spec.timeout = std::chrono::milliseconds(100);
  spec.kill_grace = std::chrono::milliseconds(100);
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_one(spec);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  CHECK(r.timed_out);
  CHECK_FALSE(r.ok());
}

TEST_CASE("child_process: a command that exits leaving a child holding stdout ends at the timeout") {
  child_spec spec;
  spec.argv = shell_command("sleep 30 & echo started");
  spec.timeout = std::chrono::milliseconds(200);
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_one(spec);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  CHECK(r.timed_out);
  CHECK(r.exit_code == 0);
  CHECK(r.output == "started\n");
}

TEST_CASE("child_process: a command that does not read its stdin is fine") {
  child_spec spec;
  spec.argv = shell_command("exit 0");
  spec.stdin_data.assign(1 << 20, 'x');
  CHECK(run_one(spec).ok());
}

TEST_CASE("job_limiter: at most N run, the rest start in order as slots free") {
  job_limiter limiter(2);
  std::vector<std::function<void()>> finish;
  finish.reserve(4);
  std::vector<int> started;
  for (int i = 0; i < 4; ++i)
    limiter.submit([&, i](std::function<void()> done) {
      started.push_back(i);
      finish.push_back(std::move(done));
    });
  CHECK(started == std::vector<int>{0, 1});
  CHECK(limiter.waiting() == 2);
  finish[1]();
  finish[1](); // a second call is ignored
  CHECK(started == std::vector<int>{0, 1, 2});
  CHECK(limiter.running() == 2);
  finish[0]();
  finish[2]();
  CHECK(started == std::vector<int>{0, 1, 2, 3});
  CHECK(limiter.running() == 1);
}
