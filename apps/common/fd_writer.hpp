#pragma once

#include <cstddef>
#include <string_view>

namespace mqtk::apps {

// Writes to a descriptor (stdout) without ever blocking, and without setting O_NONBLOCK on it: that
// flag belongs to the open file description, which the shell and the other commands of a pipeline
// or script share (left set, it breaks their writes with EAGAIN). Per kind of descriptor:
// - a pipe or a terminal is opened again through /proc/self/fd (a description of our own, set
//   non-blocking), so any amount is written as far as it fits;
// - without that (no /proc, no permission): a poll() with timeout 0 must report it writable, and
//   then at most PIPE_BUF bytes are written, which a pipe with room always takes at once;
// - a socket: send() with MSG_DONTWAIT;
// - a regular file or another device (/dev/null, /dev/full): plain write(), which waits for no reader.
class fd_writer {
public:
  // A writer for fd (which stays open and unchanged).
  explicit fd_writer(int fd);
  ~fd_writer();
  fd_writer(const fd_writer &) = delete;
  fd_writer &operator=(const fd_writer &) = delete;

  // What one write_some() did.
  struct result {
    std::size_t written = 0;  // bytes written (a prefix of the data)
    bool would_block = false; // stopped because fd takes nothing more now
    int error = 0;            // errno of a failed write (EPIPE: the reader went away); 0 if none
  };
  // Writes as much of data as fd takes now.
  result write_some(std::string_view data);
  // Waits up to timeout_ms (poll) until fd is writable or reports an error; false on timeout or
  // when a signal interrupted the wait. For ends of runs outside the event loop.
  bool wait_writable(int timeout_ms) const;
  // The descriptor written to.
  int fd() const noexcept { return fd_; }

private:
  enum class mode { plain, own, polled, socket };
  int fd_;
  int own_ = -1; // the private non-blocking description, if any
  mode mode_ = mode::plain;
};

} // namespace mqtk::apps
