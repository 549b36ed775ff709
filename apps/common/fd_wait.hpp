#pragma once

#include "common/runtime.hpp"

#include <functional>
#include <memory>

namespace mqtk::apps {

// Waits on rt's loop until a descriptor is writable, or until its reader has gone, without changing
// the descriptor. An Asio descriptor would set O_NONBLOCK on it, and that flag belongs to the open
// file description, shared with every process writing the same pipe or terminal (the shell, the
// next command of a script): an epoll instance of our own watches fd, and the loop watches that.
class fd_wait {
public:
  // A waiter for fd on rt's loop; see usable().
  fd_wait(runtime &rt, int fd);
  ~fd_wait();
  fd_wait(const fd_wait &) = delete;
  fd_wait &operator=(const fd_wait &) = delete;

  // False when fd cannot be waited for: a regular file (always writable), or no epoll.
  bool usable() const noexcept;
  // Calls fn once, from the loop, when fd is writable or reports an error or hang-up (a write then
  // tells which). Replaces a pending wait.
  void writable(std::function<void()> fn);
  // Calls fn once, from the loop, when fd has input, has reached its end, or reports an error or
  // hang-up (a read then tells which). Replaces a pending wait.
  void readable(std::function<void()> fn);
  // Calls fn once, from the loop, when fd reports an error or hang-up (the reader of a pipe or
  // socket closed). Replaces a pending wait.
  void closed(std::function<void()> fn);
  // Drops the pending wait.
  void cancel();

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace mqtk::apps
