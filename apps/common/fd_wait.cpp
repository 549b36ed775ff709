#include "common/fd_wait.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <sys/epoll.h>
#include <unistd.h>

namespace mqtk::apps {

// The watched descriptor is in the epoll set as EPOLLONESHOT: each wait re-arms it with the events
// it wants (after taking any report left from before, so that re-arming a ready descriptor makes
// the epoll instance readable anew, which is what the loop's edge-triggered registration sees).
struct fd_wait::impl : std::enable_shared_from_this<fd_wait::impl> {
  explicit impl(boost::asio::io_context &io) : epoll(io) {}
  boost::asio::posix::stream_descriptor epoll; // owns the epoll instance
  int fd = -1;
  bool usable = false;
  bool loop_waiting = false; // an async_wait on the epoll instance is pending
  std::function<void()> fn;

  // Takes a pending report; true if there was one.
  bool take_report() {
    epoll_event event{};
    return ::epoll_wait(epoll.native_handle(), &event, 1, 0) == 1;
  }

  void arm(std::uint32_t events, std::function<void()> handler) {
    fn = std::move(handler);
    take_report();
    epoll_event event{};
    event.events = events | EPOLLONESHOT;
    event.data.fd = fd;
    ::epoll_ctl(epoll.native_handle(), EPOLL_CTL_MOD, fd, &event);
    wait_loop();
  }

  void wait_loop() {
    if (loop_waiting)
      return;
    loop_waiting = true;
    epoll.async_wait(boost::asio::posix::descriptor_base::wait_read,
                     [weak = weak_from_this()](const boost::system::error_code &ec) {
                       const auto self = weak.lock();
                       if (!self)
                         return;
                       self->loop_waiting = false;
                       if (ec || !self->fn)
                         return;
                       if (!self->take_report()) { // woken without a report: keep waiting
                         self->wait_loop();
                         return;
                       }
                       auto handler = std::move(self->fn);
                       self->fn = nullptr;
                       handler();
                     });
  }

  void cancel() {
    fn = nullptr;
    epoll_event event{};
    event.events = EPOLLONESHOT; // disarmed: reports nothing, not even an error
    event.data.fd = fd;
    ::epoll_ctl(epoll.native_handle(), EPOLL_CTL_MOD, fd, &event);
    take_report();
  }
};

fd_wait::fd_wait(runtime &rt, int fd) : impl_(std::make_shared<impl>(rt.io())) {
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0)
    return;
  boost::system::error_code ec;
  impl_->epoll.assign(ep, ec);
  if (ec) {
    ::close(ep);
    return;
  }
  impl_->fd = fd;
  epoll_event event{};
  event.events = EPOLLONESHOT;
  event.data.fd = fd;
  // Fails with EPERM for regular files and devices without poll support: they never wait.
  impl_->usable = ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &event) == 0;
}

fd_wait::~fd_wait() {
  impl_->fn = nullptr;
  boost::system::error_code ignored;
  impl_->epoll.close(ignored);
}

bool fd_wait::usable() const noexcept {
  return impl_->usable;
}

void fd_wait::writable(std::function<void()> fn) {
  if (impl_->usable)
    impl_->arm(EPOLLOUT, std::move(fn));
}

void fd_wait::readable(std::function<void()> fn) {
  if (impl_->usable)
    impl_->arm(EPOLLIN, std::move(fn));
}

void fd_wait::closed(std::function<void()> fn) {
  if (impl_->usable)
    impl_->arm(0, std::move(fn)); // EPOLLERR and EPOLLHUP are always reported
}

void fd_wait::cancel() {
  if (impl_->usable)
    impl_->cancel();
}

} // namespace mqtk::apps
