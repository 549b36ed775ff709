#pragma once

#include "common/runtime.hpp"

#include <functional>
#include <memory>

namespace mqtk::apps {

// Notices that the reader of stdout went away while nothing is being written (`mqtk-sub | head -n 3`
// after the third line): the writing end of a pipe or socket whose reader closed reports
// POLLERR/POLLHUP. Terminals and regular files are not watched.
class output_watch {
public:
  // Watches fd on rt's loop when it is a pipe or a socket; on_closed runs once, from the loop, when
  // its reader has closed. The watch ends with the object.
  output_watch(runtime &rt, int fd, std::function<void()> on_closed);
  ~output_watch();
  output_watch(const output_watch &) = delete;
  output_watch &operator=(const output_watch &) = delete;

  // True when fd is watched (a pipe or a socket).
  bool active() const noexcept;

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace mqtk::apps
