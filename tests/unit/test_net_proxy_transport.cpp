// The transports through a proxy (transport_options::proxy): the TCP connection goes to the proxy,
// the handshake's golden bytes come first, then the stream is the tunnel; a refusal is a connect
// failure quoting the proxy, and a proxy that never answers ends at the connect timeout.
#include "support_net/recorder.hpp"

#include "mqtk/net/transport.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <doctest/doctest.h>

#include <sys/socket.h>

#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using mqtk::net::errc;
using mqtk::net::failure_kind;
using mqtk::net::proxy_type;
using net_test::recorder;
using net_test::run_until;
using bytes = std::vector<std::uint8_t>;
namespace asio = boost::asio;

namespace {

// A proxy played by a thread with blocking sockets: accepts one connection, reads the bytes it
// expects, answers each step with its reply, then echoes (it stands for the broker) until EOF.
class scripted_proxy {
public:
  struct step {
    bytes expect, reply;
  };
  explicit scripted_proxy(std::vector<step> steps)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), steps_(std::move(steps)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~scripted_proxy() {
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR); // wakes a blocking accept
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

private:
  void serve() {
    boost::system::error_code ec;
    asio::ip::tcp::socket socket(io_);
    acceptor_.accept(socket, ec);
    if (ec)
      return;
    for (const step &s : steps_) {
      bytes got(s.expect.size());
      asio::read(socket, asio::buffer(got), ec);
      if (ec || got != s.expect)
        return;
      asio::write(socket, asio::buffer(s.reply), ec);
    }
    std::array<std::uint8_t, 1024> buffer{};
    while (true) {
      const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
      if (ec)
        return;
      asio::write(socket, asio::buffer(buffer.data(), n), ec);
    }
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::vector<step> steps_;
  std::thread thread_;
};

mqtk::net::transport_options through(proxy_type type, std::uint16_t port) {
  mqtk::net::transport_options options;
  options.connect_timeout = 5s;
  options.proxy.type = type;
  options.proxy.host = "127.0.0.1";
  options.proxy.port = port;
  return options;
}

// Connects to url through the proxy at port as user "u" with password "pw"; checks it is up.
void check_connects_as_user(proxy_type type, std::uint16_t port, const std::string &url) {
  asio::io_context io;
  recorder r;
  auto options = through(type, port);
  options.proxy.username = "u";
  options.proxy.password = "pw";
  REQUIRE(net_test::connect(io, url, options, r).empty());
  CHECK_FALSE(r.error);
  CHECK(r.connected);
}

bytes raw(std::string_view s) {
  return bytes(s.begin(), s.end());
}

} // namespace

TEST_CASE("net proxy: socks5h sends the broker's name, then the stream is the tunnel") {
  const bytes connect{
      0x05, 0x01, 0x00, 0x03, 14,  'b', 'r', 'o', 'k',  'e', 'r',
      '.',  'i',  'n',  'v',  'a', 'l', 'i', 'd', 0x07, 0x5b}; // CONNECT broker.invalid:1883 (the name:
                                                               // nothing resolved here)
  scripted_proxy proxy({{{0x05, 0x01, 0x00}, {0x05, 0x00}},    // method: none
                        {connect, {0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0x12, 0x34}}}); // succeeded
  asio::io_context io;
  recorder r;
  REQUIRE(net_test::connect(io, "mqtt://broker.invalid:1883", through(proxy_type::socks5h, proxy.port()), r)
              .empty());
  REQUIRE_FALSE(r.error);
  REQUIRE(r.connected);
  CHECK(r.transport->info().remote.find("broker.invalid:1883 through SOCKS5 proxy 127.0.0.1:") == 0);
  r.start_reading();
  const bytes hello = raw("MQTT bytes");
  r.transport->async_write(std::span<const std::uint8_t>(hello));
  REQUIRE(run_until(io, [&] { return r.received.size() >= hello.size() || r.error; }));
  CHECK(r.received == hello);
}

TEST_CASE("net proxy: socks5 resolves the name here and sends the address, with a user") {
  const bytes connect{0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x07, 0x5b}; // CONNECT 127.0.0.1:1883
  scripted_proxy proxy({{{0x05, 0x02, 0x00, 0x02}, {0x05, 0x02}},        // user name/password
                        {{0x01, 1, 'u', 2, 'p', 'w'}, {0x01, 0x00}},     // RFC 1929: accepted
                        {connect, {0x05, 0x00, 0x00, 0x01, 127, 0, 0, 1, 0x12, 0x34}}});
  check_connects_as_user(proxy_type::socks5, proxy.port(), "mqtt://localhost:1883");
}

TEST_CASE("net proxy: HTTP CONNECT with Basic authentication") {
  scripted_proxy proxy({{raw("CONNECT broker.invalid:8883 HTTP/1.1\r\nHost: broker.invalid:8883\r\n"
                             "Proxy-Authorization: Basic dTpwdw==\r\n\r\n"),
                         raw("HTTP/1.1 200 Connection established\r\n\r\n")}});
  check_connects_as_user(proxy_type::http, proxy.port(), "mqtt://broker.invalid:8883");
}

TEST_CASE("net proxy: refusals are connect failures quoting the proxy") {
  SUBCASE("SOCKS5 reply code") {
    scripted_proxy proxy(
        {{{0x05, 0x01, 0x00}, {0x05, 0x00}},
         {{0x05, 0x01, 0x00, 0x01, 127, 0, 0, 1, 0x07, 0x5b}, {0x05, 0x02, 0x00, 0x01, 0, 0, 0, 0, 0, 0}}});
    asio::io_context io;
    recorder r;
    REQUIRE(
        net_test::connect(io, "mqtt://127.0.0.1:1883", through(proxy_type::socks5, proxy.port()), r).empty());
    REQUIRE(r.error);
    CHECK(r.error->kind == failure_kind::connect);
    CHECK(r.error->code == errc::proxy_failed);
    CHECK(r.error->message ==
          "cannot connect to 127.0.0.1:1883 through SOCKS5 proxy 127.0.0.1:" + std::to_string(proxy.port()) +
              ": SOCKS5 proxy: connection not allowed by ruleset (reply code 2)");
  }
  SUBCASE("HTTP status line") {
    scripted_proxy proxy({{raw("CONNECT 127.0.0.1:1883 HTTP/1.1\r\nHost: 127.0.0.1:1883\r\n\r\n"),
                           raw("HTTP/1.1 403 Forbidden\r\n\r\n")}});
    asio::io_context io;
    recorder r;
    REQUIRE(
        net_test::connect(io, "mqtt://127.0.0.1:1883", through(proxy_type::http, proxy.port()), r).empty());
    REQUIRE(r.error);
    CHECK(r.error->code == errc::proxy_failed);
    CHECK(r.error->message.find("HTTP proxy refused CONNECT: 'HTTP/1.1 403 Forbidden'") != std::string::npos);
  }
  SUBCASE("an answer that is not SOCKS5's") {
    scripted_proxy proxy({});
    asio::io_context io;
    recorder r;
    // The scripted proxy echoes the greeting back: 0x05 0x01 is "method 1 (GSSAPI) chosen", not offered.
    REQUIRE(
        net_test::connect(io, "mqtt://127.0.0.1:1883", through(proxy_type::socks5, proxy.port()), r).empty());
    REQUIRE(r.error);
    CHECK(r.error->code == errc::proxy_failed);
    CHECK(r.error->message.find("chose an authentication method that was not offered") != std::string::npos);
  }
}

TEST_CASE("net proxy: a proxy that accepts and never answers ends at the connect timeout") {
  asio::io_context io;
  asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0}); // never accepts: the
                                                                                // backlog completes TCP
  recorder r;
  auto options = through(proxy_type::http, silent.local_endpoint().port());
  options.connect_timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  REQUIRE(net_test::connect(io, "mqtt://127.0.0.1:1883", options, r).empty());
  REQUIRE(r.error);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(r.error->code == errc::connect_timeout);
  CHECK(r.error->message ==
        "could not connect to 127.0.0.1:1883 within 300 ms (timed out during the proxy handshake)");
}

TEST_CASE("net proxy: the proxy refusing TCP names the proxy; a Unix socket cannot use one") {
  asio::io_context io;
  std::uint16_t port = 0;
  {
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = probe.local_endpoint().port();
  }
  recorder r;
  REQUIRE(net_test::connect(io, "mqtt://127.0.0.1:1883", through(proxy_type::socks5h, port), r).empty());
  REQUIRE(r.error);
  CHECK(r.error->message ==
        "cannot connect to SOCKS5 proxy 127.0.0.1:" + std::to_string(port) + ": Connection refused");
  recorder u;
  CHECK(net_test::connect(io, "unix:///tmp/none.sock", through(proxy_type::socks5, port), u) ==
        "a Unix socket connection cannot go through a proxy");
}
