// mqtk-sub: pacing of wakeups under a busy stream (see batch_pacer.hpp).
#include "sub/batch_pacer.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <thread>

namespace mqtk::apps::sub {

batch_pacer::batch_pacer(runtime &rt, std::chrono::microseconds min_interval)
    : rt_(rt), min_interval_(min_interval) {}

void batch_pacer::message_handled() {
  if (pending_)
    return;
  pending_ = true;
  // Runs after the handlers already queued, such as the rest of this read and a terminal flush.
  boost::asio::post(rt_.io(), [this] { batch_done(); });
}

void batch_pacer::batch_done() {
  pending_ = false;
  const auto since = std::chrono::steady_clock::now() - last_batch_;
  if (since < min_interval_)
    std::this_thread::sleep_for(min_interval_ - since);
  last_batch_ = std::chrono::steady_clock::now();
}

} // namespace mqtk::apps::sub
