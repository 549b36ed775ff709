// mqtk-bench: which sequence numbers of which publisher a subscriber received, as ranges.
#include "bench/bench_receipts.hpp"

#include "bench/bench_payload.hpp"

#include <algorithm>
#include <iterator>

namespace mqtk::apps::bench {

bool sequence_ranges::insert(std::uint32_t n) {
  if (ranges_.empty() || n > ranges_.back().last) {
    if (!ranges_.empty() && n == ranges_.back().last + 1)
      ranges_.back().last = n;
    else
      ranges_.push_back({n, n});
    return true;
  }
  // The first range that ends at or after n: n is in it, or in the gap before it.
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), n,
                             [](const seq_range &r, std::uint32_t v) { return r.last < v; });
  if (it->first <= n)
    return false;
  const bool joins_next = n + 1 == it->first;
  const bool joins_previous = it != ranges_.begin() && std::prev(it)->last + 1 == n;
  if (joins_previous && joins_next) {
    std::prev(it)->last = it->last;
    ranges_.erase(it);
  } else if (joins_previous) {
    std::prev(it)->last = n;
  } else if (joins_next) {
    it->first = n;
  } else {
    ranges_.insert(it, {n, n});
  }
  return true;
}

std::uint64_t count_below(const std::vector<seq_range> &ranges, std::uint64_t limit) noexcept {
  std::uint64_t n = 0;
  for (const auto &r : ranges) {
    if (r.first >= limit)
      break;
    n += std::min<std::uint64_t>(r.last, limit - 1) - r.first + 1;
  }
  return n;
}

bool well_formed(const std::vector<seq_range> &ranges) noexcept {
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i].first > ranges[i].last)
      return false;
    if (i > 0 && std::uint64_t{ranges[i - 1].last} + 1 >= ranges[i].first)
      return false;
  }
  return true;
}

bool stream_receipts::add(std::span<const std::uint8_t> payload) {
  const auto header = read_bench_header(payload);
  return header && add(header->run_id, header->publisher, header->sequence);
}

bool stream_receipts::add(std::uint32_t run_id, std::uint32_t publisher, std::uint32_t sequence) {
  return streams_[std::uint64_t{run_id} << 32 | publisher].insert(sequence);
}

std::vector<receipt_group> stream_receipts::groups() const {
  std::vector<std::uint64_t> keys;
  keys.reserve(streams_.size());
  for (const auto &entry : streams_)
    keys.push_back(entry.first);
  std::sort(keys.begin(), keys.end());
  std::vector<receipt_group> out;
  for (std::uint64_t key : keys) {
    const auto run = static_cast<std::uint32_t>(key >> 32), publisher = static_cast<std::uint32_t>(key);
    const auto &ranges = streams_.at(key).ranges();
    if (!out.empty() && out.back().run_id == run && out.back().last + 1 == publisher && out.back().ranges == ranges)
      out.back().last = publisher;
    else
      out.push_back({run, publisher, publisher, ranges});
  }
  return out;
}

} // namespace mqtk::apps::bench
