// TCP and Unix-socket transports against loopback echo servers: connect, errors, gather writes,
// shutdown, close, and steady-state operation memory.
#include "support_net/echo_server.hpp"
#include "support_net/recorder.hpp"

#include "mqtk/net/transport.hpp"

#include <boost/asio/local/stream_protocol.hpp>
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

using namespace std::chrono_literals;
using mqtk::net::errc;
using mqtk::net::failure_kind;
using net_test::recorder;
using net_test::run_until;

namespace {

std::string url_for(std::uint16_t port) {
  return "mqtt://127.0.0.1:" + std::to_string(port);
}

// A port with no listener: bound once, then released.
std::uint16_t free_port(boost::asio::io_context &io) {
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

// A unique socket path in the temp directory.
std::string temp_socket_path(const char *name) {
  return (std::filesystem::temp_directory_path() / ("mqtk-net-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

// Writes data and reads until the same number of bytes came back.
void echo_round_trip(boost::asio::io_context &io, recorder &r, std::span<const mqtk::net::bytes_view> parts) {
  std::size_t total = 0;
  for (auto part : parts)
    total += part.size();
  std::size_t before = r.received.size();
  int writes = r.writes;
  r.transport->async_write(parts);
  REQUIRE(run_until(io, [&] { return r.received.size() - before >= total || r.error; }));
  REQUIRE_FALSE(r.error);
  CHECK(r.writes == writes + 1);
}

} // namespace

TEST_CASE("net tcp: connection refused is a connect failure") {
  boost::asio::io_context io;
  recorder r;
  std::uint16_t port = free_port(io);
  REQUIRE(net_test::connect(io, url_for(port), {}, r).empty());
  REQUIRE(r.error);
  CHECK_FALSE(r.connected);
  CHECK(r.error->kind == failure_kind::connect);
  CHECK(r.error->code == std::errc::connection_refused);
  CHECK(r.error->message == "cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST_CASE("net tcp: an unknown host is a connect failure naming the host") {
  boost::asio::io_context io;
  recorder r;
  mqtk::net::transport_options options;
  options.connect_timeout = 5s;
  REQUIRE(net_test::connect(io, "mqtt://nosuch.invalid:1883", options, r).empty());
  REQUIRE(r.error);
  CHECK(r.error->kind == failure_kind::connect);
  CHECK(r.error->message.find("nosuch.invalid") != std::string::npos);
}

TEST_CASE("net tcp: echo with gather writes") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io);
  recorder r;
  REQUIRE(net_test::connect(io, url_for(server.port()), {}, r).empty());
  REQUIRE(r.connected);
  CHECK(r.transport->info().remote == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(r.transport->info().tls_version.empty());
  r.start_reading();

  auto a = net_test::pattern(10, 1);
  auto b = net_test::pattern(100'000, 2);
  auto c = net_test::pattern(3, 3);
  std::vector<mqtk::net::bytes_view> parts{a, b, c};
  echo_round_trip(io, r, parts);
  CHECK(r.written == a.size() + b.size() + c.size());
  std::vector<std::uint8_t> expected = a;
  expected.insert(expected.end(), b.begin(), b.end());
  expected.insert(expected.end(), c.begin(), c.end());
  CHECK(r.received == expected);

  SUBCASE("single-buffer overload") {
    auto d = net_test::pattern(5, 4);
    r.transport->async_write(mqtk::net::bytes_view(d));
    REQUIRE(run_until(io, [&] { return r.received.size() == expected.size() + d.size(); }));
  }
}

TEST_CASE("net tcp: localhost tries every resolved address") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io); // IPv4 only; localhost may resolve to ::1 first
  recorder r;
  REQUIRE(net_test::connect(io, "mqtt://localhost:" + std::to_string(server.port()), {}, r).empty());
  CHECK(r.connected);
  CHECK(r.transport->info().remote == "127.0.0.1:" + std::to_string(server.port()));
}

TEST_CASE("net tcp: IPv6 literal") {
  boost::asio::io_context io;
  std::unique_ptr<net_test::echo_server<boost::asio::ip::tcp>> server;
  try {
    server = std::make_unique<net_test::echo_server<boost::asio::ip::tcp>>(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("::1"), 0));
  } catch (const std::exception &e) {
    MESSAGE("no IPv6 loopback here, skipped: ", e.what());
    return;
  }
  std::uint16_t port = server->local_endpoint().port();
  recorder r;
  REQUIRE(net_test::connect(io, "mqtt://[::1]:" + std::to_string(port), {}, r).empty());
  REQUIRE(r.connected);
  CHECK(r.transport->info().remote == "[::1]:" + std::to_string(port));
}

TEST_CASE("net tcp: localhost is the loopback, IPv4 first, without a lookup (RFC 6761)") {
  boost::asio::io_context io;
  net_test::tcp_echo_server v4(io);
  for (const char *name : {"localhost", "LocalHost", "localhost."}) {
    CAPTURE(name);
    recorder r;
    REQUIRE(net_test::connect(io, std::string("mqtt://") + name + ":" + std::to_string(v4.port()), {}, r).empty());
    REQUIRE(r.connected);
    CHECK(r.transport->info().remote == "127.0.0.1:" + std::to_string(v4.port()));
  }
  // A broker on ::1 alone: 127.0.0.1 refuses, ::1 answers (this machine's /etc/hosts may not name
  // ::1 localhost at all; a lookup would then never try it).
  std::unique_ptr<net_test::echo_server<boost::asio::ip::tcp>> v6;
  try {
    v6 = std::make_unique<net_test::echo_server<boost::asio::ip::tcp>>(
        io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("::1"), 0));
  } catch (const std::exception &e) {
    MESSAGE("no IPv6 loopback here, the ::1 half skipped: ", e.what());
    return;
  }
  const std::uint16_t port = v6->local_endpoint().port();
  recorder r;
  REQUIRE(net_test::connect(io, "mqtt://localhost:" + std::to_string(port), {}, r).empty());
  REQUIRE(r.connected);
  CHECK(r.transport->info().remote == "[::1]:" + std::to_string(port));
}

TEST_CASE("net tcp: localhost refused on both loopbacks is a connect failure naming localhost") {
  boost::asio::io_context io;
  recorder r;
  const std::uint16_t port = free_port(io);
  REQUIRE(net_test::connect(io, "mqtt://localhost:" + std::to_string(port), {}, r).empty());
  REQUIRE(r.error);
  CHECK(r.error->kind == failure_kind::connect);
  CHECK(r.error->code == std::errc::connection_refused);
  CHECK(r.error->message == "cannot connect to localhost:" + std::to_string(port) + ": Connection refused");
}

TEST_CASE("net tcp: the peer closing is an io failure") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io);
  recorder r;
  REQUIRE(net_test::connect(io, url_for(server.port()), {}, r).empty());
  r.start_reading();
  REQUIRE(run_until(io, [&] { return !server.sessions.empty(); }));
  server.close_all();
  REQUIRE(run_until(io, [&] { return r.error.has_value(); }));
  CHECK(r.error->kind == failure_kind::io);
  CHECK(r.error->code == errc::closed);
  CHECK(r.error->message ==
        "connection to 127.0.0.1:" + std::to_string(server.port()) + " closed by the broker");
}

