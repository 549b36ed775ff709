#include "common/output_buffer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <cerrno>
#include <cstring>

namespace mqtk::apps {

namespace {

using clock = std::chrono::steady_clock;

// How often to try again when the descriptor cannot be waited for through the loop.
constexpr std::chrono::milliseconds retry_interval{10};

} // namespace

output_buffer::output_buffer(runtime &rt, int fd, std::chrono::milliseconds max_delay, std::size_t threshold)
    : rt_(rt), writer_(fd), wait_(rt, fd), max_delay_(max_delay), threshold_(threshold), timer_(rt),
      retry_timer_(rt), drain_timer_(rt), self_(std::make_shared<output_buffer *>(this)) {
  text_.reserve(threshold_ + threshold_ / 4);
}

output_buffer::~output_buffer() {
  *self_ = nullptr;
}

void output_buffer::on_failure(std::function<void(bool, const std::string &)> handler) {
  on_failure_ = std::move(handler);
}

void output_buffer::on_backpressure(std::function<void(bool)> handler) {
  on_backpressure_ = std::move(handler);
}

void output_buffer::commit() {
  if (failed_) {
    text_.clear();
    written_ = 0;
    return;
  }
  const std::uint64_t end = total_written_ + pending();
  if (end > total_written_) {
    if (!records_.empty() && records_.back().first == end)
      ++records_.back().second;
    else
      records_.emplace_back(end, 1);
    ++unwritten_records_;
  }
  if (waiting_) { // the wake-up writes
    update_backpressure();
    return;
  }
  if (pending() >= threshold_) {
    write_now();
    return;
  }
  if (scheduled_ || pending() == 0)
    return;
  scheduled_ = true;
  if (max_delay_.count() > 0) {
    timer_.start(max_delay_, [this] {
      scheduled_ = false;
      write_now();
    });
    return;
  }
  boost::asio::post(rt_.io(), [weak = std::weak_ptr<output_buffer *>(self_)] {
    const auto self = weak.lock();
    if (!self || *self == nullptr)
      return;
    (*self)->scheduled_ = false;
    (*self)->write_now();
  });
}

bool output_buffer::flush() {
  if (!failed_ && !waiting_)
    write_now();
  return !failed_;
}

void output_buffer::drain(clock::time_point deadline, std::chrono::milliseconds stall_limit,
                          std::function<void()> done) {
  drain_done_ = std::move(done);
  drain_deadline_ = deadline;
  stall_limit_ = stall_limit;
  progress_at_ = clock::now();
  flush();
  if (drain_done_ && !failed_ && pending() > 0)
    arm_drain_timer();
  check_drain();
}

void output_buffer::arm_drain_timer() {
  const auto now = clock::now();
  const auto until = std::min(drain_deadline_ - now, progress_at_ + stall_limit_ - now);
  drain_timer_.start(std::max(until, clock::duration::zero()), [this] {
    if (!drain_done_)
      return;
    const auto at = clock::now();
    if (at >= drain_deadline_ || at - progress_at_ >= stall_limit_) {
      auto done = std::move(drain_done_);
      drain_done_ = nullptr;
      done();
      return;
    }
    arm_drain_timer();
  });
}

void output_buffer::check_drain() {
  if (!drain_done_ || (!failed_ && pending() > 0))
    return;
  drain_timer_.cancel();
  auto done = std::move(drain_done_);
  drain_done_ = nullptr;
  done();
}

void output_buffer::write_now() {
  if (failed_ || waiting_)
    return;
  if (scheduled_ && max_delay_.count() > 0) {
    scheduled_ = false;
    timer_.cancel();
  }
  if (pending() > 0) {
    const auto r = writer_.write_some(std::string_view(text_).substr(written_));
    written(r.written);
    if (r.error != 0) {
      fail(r.error);
      return;
    }
    if (r.would_block)
      wait_writable();
  }
  update_backpressure();
  check_drain();
}

void output_buffer::written(std::size_t n) {
  if (n == 0)
    return;
  progress_at_ = clock::now();
  written_ += n;
  total_written_ += n;
  while (!records_.empty() && records_.front().first <= total_written_) {
    unwritten_records_ -= records_.front().second;
    records_.pop_front();
  }
  if (written_ == text_.size()) {
    text_.clear();
    written_ = 0;
    if (text_.capacity() > 16 * threshold_) {
      text_.shrink_to_fit(); // after one huge message
      text_.reserve(threshold_ + threshold_ / 4);
    }
  } else if (written_ >= threshold_ / 2) {
    text_.erase(0, written_); // a partial write: keep the rest at the front
    written_ = 0;
  }
}

void output_buffer::wait_writable() {
  waiting_ = true;
  auto wake = [this] {
    waiting_ = false;
    write_now();
  };
  if (wait_.usable())
    wait_.writable(std::move(wake));
  else
    retry_timer_.start(retry_interval, std::move(wake));
}

void output_buffer::update_backpressure() {
  bool on = backpressure_;
  if (failed_)
    on = false;
  else if (!backpressure_ && waiting_ && pending() >= threshold_)
    on = true;
  else if (backpressure_ && pending() < threshold_ / 2)
    on = false;
  if (on == backpressure_)
    return;
  backpressure_ = on;
  if (on_backpressure_)
    on_backpressure_(on);
}

void output_buffer::fail(int error) {
  failed_ = true;
  text_.clear();
  written_ = 0;
  records_.clear();
  unwritten_records_ = 0;
  wait_.cancel();
  retry_timer_.cancel();
  update_backpressure();
  if (on_failure_)
    on_failure_(error == EPIPE, std::strerror(error));
  check_drain();
}

} // namespace mqtk::apps
