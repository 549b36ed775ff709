#pragma once

#include "bench/bench_shard.hpp"

#include <string>

namespace mqtk::apps::bench {

// Checks before anything connects that --output path can be written the way the end of the run
// will write it (a new file next to it, renamed over it); sets target to the file replaced
// (symbolic links resolved). The usage error ("cannot write --output PATH: reason"), or "".
std::string output_file_problem(const std::string &path, std::string &target);

// Writes the result document where --output says: stdout for "-", else a temporary file synced
// and renamed over the target, so a file that was there stays whole until the new one is. The
// error line, or "".
std::string write_result_output(const shard_options &shard, const std::string &document);

} // namespace mqtk::apps::bench
