#include "common/stdout_writer.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace mqtk::apps {

namespace {

struct stdout_state {
  bool failed = false;
  bool broken_pipe = false;
};

stdout_state &state() {
  static stdout_state s;
  return s;
}

// Records the failure whose errno is error (0: unknown) and says so unless the reader went away.
void failed(int error) {
  auto &s = state();
  s.failed = true;
  s.broken_pipe = error == EPIPE;
  if (!s.broken_pipe)
    print_error(std::string("cannot write to stdout: ") + (error != 0 ? std::strerror(error) : "write failed"));
}

} // namespace

bool write_stdout(std::string_view text, bool flush) {
  if (state().failed)
    return false;
  errno = 0;
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || (flush && std::fflush(stdout) != 0)) {
    failed(errno);
    return false;
  }
  return true;
}

int finish_stdout(int status) {
  if (!state().failed) {
    errno = 0;
    if (std::fflush(stdout) != 0 || std::ferror(stdout))
      failed(errno);
  }
  if (state().failed && !state().broken_pipe && status == exit_ok)
    return exit_internal;
  return status;
}

} // namespace mqtk::apps
