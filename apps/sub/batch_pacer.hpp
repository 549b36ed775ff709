#pragma once

#include "common/runtime.hpp"

#include <chrono>

namespace mqtk::apps::sub {

// Bounds how often a busy stream of messages wakes mqtk-sub. Once the loop has handled a batch (the
// messages of one read), if the previous batch ended less than min_interval ago, it sleeps for the
// rest of the interval, so the next read finds many messages at once. Under a steady stream this
// caps wakeups at one per min_interval, which cuts the system calls and context switches per
// message several times; a message after a quiet spell is handled at once. The price: at most
// min_interval of extra latency, and only while messages arrive faster than that.
class batch_pacer {
public:
  // A pacer on rt's loop.
  batch_pacer(runtime &rt, std::chrono::microseconds min_interval);
  // Call for each message handled; the end of the batch is noted once the loop is idle.
  void message_handled();

private:
  void batch_done();

  runtime &rt_;
  std::chrono::microseconds min_interval_;
  std::chrono::steady_clock::time_point last_batch_{};
  bool pending_ = false;
};

} // namespace mqtk::apps::sub
