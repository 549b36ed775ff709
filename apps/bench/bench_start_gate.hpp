#pragma once

#include "common/runtime.hpp"

#include <cstdint>
#include <functional>
#include <optional>

namespace mqtk::apps::bench {

// Holds the measurement back until a wall-clock time (--start-at), so that shards in other
// processes and on other hosts measure the same window. The wait ends at that time, or when
// cancel() is called (SIGINT, every connection gone).
class start_gate {
public:
  // A gate on rt's loop that opens at start_ns (CLOCK_REALTIME nanoseconds); nullopt: always open.
  start_gate(runtime &rt, std::optional<std::uint64_t> start_ns);

  // True while the measurement must wait: the first call arms a timer that calls go once, at the
  // time. False when there is no time, the gate has opened, or the time has passed (then a
  // warning says how late the connections were, and late_seconds() records it).
  bool hold(std::function<void()> go);
  // Drops a pending wait; go is not called.
  void cancel();
  // True while hold() waits for the time.
  bool waiting() const noexcept { return armed_; }
  // Seconds between the time and the moment the measurement began; 0 when it began on time.
  double late_seconds() const noexcept { return late_s_; }

private:
  void arm();

  runtime::timer timer_;
  std::optional<std::uint64_t> start_ns_;
  std::function<void()> go_;
  bool armed_ = false, open_ = false;
  double late_s_ = 0;
};

} // namespace mqtk::apps::bench
