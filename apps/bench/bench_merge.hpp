#pragma once

#include "bench/bench_result.hpp"

#include <string>
#include <vector>

namespace mqtk::apps::bench {

// One result as merge reads it: the file it came from (for messages) and its contents.
struct named_result {
  std::string name;
  bench_result result;
};

// The combined report of the shards of one run.
struct merged_report {
  bench_options options;  // for the summary: the mode, publishers and subscribers in all, QoS, topic
  bench_totals totals;    // counts summed, histograms merged, windows the longest, loss exact
  bool exact_loss = false; // the publishers' sequence state was there: expected and lost are exact
  std::vector<std::string> warnings; // shards missing, shards that failed or started late
};

// Combines results that are shards of one run: one clear line in error (and false) when they are
// not (different --start-at, the same shard twice, different configurations of a mode, the same
// process twice). Counts are sums; histograms are merged bucket by bucket; the windows are the
// longest; when publishers' streams are known, expected = for every subscriber that subscribed,
// the messages sent by every publisher whose topic its filter matches, and lost = expected minus
// the distinct (publisher, sequence) pairs it received of those.
bool merge_results(const std::vector<named_result> &results, merged_report &out, std::string &error);

// Reads a result file: one result document, or a log (kubectl logs) in which exactly one line is a
// result document. False with error ("cannot read ...", "FILE: not JSON ...") otherwise.
bool load_result(const std::string &path, bench_result &out, std::string &error);

// mqtk-bench merge [--json] [--max-loss P] [--max-p99 MS] [--min-rate N] FILE...: prints the
// combined report; returns the exit status (2: bad files, 10: a check failed).
int merge_main(int argc, char **argv);

} // namespace mqtk::apps::bench
