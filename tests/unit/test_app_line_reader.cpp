// line_reader on a pipe as stdin: lines arrive split across writes, the last line without '\n' is
// delivered at EOF, a paused reader resumes, and stdin's open file description (shared with the
// shell or the rest of a pipeline) never gets O_NONBLOCK.
#include "common/runtime.hpp"

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using mqtk::apps::line_reader;
using mqtk::apps::runtime;

namespace {

// Puts a pipe's read end on fd 0 for the test's lifetime and restores the real stdin after.
struct pipe_as_stdin {
  int write_end = -1;
  int saved_stdin = -1;
  pipe_as_stdin() {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    saved_stdin = ::dup(STDIN_FILENO);
    REQUIRE(::dup2(fds[0], STDIN_FILENO) == STDIN_FILENO);
    ::close(fds[0]);
    write_end = fds[1];
  }
  ~pipe_as_stdin() {
    if (write_end >= 0)
      ::close(write_end);
    ::dup2(saved_stdin, STDIN_FILENO);
    ::close(saved_stdin);
  }
  pipe_as_stdin(const pipe_as_stdin &) = delete;
  pipe_as_stdin &operator=(const pipe_as_stdin &) = delete;
  void write(const std::string &text) const { REQUIRE(::write(write_end, text.data(), text.size()) == ssize_t(text.size())); }
  void close_writer() {
    ::close(write_end);
    write_end = -1;
  }
};

bool stdin_nonblocking() { return (::fcntl(STDIN_FILENO, F_GETFL) & O_NONBLOCK) != 0; }

// Runs rt's loop for about d, or until done.
template <typename Done> void run_until(runtime &rt, std::chrono::milliseconds d, Done done) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!done() && std::chrono::steady_clock::now() < until) {
    rt.io().restart();
    rt.io().run_one_for(5ms);
  }
}

} // namespace

TEST_CASE("line_reader: pipe lines split across writes, last line at EOF, stdin stays blocking") {
  pipe_as_stdin in;
  runtime rt;
  line_reader reader(rt, 1024);
  std::vector<std::string> lines;
  bool ended = false;
  std::string end_error = "not called";
  reader.start([&](std::string_view line) { lines.emplace_back(line); return true; },
               [&](const std::string &error) {
                 ended = true;
                 end_error = error;
               });
  in.write("first\nsec");
  run_until(rt, 2000ms, [&] { return lines.size() == 1; });
  CHECK(lines == std::vector<std::string>{"first"});
  CHECK_FALSE(stdin_nonblocking()); // the reader is waiting on stdin now
  in.write("ond\r\nthird");
  run_until(rt, 2000ms, [&] { return lines.size() == 2; });
  in.close_writer();
  run_until(rt, 2000ms, [&] { return ended; });
  CHECK(lines == std::vector<std::string>{"first", "second", "third"});
  CHECK(ended);
  CHECK(end_error.empty());
  CHECK_FALSE(stdin_nonblocking());
}

TEST_CASE("line_reader: a paused reader takes nothing more until resumed, and a long line is an error") {
  pipe_as_stdin in;
  runtime rt;
  line_reader reader(rt, 8);
  std::vector<std::string> lines;
  std::string end_error = "not called";
  reader.start(
      [&](std::string_view line) {
        lines.emplace_back(line);
        return lines.size() != 1; // pause after the first line
      },
      [&](const std::string &error) { end_error = error; });
  in.write("a\nb\nmuch-too-long-line");
  run_until(rt, 300ms, [] { return false; });
  CHECK(lines == std::vector<std::string>{"a"});
  reader.resume();
  run_until(rt, 2000ms, [&] { return end_error != "not called"; });
  CHECK(lines == std::vector<std::string>{"a", "b"});
  CHECK(end_error == "a line is longer than 8 bytes");
  CHECK_FALSE(stdin_nonblocking());
}
