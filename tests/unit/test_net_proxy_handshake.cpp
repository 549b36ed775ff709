// The SOCKS5 (RFC 1928/1929) and HTTP CONNECT handshakes as sans-I/O state machines: golden bytes out,
// the proxy's answers in any chunking, and each refusal named in the proxy's own words.
#include "../../lib/src/net/proxy_handshake.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mqtk::net::detail;
using bytes = std::vector<std::uint8_t>;

namespace {

std::string text(const bytes &b) { return std::string(b.begin(), b.end()); }
bytes raw(std::string_view s) { return bytes(s.begin(), s.end()); }

} // namespace

TEST_CASE("SOCKS5 without authentication, IPv4 target") {
  proxy_handshake h(proxy_protocol::socks5, "127.0.0.1", 1883, std::nullopt, std::nullopt);
  CHECK(h.output() == bytes{0x05, 0x01, 0x00}); // version 5, 1 method, "no authentication"
  CHECK(h.feed(bytes{0x05}) == proxy_status::more);
  CHECK(h.feed(bytes{0x00}) == proxy_status::more); // method chosen: none
  CHECK(h.output() == bytes{0x05, 0x01, 0x00, // version, CONNECT, reserved
                            0x01, 127, 0, 0, 1, // IPv4 address
                            0x07, 0x5b});      // port 1883
  CHECK(h.feed(bytes{0x05, 0x00, 0x00, 0x01, 10, 0, 0, 1}) == proxy_status::more);
  CHECK(h.feed(bytes{0x12, 0x34, 0x10}) == proxy_status::done); // bound port, then a broker byte
  CHECK(h.leftover().size() == 1);
  CHECK(h.output().empty());
}

TEST_CASE("SOCKS5 with user name and password, domain and IPv6 targets") {
  proxy_handshake h(proxy_protocol::socks5, "broker.lan", 8883, std::string("u"), std::string("pw"));
  CHECK(h.output() == bytes{0x05, 0x02, 0x00, 0x02}); // two methods: none, user name/password
  CHECK(h.feed(bytes{0x05, 0x02}) == proxy_status::more);
  CHECK(h.output() == bytes{0x01, 1, 'u', 2, 'p', 'w'}); // RFC 1929: version 1, ulen, user, plen, pass
  CHECK(h.feed(bytes{0x01, 0x00}) == proxy_status::more);
  CHECK(h.output() == bytes{0x05, 0x01, 0x00, 0x03, 10, 'b', 'r', 'o', 'k', 'e', 'r', '.', 'l', 'a', 'n', 0x22, 0xb3});
  CHECK(h.feed(bytes{0x05, 0x00, 0x00, 0x03, 2, 'a', 'b', 0, 1}) == proxy_status::done);

  proxy_handshake v6(proxy_protocol::socks5, "::1", 1, std::nullopt, std::nullopt);
  v6.feed(bytes{0x05, 0x00});
  bytes expected{0x05, 0x01, 0x00, 0x04};
  expected.insert(expected.end(), 15, 0);
  expected.insert(expected.end(), {1, 0, 1});
  CHECK(v6.output() == expected);
}

TEST_CASE("SOCKS5 failures") {
  SUBCASE("authentication failed") {
    proxy_handshake h(proxy_protocol::socks5, "b", 1883, std::string("u"), std::string("bad"));
    h.feed(bytes{0x05, 0x02});
    CHECK(h.feed(bytes{0x01, 0x01}) == proxy_status::failed);
    CHECK(h.error() == "SOCKS5 proxy authentication failed (status 1)");
  }
  SUBCASE("no acceptable method") {
    proxy_handshake h(proxy_protocol::socks5, "b", 1883, std::nullopt, std::nullopt);
    CHECK(h.feed(bytes{0x05, 0xff}) == proxy_status::failed);
    CHECK(h.error().find("requires authentication") != std::string::npos);
  }
  SUBCASE("every reply code is named") {
    const char *names[] = {"general SOCKS server failure", "connection not allowed by ruleset", "network unreachable",
                           "host unreachable", "connection refused", "TTL expired", "command not supported",
                           "address type not supported"};
    for (std::uint8_t code = 1; code <= 8; ++code) {
      proxy_handshake h(proxy_protocol::socks5, "b", 1883, std::nullopt, std::nullopt);
      h.feed(bytes{0x05, 0x00});
      CHECK(h.feed(bytes{0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0}) == proxy_status::failed);
      CHECK(h.error() == std::string("SOCKS5 proxy: ") + names[code - 1] + " (reply code " + std::to_string(code) + ")");
    }
  }
  SUBCASE("not a SOCKS5 proxy") {
    proxy_handshake h(proxy_protocol::socks5, "b", 1883, std::nullopt, std::nullopt);
    CHECK(h.feed(raw("HTTP/1.0 400")) == proxy_status::failed);
  }
}

TEST_CASE("HTTP CONNECT") {
  SUBCASE("request with Basic authentication, 200 in pieces") {
    proxy_handshake h(proxy_protocol::http, "broker.lan", 1883, std::string("Aladdin"), std::string("open sesame"));
    CHECK(text(h.output()) == "CONNECT broker.lan:1883 HTTP/1.1\r\nHost: broker.lan:1883\r\n"
                              "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
    CHECK(h.feed(raw("HTTP/1.1 200 Connection established\r\n")) == proxy_status::more);
    CHECK(h.feed(raw("Proxy-agent: x\r\n\r\n")) == proxy_status::done);
    CHECK(h.leftover().empty());
  }
  SUBCASE("IPv6 target in brackets, no authentication") {
    proxy_handshake h(proxy_protocol::http, "::1", 8883, std::nullopt, std::nullopt);
    CHECK(text(h.output()) == "CONNECT [::1]:8883 HTTP/1.1\r\nHost: [::1]:8883\r\n\r\n");
  }
  SUBCASE("407 and other refusals keep the status line, escaped") {
    proxy_handshake h(proxy_protocol::http, "b", 1883, std::nullopt, std::nullopt);
    CHECK(h.feed(raw("HTTP/1.0 407 Proxy Authentication Required\r\n\r\n")) == proxy_status::failed);
    CHECK(h.error() == "HTTP proxy authentication failed: 'HTTP/1.0 407 Proxy Authentication Required'");
    proxy_handshake w(proxy_protocol::http, "b", 1883, std::string("u"), std::string("wrong"));
    CHECK(w.feed(raw("HTTP/1.0 401 Unauthorized\r\n\r\n")) == proxy_status::failed); // tinyproxy's answer
    CHECK(w.error() == "HTTP proxy authentication failed: 'HTTP/1.0 401 Unauthorized'");
    proxy_handshake d(proxy_protocol::http, "b", 1883, std::nullopt, std::nullopt);
    CHECK(d.feed(raw("HTTP/1.1 403 Access \x1b[31mdenied\r\n\r\n")) == proxy_status::failed);
    CHECK(d.error() == "HTTP proxy refused CONNECT: 'HTTP/1.1 403 Access \\x1b[31mdenied'");
  }
  SUBCASE("an endless or non-HTTP answer ends") {
    proxy_handshake h(proxy_protocol::http, "b", 1883, std::nullopt, std::nullopt);
    CHECK(h.feed(bytes(17 * 1024, 'a')) == proxy_status::failed);
    proxy_handshake g(proxy_protocol::http, "b", 1883, std::nullopt, std::nullopt);
    CHECK(g.feed(raw("SSH-2.0\r\n\r\n")) == proxy_status::failed);
  }
}
