// The client with reading paused (its user's output is stalled) against a loopback broker that
// answers each PINGREQ with a message and a PINGRESP: nothing is read while paused, PINGREQ still
// goes out every keepalive interval, the unread PINGRESPs do not fail the connection, and resuming
// delivers everything.
#include "client_loopback.hpp"
#include "mqtk/client/client.hpp"
#include "mqtk/net/url.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <doctest/doctest.h>

#include <array>
#include <deque>
#include <optional>
#include <vector>

using namespace std::chrono_literals;
namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

using mqtk::test::run_until;

namespace {

// Accepts one connection, answers CONNECT with CONNACK, then each PINGREQ with a QoS 0 PUBLISH on
// "p" and a PINGRESP.
struct pinging_broker {
  explicit pinging_broker(asio::io_context &io) : acceptor(io), socket(io) {
    mqtk::test::listen_on_loopback(acceptor);
    acceptor.async_accept(socket, [this](const boost::system::error_code &ec) {
      if (!ec)
        read();
    });
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }

  void read() {
    socket.async_read_some(asio::buffer(chunk_), [this](const boost::system::error_code &ec, std::size_t n) {
      if (ec)
        return;
      if (!connected_) {
        connected_ = true;                    // the CONNECT (small enough for one read)
        send({0x20, 0x03, 0x00, 0x00, 0x00}); // CONNACK 5.0, success
      } else {
        for (std::size_t i = 0; i < n; ++i) {
          if (chunk_[i] == 0xC0) { // PINGREQ (C0 00)
            ++pingreqs;
            send({0x30, 0x05, 0x00, 0x01, 'p', 0x00, 'x', 0xD0, 0x00}); // PUBLISH "p": "x", PINGRESP
          }
        }
      }
      read();
    });
  }

  void send(std::vector<std::uint8_t> bytes) {
    out_.push_back(std::move(bytes));
    if (out_.size() == 1)
      write_next();
  }
  void write_next() {
    asio::async_write(socket, asio::buffer(out_.front()),
                      [this](const boost::system::error_code &ec, std::size_t) {
                        out_.pop_front();
                        if (!ec && !out_.empty())
                          write_next();
                      });
  }

  asio::ip::tcp::acceptor acceptor;
  asio::ip::tcp::socket socket;
  int pingreqs = 0;

private:
  bool connected_ = false;
  std::array<std::uint8_t, 256> chunk_{};
  std::deque<std::vector<std::uint8_t>> out_;
};

struct handler final : mqtk::client::client_handler {
  mqtk::client::client *c = nullptr;
  bool connected = false;
  int messages = 0;
  std::optional<mqtk::client::close_reason> closed;
  void on_connected(const mqtk::protocol::connack &, bool) override {
    connected = true;
    c->pause_reading(); // before the read that follows CONNACK is issued
  }
  void on_message(const mqtk::protocol::publish &) override { ++messages; }
  void on_closed(const mqtk::client::close_reason &why) override { closed = why; }
};


} // namespace

TEST_CASE("client pause_reading: keepalive goes on, unread PINGRESPs are no timeout, resume delivers all") {
  asio::io_context io;
  pinging_broker broker(io);
  handler h;
  mqtk::client::client_options o;
  o.endpoint = mqtk::net::parse_url("mqtt://127.0.0.1:" + std::to_string(broker.port())).value;
  o.session.client_id = "paused";
  o.session.keep_alive = 1;
  o.version_pinned = true;
  o.reconnect.enabled = false;
  o.transport.connect_timeout = 5s;
  mqtk::client::client c(io, o, h);
  h.c = &c;
  c.start();
  REQUIRE(run_until(
      io, [&] { return h.connected || h.closed; }, 5s));
  REQUIRE(h.connected);

  // 3.5 keepalive intervals paused: a PINGREQ each second, none of the answers read.
  run_until(
      io, [] { return false; }, 3500ms);
  CHECK(broker.pingreqs >= 3);
  CHECK(h.messages == 0);
  CHECK_FALSE(h.closed);
  CHECK(c.connected());

  const int answered = broker.pingreqs;
  c.resume_reading();
  REQUIRE(run_until(
      io, [&] { return h.messages >= answered || h.closed; }, 3s));
  CHECK(h.messages >= answered);
  CHECK_FALSE(h.closed);

  // Reading again: the keepalive works as usual (PINGRESPs arrive, nothing times out).
  run_until(
      io, [] { return false; }, 2500ms);
  CHECK_FALSE(h.closed);
  CHECK(h.messages >= broker.pingreqs - 1); // the last answer may still be on its way

  c.disconnect();
  REQUIRE(run_until(
      io, [&] { return h.closed.has_value(); }, 5s));
  CHECK(h.closed->kind == mqtk::client::close_kind::normal);
}