TEST_CASE("net tcp: graceful shutdown") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io);
  recorder r;
  REQUIRE(net_test::connect(io, url_for(server.port()), {}, r).empty());
  SUBCASE("with a read pending: the echo server closes on EOF") {
    r.start_reading();
  }
  SUBCASE("without a read pending") {}
  auto data = net_test::pattern(64);
  r.transport->async_write(mqtk::net::bytes_view(data));
  REQUIRE(run_until(io, [&] { return r.writes == 1; }));
  r.transport->async_shutdown(2s);
  auto start = std::chrono::steady_clock::now();
  REQUIRE(run_until(io, [&] { return r.closed; }));
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK_FALSE(r.error);
  CHECK(server.sessions.at(0)->bytes == 64);
}

TEST_CASE("net tcp: shutdown gives up after the linger time") {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  recorder r;
  REQUIRE(net_test::connect(io, url_for(silent.local_endpoint().port()), {}, r).empty());
  REQUIRE(r.connected); // in the listen backlog, never accepted: the peer never closes
  r.transport->async_shutdown(100ms);
  REQUIRE(run_until(io, [&] { return r.closed; }));
  CHECK_FALSE(r.error);
}

TEST_CASE("net tcp: no callback after close() or destruction") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io);
  recorder r;
  REQUIRE(net_test::connect(io, url_for(server.port()), {}, r).empty());
  r.start_reading();
  auto data = net_test::pattern(16);
  r.transport->async_write(mqtk::net::bytes_view(data));
  SUBCASE("close") {
    r.transport->close();
    r.transport->close();
  }
  SUBCASE("destroy") {
    r.transport.reset();
  }
  io.restart();
  io.run_for(100ms);
  CHECK(r.writes == 0);
  CHECK(r.received.empty());
  CHECK_FALSE(r.error);
  CHECK_FALSE(r.closed);
}

