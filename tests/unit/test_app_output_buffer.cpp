// The tools' output buffer on a real pipe whose reader stops reading: writing never blocks the
// loop nor sets O_NONBLOCK on the shared descriptor, backpressure is reported on and off, records
// not written are counted, a drain gives up at its deadline, and a closed reader is a broken pipe.
#include "common/output_buffer.hpp"
#include "common/runtime.hpp"

#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

using namespace std::chrono_literals;
using mqtk::apps::output_buffer;
using mqtk::apps::runtime;

namespace {

struct pipe_pair {
  int read_end = -1, write_end = -1;
  pipe_pair() {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    read_end = fds[0];
    write_end = fds[1];
    ::fcntl(read_end, F_SETFL, O_NONBLOCK); // the test's own end
  }
  ~pipe_pair() {
    close_read();
    if (write_end >= 0)
      ::close(write_end);
  }
  void close_read() {
    if (read_end >= 0)
      ::close(read_end);
    read_end = -1;
  }
  // Reads what is in the pipe.
  std::string take() {
    std::string out;
    char chunk[65536];
    ssize_t n;
    while ((n = ::read(read_end, chunk, sizeof chunk)) > 0)
      out.append(chunk, static_cast<std::size_t>(n));
    return out;
  }
};

// Runs rt's loop for about d.
void run_for(runtime &rt, std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    rt.io().restart();
    rt.io().run_one_for(5ms);
  }
}

// Record i: a line of 1000 bytes.
std::string record(int i) {
  std::string line = std::to_string(i);
  line.resize(999, '.');
  return line + "\n";
}

} // namespace

TEST_CASE("output_buffer: a stalled reader gets backpressure, not a blocked loop, and loses nothing") {
  runtime rt;
  pipe_pair p;
  output_buffer out(rt, p.write_end, 10ms, 64 * 1024);
  std::vector<bool> pressure;
  out.on_backpressure([&](bool on) { pressure.push_back(on); });
  constexpr int count = 300; // 300 KB: far more than the pipe's 64 KiB
  for (int i = 0; i < count; ++i) {
    out.text() += record(i);
    out.commit(); // returns at once although the pipe is full
  }
  run_for(rt, 50ms);
  CHECK((::fcntl(p.write_end, F_GETFL) & O_NONBLOCK) == 0); // the shared description is left alone
  REQUIRE(pressure == std::vector<bool>{true});
  CHECK(out.pending() > 0);
  CHECK(out.unwritten_records() > 0);
  CHECK(out.unwritten_records() < count);

  std::string got;
  for (int round = 0; round < 200 && got.size() < count * 1000u; ++round) {
    got += p.take();
    run_for(rt, 5ms);
  }
  std::string expected;
  for (int i = 0; i < count; ++i)
    expected += record(i);
  CHECK(got == expected);
  CHECK(pressure == std::vector<bool>{true, false});
  CHECK(out.pending() == 0);
  CHECK(out.unwritten_records() == 0);
}

TEST_CASE("output_buffer: a drain gives up at its deadline and counts what was not written") {
  runtime rt;
  pipe_pair p;
  output_buffer out(rt, p.write_end, 10ms, 64 * 1024);
  for (int i = 0; i < 100; ++i) {
    out.text() += record(i);
    out.commit();
  }
  bool done = false;
  const auto started = std::chrono::steady_clock::now();
  out.drain(started + 300ms, 10s, [&] { done = true; });
  CHECK_FALSE(done);
  for (int i = 0; i < 200 && !done; ++i)
    run_for(rt, 10ms);
  REQUIRE(done);
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(took >= 290ms);
  CHECK(took < 1s);
  const std::string written = p.take();
  const auto whole = static_cast<std::uint64_t>(written.size() / 1000);
  CHECK(out.unwritten_records() == 100 - whole);
  CHECK_FALSE(out.failed());
}

TEST_CASE("output_buffer: a drain ends once a slow reader took everything") {
  runtime rt;
  pipe_pair p;
  output_buffer out(rt, p.write_end, 10ms, 64 * 1024);
  for (int i = 0; i < 100; ++i) {
    out.text() += record(i);
    out.commit();
  }
  bool done = false;
  out.drain(std::chrono::steady_clock::time_point::max(), 10s, [&] { done = true; });
  std::string got;
  for (int i = 0; i < 200 && !done; ++i) {
    got += p.take();
    run_for(rt, 10ms);
  }
  REQUIRE(done);
  got += p.take();
  CHECK(got.size() == 100 * 1000u);
  CHECK(out.unwritten_records() == 0);
}

TEST_CASE("output_buffer: a reader that went away is a broken pipe") {
  runtime rt;
  pipe_pair p;
  output_buffer out(rt, p.write_end, 10ms, 1024);
  bool broken = false;
  out.on_failure([&](bool broken_pipe, const std::string &) { broken = broken_pipe; });
  p.close_read();
  out.text() += record(1) + record(2);
  out.commit();
  CHECK(out.failed());
  CHECK(broken);
}
