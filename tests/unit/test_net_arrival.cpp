// Kernel arrival timestamps on plain TCP (transport_options::arrival_timestamps): a read done late
// still reports when the bytes came in, not when they were read; off by default; TCP keeps only the
// newest stamp of bytes that queued up together; stamped reads recycle their operation memory.
#include "support_net/echo_server.hpp"
#include "support_net/recorder.hpp"
#include "support_net/timestamps_on.hpp"

#include "mqtk/net/transport.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using namespace std::chrono_literals;
using net_test::recorder;
using net_test::run_until;
namespace asio = boost::asio;

namespace {

std::uint64_t wall_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

// A recorder that notes the transport's arrival stamp and the clock at each read completion.
struct stamp_recorder : recorder {
  std::vector<std::uint64_t> arrivals, completions;
  void on_read(std::size_t n) override {
    arrivals.push_back(transport->read_arrival_ns());
    completions.push_back(wall_ns());
    recorder::on_read(n);
  }
};

// A loopback peer the test writes to directly (blocking writes), accepted on the test's io_context.
struct peer {
  explicit peer(asio::io_context &io) : acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}), socket(io) {}
  std::string url() const { return "mqtt://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()); }
  // Connects r with options and accepts its connection.
  void connect(asio::io_context &io, recorder &r, mqtk::net::transport_options options) {
    net_test::keep_timestamps_on();
    acceptor.async_accept(socket, [](const boost::system::error_code &) {});
    REQUIRE(net_test::connect(io, url(), options, r).empty());
    REQUIRE(r.connected);
    REQUIRE(run_until(io, [&] { return socket.is_open(); }));
  }
  // Writes n bytes; returns the wall clock just before the write.
  std::uint64_t write(std::size_t n) {
    const auto data = net_test::pattern(n);
    const std::uint64_t before = wall_ns();
    asio::write(socket, asio::buffer(data));
    return before;
  }
  asio::ip::tcp::acceptor acceptor;
  asio::ip::tcp::socket socket;
};

mqtk::net::transport_options stamped() {
  mqtk::net::transport_options options;
  options.arrival_timestamps = true;
  return options;
}

} // namespace

TEST_CASE("net arrival: a late read reports when the bytes arrived, not when it ran") {
  asio::io_context io;
  peer server(io);
  stamp_recorder r;
  server.connect(io, r, stamped());
  const std::uint64_t before = server.write(100);
  const std::uint64_t after = wall_ns();
  std::this_thread::sleep_for(50ms); // the bytes wait in the kernel; nothing reads them yet
  r.start_reading();
  REQUIRE(run_until(io, [&] { return r.received.size() == 100; }));
  REQUIRE(r.arrivals.size() == 1);
  CHECK(r.arrivals[0] >= before);
  CHECK(r.arrivals[0] <= after);
  CHECK(r.completions[0] - r.arrivals[0] >= 45'000'000u); // the read itself came 50 ms later
}

TEST_CASE("net arrival: a read waiting for data gets the stamp of the bytes that woke it") {
  asio::io_context io;
  peer server(io);
  stamp_recorder r;
  server.connect(io, r, stamped());
  r.start_reading(); // pending: nothing to read yet
  io.restart();
  io.run_for(20ms);
  for (int i = 0; i < 3; ++i) {
    const std::size_t expected = r.received.size() + 10;
    const std::uint64_t before = server.write(10);
    const std::uint64_t after = wall_ns();
    REQUIRE(run_until(io, [&] { return r.received.size() == expected; }));
    CHECK(r.arrivals.back() >= before);
    CHECK(r.arrivals.back() <= after);
  }
}

TEST_CASE("net arrival: bytes that queued up together carry the stamp of the newest") {
  // TCP merges queued segments and keeps one stamp: why mqtk-bench bounds how long it holds reads.
  asio::io_context io;
  peer server(io);
  stamp_recorder r;
  server.connect(io, r, stamped());
  const std::uint64_t first = server.write(10);
  std::this_thread::sleep_for(30ms);
  const std::uint64_t second = server.write(20);
  const std::uint64_t second_after = wall_ns();
  r.start_reading();
  REQUIRE(run_until(io, [&] { return r.received.size() == 30; }));
  REQUIRE(r.arrivals.size() == 1); // one read took both
  CHECK(r.arrivals[0] >= second);
  CHECK(r.arrivals[0] <= second_after);
  CHECK(r.arrivals[0] - first >= 25'000'000u);
}

TEST_CASE("net arrival: off by default, and the peer closing still ends the stamped transport") {
  asio::io_context io;
  SUBCASE("without arrival_timestamps reads carry no stamp") {
    peer server(io);
    stamp_recorder r;
    server.connect(io, r, {});
    server.write(10);
    r.start_reading();
    REQUIRE(run_until(io, [&] { return r.received.size() == 10; }));
    CHECK(r.arrivals.at(0) == 0);
  }
  SUBCASE("EOF is the usual closed failure") {
    peer server(io);
    stamp_recorder r;
    server.connect(io, r, stamped());
    server.write(5);
    server.socket.close();
    r.start_reading();
    REQUIRE(run_until(io, [&] { return r.error.has_value(); }));
    CHECK(r.received.size() == 5);
    CHECK(r.error->kind == mqtk::net::failure_kind::io);
    CHECK(r.error->code == mqtk::net::errc::closed);
  }
  SUBCASE("graceful shutdown drains through stamped reads") {
    net_test::tcp_echo_server server(io);
    stamp_recorder r;
    REQUIRE(net_test::connect(io, "mqtt://127.0.0.1:" + std::to_string(server.port()), stamped(), r).empty());
    r.start_reading();
    auto data = net_test::pattern(64);
    r.transport->async_write(mqtk::net::bytes_view(data));
    REQUIRE(run_until(io, [&] { return r.received.size() == 64; }));
    r.transport->async_shutdown(2s);
    REQUIRE(run_until(io, [&] { return r.closed; }));
    CHECK_FALSE(r.error);
  }
}

TEST_CASE("net arrival: stamped reads use recycled operation memory") {
  asio::io_context io;
  net_test::tcp_echo_server server(io);
  stamp_recorder r;
  REQUIRE(net_test::connect(io, "mqtt://127.0.0.1:" + std::to_string(server.port()), stamped(), r).empty());
  r.start_reading();
  auto data = net_test::pattern(50);
  auto round_trip = [&] {
    const std::size_t expected = r.received.size() + data.size();
    r.transport->async_write(mqtk::net::bytes_view(data));
    REQUIRE(run_until(io, [&] { return r.received.size() == expected; }));
  };
  for (int i = 0; i < 3; ++i)
    round_trip(); // warm-up: slots are allocated here
  const auto before = mqtk::net::operation_memory_stats();
  for (int i = 0; i < 200; ++i)
    round_trip();
  const auto after = mqtk::net::operation_memory_stats();
  CHECK(after.slot_allocations == before.slot_allocations);
  CHECK(after.fallback_allocations == before.fallback_allocations);
}
