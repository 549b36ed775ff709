#include "common/stdout_writer.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/fd_writer.hpp"
#include "common/runtime.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

namespace mqtk::apps {

namespace {

using clock = std::chrono::steady_clock;

// Unflushed text is written once this much is pending (like stdio's buffer).
constexpr std::size_t write_size = 8 * 1024;
// Past this much unwritten text (a reader that stopped reading), writing waits for the reader.
constexpr std::size_t wait_size = 16 * 1024 * 1024;
// How long a reader may take nothing while writing waits for it (at exit, or past wait_size).
constexpr std::chrono::seconds stall_limit{10};
// After SIGINT/SIGTERM (exit status 130, or a signal during the wait), how long the rest may take in all.
constexpr std::chrono::seconds interrupted_limit{2};

struct stdout_state {
  fd_writer writer{STDOUT_FILENO};
  std::string pending;
  bool failed = false;
  bool broken_pipe = false;
};

// Set once state() built the writer (which inspects, and may reopen, fd 1).
bool state_built = false;

stdout_state &state() {
  static stdout_state s;
  state_built = true;
  return s;
}

// Records the failure whose errno is error (0: unknown) and says so unless the reader went away.
void failed(int error, const std::string &why = {}) {
  auto &s = state();
  s.failed = true;
  s.broken_pipe = error == EPIPE;
  s.pending.clear();
  if (!s.broken_pipe)
    print_error("cannot write to stdout: " + (!why.empty() ? why
                                              : error != 0 ? std::strerror(error)
                                                           : "write failed"));
}

// Writes what stdout takes now; false once output failed.
bool write_pending() {
  auto &s = state();
  const auto r = s.writer.write_some(s.pending);
  s.pending.erase(0, r.written);
  if (r.error != 0) {
    failed(r.error);
    return false;
  }
  return true;
}

// Waits for the reader until at most keep bytes are pending, giving up after limit without
// progress; once interrupted (from the start, or by a signal meanwhile: the loop is not running to
// handle it) after interrupted_limit in all. False once output failed.
bool wait_until(std::size_t keep, std::chrono::seconds limit, bool interrupted) {
  auto &s = state();
  auto progress_at = clock::now();
  auto deadline = interrupted ? progress_at + interrupted_limit : clock::time_point::max();
  while (!s.failed && s.pending.size() > keep) {
    const std::size_t before = s.pending.size();
    if (!write_pending())
      return false;
    const auto now = clock::now();
    if (s.pending.size() < before)
      progress_at = now;
    if (s.pending.size() <= keep)
      break;
    const auto left = std::min(progress_at + limit, deadline) - now;
    if (left <= clock::duration::zero()) {
      const std::string lost = std::to_string(s.pending.size()) + " byte(s) were not written";
      failed(0, now >= deadline
                    ? "interrupted; " + lost
                    : "its reader took nothing for " + std::to_string(limit.count()) + " s; " + lost);
      return false;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1;
    s.writer.wait_writable(static_cast<int>(std::min<long long>(ms, 100)));
    if (deadline == clock::time_point::max() && interrupt_signal_arrived())
      deadline = now + interrupted_limit; // SIGINT or SIGTERM, in the wait or before it
  }
  return !s.failed;
}

} // namespace

bool write_stdout(std::string_view text, bool flush) {
  auto &s = state();
  if (s.failed)
    return false;
  s.pending.append(text);
  if ((flush || s.pending.size() >= write_size) && !write_pending())
    return false;
  if (s.pending.size() > wait_size)
    return wait_until(wait_size / 2, stall_limit, false);
  return true;
}

int finish_stdout(int status) {
  if (!state_built)
    return status; // nothing was ever written: no need to look at stdout (three system calls)
  auto &s = state();
  if (!s.failed)
    wait_until(0, stall_limit, status == exit_interrupted);
  if (s.failed && !s.broken_pipe && status == exit_ok)
    return exit_internal;
  return status;
}

} // namespace mqtk::apps
