#include "common/output_watch.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mqtk::apps {

struct output_watch::impl : std::enable_shared_from_this<output_watch::impl> {
  explicit impl(boost::asio::io_context &io) : stream(io) {}
  boost::asio::posix::stream_descriptor stream; // a duplicate of the watched descriptor
  std::function<void()> on_closed;
  bool active = false;

  // True when the descriptor reports that its reader has gone.
  bool reader_gone() {
    pollfd p{stream.native_handle(), POLLOUT, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
  }

  void wait() {
    stream.async_wait(boost::asio::posix::descriptor_base::wait_error,
                      [weak = weak_from_this()](const boost::system::error_code &ec) {
                        const auto self = weak.lock();
                        if (ec || !self || !self->active)
                          return;
                        if (!self->reader_gone()) {
                          self->wait();
                          return;
                        }
                        self->active = false;
                        self->on_closed();
                      });
  }
};

output_watch::output_watch(runtime &rt, int fd, std::function<void()> on_closed)
    : impl_(std::make_shared<impl>(rt.io())) {
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
    return;
  const int copy = ::dup(fd);
  if (copy < 0)
    return;
  boost::system::error_code ec;
  impl_->stream.assign(copy, ec);
  if (ec) {
    ::close(copy);
    return;
  }
  impl_->on_closed = std::move(on_closed);
  impl_->active = true;
  impl_->wait();
}

output_watch::~output_watch() {
  impl_->active = false;
  boost::system::error_code ignored;
  impl_->stream.close(ignored);
}

bool output_watch::active() const noexcept { return impl_->active; }

} // namespace mqtk::apps
