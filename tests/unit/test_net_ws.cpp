// WebSocket transports (ws://, wss://) against a Beast echo server: upgrade with subprotocol mqtt,
// path and extra headers, binary frames, refused upgrades, timeouts and shutdown.
#include "support_net/recorder.hpp"
#include "support_net/test_certs.hpp"
#include "support_net/ws_echo_server.hpp"

#include "mqtk/net/transport.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace std::chrono_literals;
using mqtk::net::errc;
using mqtk::net::failure_kind;
using net_test::recorder;
using net_test::run_until;

namespace {

std::string ws_url(std::uint16_t port, const std::string &path = "") {
  return "ws://127.0.0.1:" + std::to_string(port) + path;
}

// Sends parts and waits until the echo of all of them arrived.
void check_echo(boost::asio::io_context &io, recorder &r, std::span<const mqtk::net::bytes_view> parts) {
  std::vector<std::uint8_t> expected = r.received;
  for (auto part : parts)
    expected.insert(expected.end(), part.begin(), part.end());
  r.transport->async_write(parts);
  REQUIRE(run_until(io, [&] { return r.received.size() >= expected.size() || r.error; }));
  CHECK(r.received == expected);
}

} // namespace

TEST_CASE("net ws: upgrade with subprotocol mqtt, default path, extra headers; binary echo") {
  boost::asio::io_context io;
  net_test::ws_echo_server server(io, "/mqtt");
  mqtk::net::transport_options options;
  options.ws_headers = {"X-Test:  yes ", "Authorization: Bearer abc"};
  recorder r;
  REQUIRE(net_test::connect(io, ws_url(server.port()), options, r).empty());
  REQUIRE(r.connected);
  REQUIRE(server.requests.size() == 1);
  const auto &seen = *server.requests[0];
  CHECK(seen.target == "/mqtt");
  CHECK(seen.subprotocol == "mqtt");
  CHECK(seen.host == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(seen.x_test == "yes");
  CHECK(r.transport->info().ws_subprotocol == "mqtt");
  CHECK(r.transport->info().remote == "127.0.0.1:" + std::to_string(server.port()));

  r.start_reading(); // 4 KiB reads: the 100 KB message arrives in many reads
  auto a = net_test::pattern(7, 1);
  auto b = net_test::pattern(100'000, 2);
  std::vector<mqtk::net::bytes_view> parts{a, b};
  check_echo(io, r, parts);
  check_echo(io, r, parts);
  CHECK(seen.messages == 2);
  CHECK(seen.all_binary);
}

TEST_CASE("net ws: a ping while a large message is still arriving, none for small ones") {
  // mosquitto 2.0 (libwebsockets) sends a large message 4 KiB per turn of its event loop, which
  // turns on client traffic or every 100 ms: the ping makes it send the next piece at once.
  boost::asio::io_context io;
  net_test::ws_echo_server server(io, "/mqtt");
  recorder r;
  REQUIRE(net_test::connect(io, ws_url(server.port(), "/mqtt"), {}, r).empty());
  r.start_reading(); // 4 KiB reads
  const auto &seen = *server.requests[0];
  auto small = net_test::pattern(1000, 3);
  std::vector<mqtk::net::bytes_view> one{small};
  for (int i = 0; i < 5; ++i)
    check_echo(io, r, one);
  CHECK(seen.pings == 0);
  auto large = net_test::pattern(200'000, 4);
  std::vector<mqtk::net::bytes_view> big{large};
  check_echo(io, r, big);
  REQUIRE(run_until(io, [&] { return seen.pings > 0; }));
  CHECK(seen.pings <= 200'000 / 4096 + 1); // at most one per read
  CHECK(seen.messages == 6);
}

TEST_CASE("net ws: explicit path and query") {
  boost::asio::io_context io;
  net_test::ws_echo_server server(io, "/custom/ws?token=a%2Fb");
  recorder r;
  REQUIRE(net_test::connect(io, ws_url(server.port(), "/custom/ws?token=a%2Fb"), {}, r).empty());
  REQUIRE(r.connected);
  CHECK(server.requests.at(0)->target == "/custom/ws?token=a%2Fb");
}

TEST_CASE("net ws: a refused upgrade is a connect failure with the HTTP status") {
  boost::asio::io_context io;
  net_test::ws_echo_server server(io, "/mqtt");
  recorder r;
  REQUIRE(net_test::connect(io, ws_url(server.port(), "/nope"), {}, r).empty());
  REQUIRE(r.error);
  CHECK(r.error->kind == failure_kind::connect);
  CHECK(r.error->code == errc::websocket_upgrade_failed);
  CHECK(r.error->message == "WebSocket upgrade to 127.0.0.1:" + std::to_string(server.port()) +
                                "/nope refused: HTTP 404 Not Found");
}

TEST_CASE("net ws: a server closing instead of upgrading is a connect failure") {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  boost::asio::ip::tcp::socket peer(io);
  std::array<char, 1024> request{};
  acceptor.async_accept(peer, [&](auto ec) {
    if (!ec)
      peer.async_read_some(boost::asio::buffer(request), [&](auto, std::size_t) { peer.close(); });
  });
  std::uint16_t port = acceptor.local_endpoint().port();
  recorder r;
  REQUIRE(net_test::connect(io, ws_url(port), {}, r).empty());
  REQUIRE(r.error);
  CHECK(r.error->kind == failure_kind::connect);
  CHECK(r.error->message == "WebSocket upgrade to 127.0.0.1:" + std::to_string(port) +
                                "/mqtt failed: the server closed the connection (is this a WebSocket port?)");
}

TEST_CASE("net ws: no subprotocol requested when empty") {
  boost::asio::io_context io;
  net_test::ws_echo_server server(io, "/mqtt");
  mqtk::net::transport_options options;
  options.ws_subprotocol.clear();
  recorder r;
  REQUIRE(net_test::connect(io, ws_url(server.port()), options, r).empty());
  REQUIRE(r.connected);
  CHECK(server.requests.at(0)->subprotocol.empty());
  CHECK(r.transport->info().ws_subprotocol.empty());
}

TEST_CASE("net ws: invalid extra headers are setup errors") {
  boost::asio::io_context io;
  auto setup_error = [&](std::string header) {
    mqtk::net::transport_options options;
    options.ws_headers = {std::move(header)};
    auto made = mqtk::net::make_connector(io, mqtk::net::parse_url("ws://localhost").value, options);
    REQUIRE_FALSE(made.value);
    CHECK(made.error.kind == failure_kind::setup);
    return made.error.message;
  };
  CHECK(setup_error("NoColon") == "invalid WebSocket header 'NoColon' (expected 'Name: value')");
  CHECK(setup_error(": v") == "invalid WebSocket header ': v' (expected 'Name: value')");
  CHECK(setup_error("Bad Name: v") == "invalid WebSocket header 'Bad Name: v' (expected 'Name: value')");
  CHECK(setup_error("X: a\r\nInjected: 1") ==
        "invalid WebSocket header 'X: a\r\nInjected: 1' (expected 'Name: value')");
  CHECK(setup_error("sec-websocket-key: x") == "WebSocket header 'sec-websocket-key' cannot be set");
}

TEST_CASE("net ws: connect timeout covers the WebSocket handshake") {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  std::uint16_t port = silent.local_endpoint().port();
  mqtk::net::transport_options options;
  options.connect_timeout = 150ms;
  recorder r;
  REQUIRE(net_test::connect(io, ws_url(port), options, r).empty());
  REQUIRE(r.error);
  CHECK(r.error->kind == failure_kind::connect);
  CHECK(r.error->code == errc::connect_timeout);
  CHECK(r.error->message == "could not connect to 127.0.0.1:" + std::to_string(port) +
                                " within 150 ms (timed out during the WebSocket handshake)");
}

TEST_CASE("net ws: close frame from the server is an io failure 'closed'") {
  boost::asio::io_context io;
  net_test::ws_echo_server server(io, "/mqtt");
  recorder r;
  REQUIRE(net_test::connect(io, ws_url(server.port()), {}, r).empty());
  REQUIRE(r.connected);
  r.start_reading();
  server.close_all();
  REQUIRE(run_until(io, [&] { return r.error.has_value(); }));
  CHECK(r.error->kind == failure_kind::io);
  CHECK(r.error->code == errc::closed);
}

TEST_CASE("net ws: graceful shutdown sends a close frame") {
  boost::asio::io_context io;
  net_test::ws_echo_server server(io, "/mqtt");
  recorder r;
  REQUIRE(net_test::connect(io, ws_url(server.port()), {}, r).empty());
  SUBCASE("with a read pending") {
    r.start_reading();
  }
  SUBCASE("without a read pending") {}
  r.transport->async_shutdown(2s);
  auto start = std::chrono::steady_clock::now();
  REQUIRE(run_until(io, [&] { return r.closed; }));
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK_FALSE(r.error);
  REQUIRE(run_until(io, [&] { return server.requests.at(0)->close_frame; }));
}

TEST_CASE("net ws: steady-state memory") {
  boost::asio::io_context io;
  net_test::ws_echo_server server(io, "/mqtt");
  recorder r;
  REQUIRE(net_test::connect(io, ws_url(server.port()), {}, r).empty());
  r.start_reading();
  auto a = net_test::pattern(30);
  auto b = net_test::pattern(200);
  std::vector<mqtk::net::bytes_view> parts{a, b};
  check_echo(io, r, parts);
  check_echo(io, r, parts);
  auto before = mqtk::net::operation_memory_stats();
  for (int i = 0; i < 100; ++i)
    check_echo(io, r, parts);
  auto after = mqtk::net::operation_memory_stats();
  CHECK(after.slot_allocations == before.slot_allocations);
  CHECK(after.fallback_allocations == before.fallback_allocations);
}

TEST_CASE("net wss: WebSocket over TLS") {
  const auto &certs = net_test::test_certs::get();
  boost::asio::io_context io;
  net_test::ws_echo_server server(io, "/mqtt", certs.server, certs.server_key);
  mqtk::net::transport_options options;
  options.tls.cafile = certs.ca;
  SUBCASE("connects and echoes") {
    recorder r;
    REQUIRE(net_test::connect(io, "wss://localhost:" + std::to_string(server.port()), options, r).empty());
    REQUIRE(r.connected);
    auto info = r.transport->info();
    CHECK(info.tls_version == "TLSv1.3");
    CHECK(info.ws_subprotocol == "mqtt");
    CHECK(server.requests.at(0)->host == "localhost:" + std::to_string(server.port()));
    r.start_reading();
    auto a = net_test::pattern(5000);
    std::vector<mqtk::net::bytes_view> parts{a};
    check_echo(io, r, parts);
    r.transport->async_shutdown(2s);
    REQUIRE(run_until(io, [&] { return r.closed; }));
  }
  SUBCASE("verification failure is tls class") {
    options.tls.sni = "wrong.example";
    recorder r;
    REQUIRE(net_test::connect(io, "wss://localhost:" + std::to_string(server.port()), options, r).empty());
    REQUIRE(r.error);
    CHECK(r.error->kind == failure_kind::tls);
    CHECK(r.error->message.find("host name mismatch: certificate is not valid for 'wrong.example'") !=
          std::string::npos);
  }
}
