#pragma once

#include "common/fd_wait.hpp"
#include "common/fd_writer.hpp"
#include "common/runtime.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace mqtk::apps {

// Data output (stdout) collected in one large buffer and written in big chunks, never once per
// message: as soon as it holds threshold bytes, at most max_delay after the first unwritten byte
// (with max_delay 0: once the event loop has handled the events at hand, for a terminal), and on
// flush(). Writing never blocks the loop (see fd_writer): what the descriptor does not take now is
// kept and written when the loop sees it writable again. While threshold bytes or more wait that
// way, the owner is told to stop producing (backpressure on) until under half is left. A failed
// write (EPIPE: the reader went away, as with `| head`) stops all output.
class output_buffer {
public:
  // A buffer for file descriptor fd on rt's loop.
  output_buffer(runtime &rt, int fd, std::chrono::milliseconds max_delay, std::size_t threshold = 256 * 1024);
  // Drops what was not written; call drain() first.
  ~output_buffer();
  output_buffer(const output_buffer &) = delete;
  output_buffer &operator=(const output_buffer &) = delete;

  // The pending text: append one record (a message) to it, then call commit().
  std::string &text() noexcept { return text_; }
  // Ends a record; writes now when past the threshold, else schedules a write for when the loop is idle.
  void commit();
  // Writes what the descriptor takes now, without waiting (the rest follows from the loop); false
  // once output has failed.
  bool flush();
  // Writes on from the loop until everything is written or output failed, or deadline passed, or
  // nothing could be written for stall_limit; then calls done (at once if nothing is pending).
  void drain(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds stall_limit,
             std::function<void()> done);
  // True after a write failed; nothing more is written.
  bool failed() const noexcept { return failed_; }
  // Bytes committed and not written yet.
  std::size_t pending() const noexcept { return text_.size() - written_; }
  // Records (commit() calls) not written completely.
  std::uint64_t unwritten_records() const noexcept { return unwritten_records_; }
  // Called once when a write fails: broken_pipe is true for EPIPE (the reader closed the pipe),
  // else error says why ("No space left on device"). Called from commit(), flush() or the loop.
  void on_failure(std::function<void(bool broken_pipe, const std::string &error)> handler);
  // Called with true once threshold bytes wait for a descriptor that takes no more, with false once
  // less than half of that is left (or output failed).
  void on_backpressure(std::function<void(bool on)> handler);

private:
  void write_now();
  void wait_writable();
  void written(std::size_t n);
  void update_backpressure();
  void check_drain();
  void arm_drain_timer();
  void fail(int error);

  runtime &rt_;
  fd_writer writer_;
  fd_wait wait_;
  std::chrono::milliseconds max_delay_;
  std::size_t threshold_;
  runtime::timer timer_;       // the delayed write
  runtime::timer retry_timer_; // waits for writability when fd_wait cannot
  runtime::timer drain_timer_; // the drain's deadline and stall limit
  std::string text_;
  std::size_t written_ = 0;                                     // bytes of text_ already written
  std::uint64_t total_written_ = 0;                             // bytes written since the start
  std::deque<std::pair<std::uint64_t, std::uint64_t>> records_; // (end offset, records ending there)
  std::uint64_t unwritten_records_ = 0;
  bool scheduled_ = false;
  bool waiting_ = false; // for the descriptor to become writable
  bool failed_ = false;
  bool backpressure_ = false;
  std::function<void(bool, const std::string &)> on_failure_;
  std::function<void(bool)> on_backpressure_;
  std::function<void()> drain_done_;
  std::chrono::steady_clock::time_point drain_deadline_{};
  std::chrono::milliseconds stall_limit_{0};
  std::chrono::steady_clock::time_point progress_at_{};
  std::shared_ptr<output_buffer *> self_; // lets a scheduled write find out it outlived the buffer
};

} // namespace mqtk::apps
