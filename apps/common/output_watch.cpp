#include "common/output_watch.hpp"

#include "common/fd_wait.hpp"

#include <poll.h>
#include <sys/stat.h>

namespace mqtk::apps {

// Watches through fd_wait, which leaves the descriptor's flags alone (an Asio descriptor on a
// duplicate would set O_NONBLOCK on the pipe, shared with the other processes writing to it).
struct output_watch::impl {
  impl(runtime &rt, int watched) : fd(watched), wait(rt, watched) {}
  int fd;
  fd_wait wait;
  std::function<void()> on_closed;
  bool active = false;

  // True when the descriptor reports that its reader has gone.
  bool reader_gone() const {
    pollfd p{fd, POLLOUT, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
  }

  void watch() {
    wait.closed([this] {
      if (!active)
        return;
      if (!reader_gone()) {
        watch();
        return;
      }
      active = false;
      on_closed();
    });
  }
};

output_watch::output_watch(runtime &rt, int fd, std::function<void()> on_closed)
    : impl_(std::make_shared<impl>(rt, fd)) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) || !impl_->wait.usable())
    return;
  impl_->on_closed = std::move(on_closed);
  impl_->active = true;
  impl_->watch();
}

output_watch::~output_watch() {
  impl_->active = false;
  impl_->wait.cancel();
}

bool output_watch::active() const noexcept {
  return impl_->active;
}

} // namespace mqtk::apps
