#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

namespace mqtk::apps::bench {

// A run of received sequence numbers, first to last inclusive.
struct seq_range {
  std::uint32_t first = 0, last = 0;
  bool operator==(const seq_range &) const = default;
};

// A set of sequence numbers as sorted, disjoint, non-adjacent ranges; in-order arrival only
// extends the last one.
class sequence_ranges {
public:
  // Adds n; false when it was already there (a duplicate).
  bool insert(std::uint32_t n);
  // The ranges, ascending.
  const std::vector<seq_range> &ranges() const noexcept { return ranges_; }

private:
  std::vector<seq_range> ranges_;
};

// How many numbers of ranges lie below limit (0 .. limit - 1).
std::uint64_t count_below(const std::vector<seq_range> &ranges, std::uint64_t limit) noexcept;

// True when ranges are ascending, disjoint, non-adjacent and each has first <= last (as
// sequence_ranges makes them); what a result file must hold.
bool well_formed(const std::vector<seq_range> &ranges) noexcept;

// Publishers first..last of one run whose messages one subscriber received as the same ranges:
// how a subscriber's receipts are written compactly (in order, one group covers every publisher).
struct receipt_group {
  std::uint32_t run_id = 0, first = 0, last = 0;
  std::vector<seq_range> ranges;
};

// The sequence numbers one subscriber received from each publisher stream (run id, publisher):
// what `mqtk-bench merge` needs to count exactly what reached whom across processes.
class stream_receipts {
public:
  // Records a bench payload's stream and sequence number; true when new, false for a duplicate or a
  // payload without the bench header.
  bool add(std::span<const std::uint8_t> payload);
  // Records one sequence number of a stream; true when new.
  bool add(std::uint32_t run_id, std::uint32_t publisher, std::uint32_t sequence);
  // Every stream, by run id then publisher, with neighbours of equal ranges grouped.
  std::vector<receipt_group> groups() const;

private:
  std::unordered_map<std::uint64_t, sequence_ranges> streams_; // run id << 32 | publisher
};

} // namespace mqtk::apps::bench
