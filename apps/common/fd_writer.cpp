#include "common/fd_writer.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <string>

namespace mqtk::apps {

fd_writer::fd_writer(int fd) : fd_(fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return;
  if (S_ISSOCK(st.st_mode)) {
    mode_ = mode::socket;
    return;
  }
  const bool terminal = S_ISCHR(st.st_mode) && ::isatty(fd);
  if (!S_ISFIFO(st.st_mode) && !terminal)
    return; // plain
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0 && (flags & O_NONBLOCK) != 0) {
    own_ = -1;
    mode_ = mode::own; // already non-blocking (set by someone else): write to it as it is
    return;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  own_ = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  mode_ = own_ >= 0 ? mode::own : mode::polled;
}

fd_writer::~fd_writer() {
  if (own_ >= 0)
    ::close(own_);
}

fd_writer::result fd_writer::write_some(std::string_view data) {
  result r;
  const int target = own_ >= 0 ? own_ : fd_;
  while (r.written < data.size()) {
    const char *from = data.data() + r.written;
    std::size_t size = data.size() - r.written;
    ssize_t n = 0;
    switch (mode_) {
    case mode::socket:
      n = ::send(target, from, size, MSG_DONTWAIT | MSG_NOSIGNAL);
      break;
    case mode::polled: {
      pollfd p{target, POLLOUT, 0};
      const int ready = ::poll(&p, 1, 0);
      if (ready < 0 && errno == EINTR)
        continue;
      if (ready <= 0) {
        r.would_block = ready == 0;
        r.error = ready < 0 ? errno : 0;
        return r;
      }
      if ((p.revents & POLLOUT) != 0 && size > PIPE_BUF)
        size = PIPE_BUF; // fits in a pipe that has room; with POLLERR the write tells the error
      n = ::write(target, from, size);
      break;
    }
    case mode::plain:
    case mode::own:
      n = ::write(target, from, size);
      break;
    }
    if (n > 0) {
      r.written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      r.would_block = true;
      return r;
    }
    r.error = n < 0 ? errno : EIO;
    return r;
  }
  return r;
}

bool fd_writer::wait_writable(int timeout_ms) const {
  pollfd p{fd_, POLLOUT, 0};
  return ::poll(&p, 1, timeout_ms) == 1;
}

} // namespace mqtk::apps
