// mqtk-bench: the read hold rule (see bench_read_hold.hpp).
#include "bench/bench_read_hold.hpp"

#include <algorithm>

namespace mqtk::apps::bench {

void read_hold::observe(std::int64_t latency_ns) noexcept {
  const std::int64_t latency = std::max<std::int64_t>(latency_ns, 0);
  batch_min_ = batch_min_ < 0 ? latency : std::min(batch_min_, latency);
}

std::chrono::nanoseconds read_hold::end_batch(std::chrono::nanoseconds since_last) noexcept {
  std::int64_t reference = batch_min_;
  if (previous_min_ >= 0)
    reference = reference < 0 ? previous_min_ : std::min(reference, previous_min_);
  previous_min_ = batch_min_;
  batch_min_ = -1;
  // A batch without bench messages records no latency: it constrains nothing.
  auto budget = max_hold_;
  if (reference >= 0)
    budget = std::min(budget, std::chrono::nanoseconds(static_cast<std::int64_t>(max_error_ * static_cast<double>(reference))));
  const auto wait = budget - since_last - overshoot_;
  return wait.count() > 0 ? wait : std::chrono::nanoseconds(0);
}

} // namespace mqtk::apps::bench