TEST_CASE("net tcp: a handler may destroy its transport inside a callback") {
  struct destroyer : recorder {
    void on_read(std::size_t n) override {
      recorder::on_read(n);
      transport.reset();
    }
  };
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io);
  destroyer r;
  REQUIRE(net_test::connect(io, url_for(server.port()), {}, r).empty());
  r.start_reading();
  auto data = net_test::pattern(8);
  r.transport->async_write(mqtk::net::bytes_view(data));
  REQUIRE(run_until(io, [&] { return !r.transport; }));
  io.restart();
  io.run_for(50ms);
  CHECK(r.received.size() == 8);
}

TEST_CASE("net tcp: steady-state reads and writes use recycled operation memory") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io);
  recorder r;
  REQUIRE(net_test::connect(io, url_for(server.port()), {}, r).empty());
  r.start_reading();
  auto a = net_test::pattern(40);
  auto b = net_test::pattern(60);
  std::vector<mqtk::net::bytes_view> parts{a, b};
  echo_round_trip(io, r, parts); // warm-up: slots are allocated here
  auto before = mqtk::net::operation_memory_stats();
  for (int i = 0; i < 200; ++i)
    echo_round_trip(io, r, parts);
  auto after = mqtk::net::operation_memory_stats();
  CHECK(after.slot_allocations == before.slot_allocations);
  CHECK(after.fallback_allocations == before.fallback_allocations);
}

TEST_CASE("net tcp: many transports on one io_context") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io);
  auto parsed = mqtk::net::parse_url(url_for(server.port()));
  auto made = mqtk::net::make_connector(io, parsed.value, {});
  REQUIRE(made.value);
  std::vector<std::unique_ptr<recorder>> clients(200);
  for (auto &c : clients) {
    c = std::make_unique<recorder>();
    c->transport = made.value->create(*c);
    c->transport->async_connect();
  }
  made.value.reset(); // transports outlive their connector
  auto all = [&](auto predicate) {
    for (auto &c : clients)
      if (!predicate(*c))
        return false;
    return true;
  };
  REQUIRE(run_until(io, [&] { return all([](recorder &c) { return c.connected || c.error; }); }));
  REQUIRE(all([](recorder &c) { return c.connected; }));
  auto data = net_test::pattern(32);
  for (auto &c : clients) {
    c->start_reading();
    c->transport->async_write(mqtk::net::bytes_view(data));
  }
  REQUIRE(run_until(io, [&] { return all([](recorder &c) { return c.received.size() == 32; }); }));
}

TEST_CASE("net unix: echo over a Unix domain socket") {
  using boost::asio::local::stream_protocol;
  boost::asio::io_context io;
  std::string path = temp_socket_path("echo.sock");
  std::filesystem::remove(path);
  net_test::echo_server<stream_protocol> server(io, stream_protocol::endpoint(path));
  recorder r;
  REQUIRE(net_test::connect(io, "unix://" + path, {}, r).empty());
  REQUIRE(r.connected);
  CHECK(r.transport->info().remote == path);
  r.start_reading();
  auto a = net_test::pattern(1000, 1);
  auto b = net_test::pattern(70'000, 2);
  std::vector<mqtk::net::bytes_view> parts{a, b};
  echo_round_trip(io, r, parts);
  CHECK(r.received.size() == 71'000);
  r.transport->async_shutdown(1s);
  REQUIRE(run_until(io, [&] { return r.closed; }));
  std::filesystem::remove(path);
}

TEST_CASE("net unix: connect failures") {
  boost::asio::io_context io;
  SUBCASE("no such socket") {
    recorder r;
    REQUIRE(net_test::connect(io, "unix:///nonexistent/mqtk.sock", {}, r).empty());
    REQUIRE(r.error);
    CHECK(r.error->kind == failure_kind::connect);
    CHECK(r.error->message ==
          "cannot connect to unix socket /nonexistent/mqtk.sock: No such file or directory");
  }
  SUBCASE("path too long") {
    recorder r;
    REQUIRE(net_test::connect(io, "unix:///" + std::string(200, 'x'), {}, r).empty());
    REQUIRE(r.error);
    CHECK(r.error->kind == failure_kind::connect);
    CHECK(r.error->code == errc::invalid_endpoint);
  }
}
