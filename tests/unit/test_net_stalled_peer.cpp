// Transports against a peer that accepts and then stops reading (zero window): the write timeout,
// close() abandoning a pending write (with a reset, so no bytes linger), and a timeout that leaves
// completed writes alone.
#include "support_net/echo_server.hpp"
#include "support_net/recorder.hpp"

#include "mqtk/net/transport.hpp"

#include <doctest/doctest.h>

#include <optional>

using namespace std::chrono_literals;
using mqtk::net::errc;
using mqtk::net::failure_kind;
using net_test::recorder;
using net_test::run_until;
namespace asio = boost::asio;

namespace {

// Accepts one connection with a small receive buffer and never reads unless asked to.
struct stalled_peer {
  explicit stalled_peer(asio::io_context &io) : acceptor(io), socket(io) {
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::receive_buffer_size(4096)); // inherited by the accepted socket
    acceptor.bind(endpoint);
    acceptor.listen();
    acceptor.async_accept(socket, [this](const boost::system::error_code &ec) { accepted = !ec; });
  }
  std::string url() const { return "mqtt://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()); }

  // Reads and discards until an error; read_error then holds it.
  void drain() {
    socket.async_read_some(asio::buffer(sink), [this](const boost::system::error_code &ec, std::size_t) {
      if (ec) {
        read_error = ec;
        return;
      }
      drain();
    });
  }

  asio::ip::tcp::acceptor acceptor;
  asio::ip::tcp::socket socket;
  bool accepted = false;
  std::optional<boost::system::error_code> read_error;
  std::array<char, 65536> sink{};
};

// More than the socket buffers of both sides hold, so the write cannot complete.
const std::vector<std::uint8_t> &big_data() {
  static const auto data = net_test::pattern(64 * 1024 * 1024);
  return data;
}

} // namespace

TEST_CASE("net stalled peer: a write that does not complete fails after the write timeout") {
  asio::io_context io;
  stalled_peer peer(io);
  recorder r;
  REQUIRE(net_test::connect(io, peer.url(), {}, r).empty());
  REQUIRE(r.connected);
  REQUIRE(run_until(io, [&] { return peer.accepted; }));
  r.transport->set_write_timeout(300ms);
  const auto start = std::chrono::steady_clock::now();
  r.transport->async_write(mqtk::net::bytes_view(big_data()));
  REQUIRE(run_until(io, [&] { return r.error.has_value(); }));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(elapsed >= 300ms);
  CHECK(elapsed < 2s);
  CHECK(r.writes == 0);
  CHECK(r.error->kind == failure_kind::io);
  CHECK(r.error->code == errc::write_timeout);
  CHECK(r.error->message ==
        "connection to 127.0.0.1:" + std::to_string(peer.acceptor.local_endpoint().port()) +
            " lost: the broker stopped reading (a write did not complete within 300 ms)");
}

TEST_CASE("net stalled peer: a shorter write timeout applies to the next write at once") {
  // The client's pattern: the connect timeout while CONNECT is written, then 1.5 x the keepalive.
  asio::io_context io;
  stalled_peer peer(io);
  recorder r;
  REQUIRE(net_test::connect(io, peer.url(), {}, r).empty());
  REQUIRE(run_until(io, [&] { return peer.accepted; }));
  r.transport->set_write_timeout(10s);
  const auto small = net_test::pattern(100);
  r.transport->async_write(mqtk::net::bytes_view(small));
  REQUIRE(run_until(io, [&] { return r.writes == 1 || r.error; }));
  r.transport->set_write_timeout(300ms);
  const auto start = std::chrono::steady_clock::now();
  r.transport->async_write(mqtk::net::bytes_view(big_data()));
  REQUIRE(run_until(
      io, [&] { return r.error.has_value(); }, 3s));
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK(r.error->code == errc::write_timeout);
}

TEST_CASE("net stalled peer: a write timeout set while the write is pending") {
  asio::io_context io;
  stalled_peer peer(io);
  recorder r;
  REQUIRE(net_test::connect(io, peer.url(), {}, r).empty());
  REQUIRE(run_until(io, [&] { return peer.accepted; }));
  r.transport->set_write_timeout(10s);
  r.transport->async_write(mqtk::net::bytes_view(big_data()));
  io.restart();
  io.run_for(100ms);
  const auto start = std::chrono::steady_clock::now();
  r.transport->set_write_timeout(300ms); // counted from the write's start: due at once or soon
  REQUIRE(run_until(
      io, [&] { return r.error.has_value(); }, 3s));
  CHECK(std::chrono::steady_clock::now() - start < 1s);
  CHECK(r.error->code == errc::write_timeout);
}

TEST_CASE("net stalled peer: without a write timeout the write just waits") {
  asio::io_context io;
  stalled_peer peer(io);
  recorder r;
  REQUIRE(net_test::connect(io, peer.url(), {}, r).empty());
  REQUIRE(run_until(io, [&] { return peer.accepted; }));
  r.transport->async_write(mqtk::net::bytes_view(big_data()));
  CHECK_FALSE(run_until(
      io, [&] { return r.error.has_value() || r.writes > 0; }, 500ms));
}

TEST_CASE("net stalled peer: close() abandons a pending write at once and resets the connection") {
  asio::io_context io;
  stalled_peer peer(io);
  recorder r;
  REQUIRE(net_test::connect(io, peer.url(), {}, r).empty());
  REQUIRE(run_until(io, [&] { return peer.accepted; }));
  r.transport->async_write(mqtk::net::bytes_view(big_data()));
  io.restart();
  io.run_for(100ms); // the buffers fill up
  REQUIRE(r.writes == 0);
  const auto start = std::chrono::steady_clock::now();
  r.transport->close();
  CHECK(std::chrono::steady_clock::now() - start < 100ms);
  peer.drain();
  REQUIRE(run_until(io, [&] { return peer.read_error.has_value(); }));
  // A reset, not an orderly end after the rest of the queued bytes: nothing lingers in the kernel.
  CHECK(*peer.read_error == asio::error::connection_reset);
  CHECK(r.writes == 0);
  CHECK_FALSE(r.error);
  CHECK_FALSE(r.closed);
}

TEST_CASE("net stalled peer: the write timeout leaves writes that complete alone") {
  asio::io_context io;
  net_test::tcp_echo_server server(io);
  recorder r;
  REQUIRE(net_test::connect(io, "mqtt://127.0.0.1:" + std::to_string(server.port()), {}, r).empty());
  r.start_reading();
  r.transport->set_write_timeout(100ms);
  const auto data = net_test::pattern(1000);
  for (int round = 0; round < 3; ++round) {
    r.transport->async_write(mqtk::net::bytes_view(data));
    REQUIRE(run_until(io, [&] { return r.writes == round + 1 || r.error; }));
    io.restart();
    io.run_for(250ms); // idle past the timeout: nothing pending, nothing fails
    REQUIRE_FALSE(r.error);
  }
  CHECK(r.received.size() == 3 * data.size());
}
