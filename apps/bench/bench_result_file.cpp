// mqtk-bench: where --output goes (stdout, or a file replaced atomically).
#include "bench/bench_result_file.hpp"

#include "common/replacing_file.hpp"
#include "common/stdout_writer.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace mqtk::apps::bench {

std::string output_file_problem(const std::string &path, std::string &target) {
  const std::string cannot = "cannot write --output " + path + ": ";
  target = path;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return cannot + "is a directory";
    if (!S_ISREG(st.st_mode))
      return cannot + "not a regular file (use - for stdout)";
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr)
      return cannot + std::strerror(errno);
    target = resolved;
  } else if (errno != ENOENT) {
    return cannot + std::strerror(errno);
  }
  if (const int failure = probe_replacement(target, false); failure != 0)
    return cannot + std::strerror(failure);
  return {};
}

std::string write_result_output(const shard_options &shard, const std::string &document) {
  if (shard.output == "-") {
    write_stdout(document);
    return {};
  }
  if (const int failure = replace_file(shard.output_target, document, false); failure != 0)
    return "cannot write --output " + shard.output + ": " + std::strerror(failure);
  return {};
}

} // namespace mqtk::apps::bench
