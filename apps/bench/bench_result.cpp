// mqtk-bench: building a run's result.
#include "bench/bench_result.hpp"

namespace mqtk::apps::bench {

void add_publisher(bench_result &result, std::uint32_t index, std::uint64_t sent) {
  auto &groups = result.publishers;
  if (!groups.empty() && groups.back().last + 1 == index && groups.back().sent == sent)
    groups.back().last = index;
  else
    groups.push_back({index, index, sent});
}

} // namespace mqtk::apps::bench
