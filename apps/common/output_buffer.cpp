#include "common/output_buffer.hpp"

#include "common/runtime.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mqtk::apps {

output_buffer::output_buffer(runtime &rt, int fd, std::chrono::milliseconds max_delay, std::size_t threshold)
    : rt_(rt), fd_(fd), max_delay_(max_delay), threshold_(threshold), timer_(rt),
      self_(std::make_shared<output_buffer *>(this)) {
  text_.reserve(threshold_ + threshold_ / 4);
}

output_buffer::~output_buffer() {
  *self_ = nullptr;
}

void output_buffer::on_failure(std::function<void(bool, const std::string &)> handler) {
  on_failure_ = std::move(handler);
}

void output_buffer::commit() {
  if (failed_) {
    text_.clear();
    return;
  }
  if (text_.size() >= threshold_) {
    write_all();
    return;
  }
  if (scheduled_ || text_.empty())
    return;
  scheduled_ = true;
  if (max_delay_.count() > 0) {
    timer_.start(max_delay_, [this] {
      scheduled_ = false;
      write_all();
    });
    return;
  }
  boost::asio::post(rt_.io(), [weak = std::weak_ptr<output_buffer *>(self_)] {
    const auto self = weak.lock();
    if (!self || *self == nullptr)
      return;
    (*self)->scheduled_ = false;
    (*self)->write_all();
  });
}

bool output_buffer::flush() {
  if (!failed_)
    write_all();
  return !failed_;
}

bool output_buffer::write_all() {
  if (scheduled_ && max_delay_.count() > 0) {
    scheduled_ = false;
    timer_.cancel();
  }
  std::size_t done = 0;
  while (done < text_.size() && !failed_) {
    const ssize_t n = ::write(fd_, text_.data() + done, text_.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    const bool broken_pipe = n < 0 && errno == EPIPE;
    const std::string error = n < 0 ? std::strerror(errno) : "nothing was written";
    failed_ = true;
    text_.clear();
    if (on_failure_)
      on_failure_(broken_pipe, error);
    return false;
  }
  text_.clear();
  if (text_.capacity() > 16 * threshold_) {
    text_.shrink_to_fit(); // after one huge message
    text_.reserve(threshold_ + threshold_ / 4);
  }
  return true;
}

} // namespace mqtk::apps
