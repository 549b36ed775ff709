#pragma once

#include "common/runtime.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace mqtk::apps {

// Data output (stdout) collected in one large buffer and written in big chunks, never once per
// message: as soon as it holds threshold bytes, at most max_delay after the first unwritten byte
// (with max_delay 0: once the event loop has handled the events at hand, for a terminal), and on
// flush(). A failed write (EPIPE: the reader went away, as with `| head`) stops all output.
class output_buffer {
public:
  // A buffer for file descriptor fd on rt's loop.
  output_buffer(runtime &rt, int fd, std::chrono::milliseconds max_delay, std::size_t threshold = 256 * 1024);
  // Drops what was not flushed; call flush() first.
  ~output_buffer();
  output_buffer(const output_buffer &) = delete;
  output_buffer &operator=(const output_buffer &) = delete;

  // The pending text: append to it, then call commit().
  std::string &text() noexcept { return text_; }
  // Writes now when past the threshold, else schedules a write for when the loop is idle.
  void commit();
  // Writes everything pending now (blocking); false once output has failed.
  bool flush();
  // True after a write failed; nothing more is written.
  bool failed() const noexcept { return failed_; }
  // Called once when a write fails: broken_pipe is true for EPIPE (the reader closed the pipe),
  // else error says why ("No space left on device"). Called from commit(), flush() or the loop.
  void on_failure(std::function<void(bool broken_pipe, const std::string &error)> handler);

private:
  bool write_all();

  runtime &rt_;
  int fd_;
  std::chrono::milliseconds max_delay_;
  std::size_t threshold_;
  runtime::timer timer_;
  std::string text_;
  bool scheduled_ = false;
  bool failed_ = false;
  std::function<void(bool, const std::string &)> on_failure_;
  std::shared_ptr<output_buffer *> self_; // lets a scheduled write find out it outlived the buffer
};

} // namespace mqtk::apps
