// The source address option (transport_options::local_address): the peer sees the bound address,
// every stream type that runs over TCP binds it, and what cannot be bound fails with a clear reason.
#include "support_net/echo_server.hpp"
#include "support_net/recorder.hpp"
#include "support_net/test_certs.hpp"
#include "support_net/tls_echo_server.hpp"
#include "support_net/ws_echo_server.hpp"

#include "mqtk/net/transport.hpp"

#include <doctest/doctest.h>

#include <string>

using mqtk::net::errc;
using mqtk::net::failure_kind;
using net_test::recorder;

namespace {

mqtk::net::transport_options from(const std::string &address) {
  mqtk::net::transport_options options;
  options.local_address = address;
  return options;
}

// The address the server saw for its first accepted connection.
std::string peer_address(net_test::tcp_echo_server &server) {
  REQUIRE_FALSE(server.sessions.empty());
  boost::system::error_code ec;
  auto peer = server.sessions.front()->socket().remote_endpoint(ec);
  REQUIRE_FALSE(ec);
  return peer.address().to_string();
}

} // namespace

TEST_CASE("net bind: the listener sees the source address the connection bound") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io);
  for (const char *address : {"127.0.0.2", "127.0.0.3"}) {
    CAPTURE(address);
    recorder r;
    REQUIRE(net_test::connect(io, "mqtt://127.0.0.1:" + std::to_string(server.port()), from(address), r).empty());
    REQUIRE(r.connected);
    REQUIRE(net_test::run_until(io, [&] { return !server.sessions.empty(); }));
    CHECK(peer_address(server) == address);
    server.sessions.clear();
  }
}

TEST_CASE("net bind: without a source address the kernel chooses (127.0.0.1 on loopback)") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io);
  recorder r;
  REQUIRE(net_test::connect(io, "mqtt://127.0.0.1:" + std::to_string(server.port()), {}, r).empty());
  REQUIRE(r.connected);
  REQUIRE(net_test::run_until(io, [&] { return !server.sessions.empty(); }));
  CHECK(peer_address(server) == "127.0.0.1");
}

TEST_CASE("net bind: a host name connects only to addresses of the source address's family") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io); // 127.0.0.1; localhost may resolve to ::1 first
  recorder r;
  REQUIRE(net_test::connect(io, "mqtt://localhost:" + std::to_string(server.port()), from("127.0.0.4"), r).empty());
  REQUIRE(r.connected);
  REQUIRE(net_test::run_until(io, [&] { return !server.sessions.empty(); }));
  CHECK(peer_address(server) == "127.0.0.4");
}

TEST_CASE("net bind: TLS binds the source address too") {
  boost::asio::io_context io;
  const auto &certs = net_test::test_certs::get();
  net_test::tls_echo_server server(io, certs.server, certs.server_key);
  mqtk::net::transport_options options = from("127.0.0.5");
  options.tls.cafile = certs.ca;
  recorder r;
  REQUIRE(net_test::connect(io, "mqtts://127.0.0.1:" + std::to_string(server.port()), options, r).empty());
  REQUIRE(r.connected);
  REQUIRE(net_test::run_until(io, [&] { return !server.sessions.empty(); }));
  boost::system::error_code ec;
  auto peer = server.sessions.front()->socket().lowest_layer().remote_endpoint(ec);
  REQUIRE_FALSE(ec);
  CHECK(peer.address().to_string() == "127.0.0.5");
}

TEST_CASE("net bind: WebSocket binds the source address too") {
  boost::asio::io_context io;
  net_test::ws_echo_server server(io, "/mqtt");
  recorder r;
  REQUIRE(net_test::connect(io, "ws://127.0.0.1:" + std::to_string(server.port()) + "/mqtt", from("127.0.0.6"), r)
              .empty());
  REQUIRE(r.connected);
  REQUIRE_FALSE(server.requests.empty());
  CHECK(server.requests.front()->peer == "127.0.0.6");
}

TEST_CASE("net bind: an address that is not this machine's fails the connection and says so") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io);
  recorder r;
  REQUIRE(net_test::connect(io, "mqtt://127.0.0.1:" + std::to_string(server.port()), from("192.0.2.1"), r).empty());
  REQUIRE(r.error);
  CHECK(r.error->kind == failure_kind::connect);
  CHECK(r.error->code == errc::source_address_unavailable);
  CHECK(r.error->message.find("192.0.2.1") != std::string::npos);
  CHECK(r.error->message.find("not an address of this machine") != std::string::npos);
}

TEST_CASE("net bind: an IPv6 source cannot reach an IPv4 broker") {
  boost::asio::io_context io;
  net_test::tcp_echo_server server(io);
  recorder r;
  REQUIRE(net_test::connect(io, "mqtt://127.0.0.1:" + std::to_string(server.port()), from("::1"), r).empty());
  REQUIRE(r.error);
  CHECK(r.error->kind == failure_kind::connect);
  CHECK(r.error->message.find("from source address ::1: no IPv6 address to connect to") != std::string::npos);
}

TEST_CASE("net bind: a bad address or a Unix socket is a setup failure before connecting") {
  boost::asio::io_context io;
  auto bad = mqtk::net::make_connector(io, mqtk::net::parse_url("mqtt://127.0.0.1:1").value, from("127.0.0"));
  CHECK_FALSE(bad.value);
  CHECK(bad.error.kind == failure_kind::setup);
  CHECK(bad.error.message.find("'127.0.0' is not an IPv4 or IPv6 address") != std::string::npos);
  auto unix_socket = mqtk::net::make_connector(io, mqtk::net::parse_url("unix:///tmp/x.sock").value, from("127.0.0.2"));
  CHECK_FALSE(unix_socket.value);
  CHECK(unix_socket.error.kind == failure_kind::setup);
  CHECK(unix_socket.error.message.find("Unix socket") != std::string::npos);
}
