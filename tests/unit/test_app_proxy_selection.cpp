// The proxy selection rule: proxy URL parsing, NO_PROXY matching and which variable applies to which
// scheme (curl's rule), with an injected environment.
#include "common/proxy_selection.hpp"

#include <doctest/doctest.h>

using namespace mqtk::apps;
using mqtk::net::endpoint;
using mqtk::net::scheme;

namespace {

endpoint broker(scheme kind, std::string host, std::uint16_t port) {
  endpoint ep;
  ep.kind = kind;
  ep.host = std::move(host);
  ep.port = port;
  return ep;
}

} // namespace

TEST_CASE("parse_proxy_url") {
  SUBCASE("socks5h with percent-decoded credentials and a port") {
    const auto r = parse_proxy_url("socks5h://us%40r:p%3Ass@proxy.example:1081");
    REQUIRE(r.error.empty());
    CHECK(r.value.kind == proxy_kind::socks5h);
    CHECK(r.value.host == "proxy.example");
    CHECK(r.value.port == 1081);
    CHECK(*r.value.username == "us@r");
    CHECK(*r.value.password == "p:ss");
    CHECK(to_display_url(r.value) == "socks5h://us@r:****@proxy.example:1081");
  }
  SUBCASE("defaults: port 1080, no scheme means http") {
    const auto r = parse_proxy_url("10.1.2.3");
    REQUIRE(r.error.empty());
    CHECK(r.value.kind == proxy_kind::http);
    CHECK(r.value.port == 1080);
    CHECK_FALSE(r.value.username);
  }
  SUBCASE("IPv6 literal and trailing slash") {
    const auto r = parse_proxy_url("SOCKS5://[::1]:9050/");
    REQUIRE(r.error.empty());
    CHECK(r.value.kind == proxy_kind::socks5);
    CHECK(r.value.host == "::1");
    CHECK(to_display_url(r.value) == "socks5://[::1]:9050");
  }
  SUBCASE("errors") {
    CHECK(parse_proxy_url("ftp://x").error.find("unknown scheme 'ftp'") != std::string::npos);
    CHECK_FALSE(parse_proxy_url("http://x:0").error.empty());
    CHECK_FALSE(parse_proxy_url("http://x:70000").error.empty());
    CHECK_FALSE(parse_proxy_url("http://").error.empty());
    CHECK_FALSE(parse_proxy_url("http://u:%4@x").error.empty());
    CHECK_FALSE(parse_proxy_url("http://x/path").error.empty());
  }
}

TEST_CASE("no_proxy_matches") {
  CHECK(no_proxy_matches("*", "anything", 1883));
  CHECK(no_proxy_matches("localhost", "LocalHost", 1883));
  CHECK(no_proxy_matches("example.com", "broker.example.com", 1883));
  CHECK(no_proxy_matches(".example.com", "broker.example.com", 1883));
  CHECK(no_proxy_matches(".example.com", "example.com", 1883));
  CHECK(no_proxy_matches("example.com.", "example.com", 1883));
  CHECK_FALSE(no_proxy_matches("example.com", "badexample.com", 1883));
  CHECK_FALSE(no_proxy_matches("broker.example.com", "example.com", 1883));
  CHECK(no_proxy_matches("a, 10.0.0.0/8 ,b", "10.20.30.40", 1883));
  CHECK_FALSE(no_proxy_matches("10.0.0.0/8", "11.0.0.1", 1883));
  CHECK_FALSE(no_proxy_matches("10.0.0.0/8", "ten.example", 1883));
  CHECK(no_proxy_matches("192.168.1.7", "192.168.1.7", 1883));
  CHECK(no_proxy_matches("0.0.0.0/0", "8.8.8.8", 1883));
  CHECK(no_proxy_matches("fd00::/8", "fd12::1", 1883));
  CHECK_FALSE(no_proxy_matches("fd00::/8", "10.0.0.1", 1883));
  CHECK(no_proxy_matches("::1", "::1", 1883));
  SUBCASE("ports") {
    CHECK(no_proxy_matches("broker.lan:8883", "broker.lan", 8883));
    CHECK_FALSE(no_proxy_matches("broker.lan:8883", "broker.lan", 1883));
    CHECK(no_proxy_matches("[::1]:1883", "::1", 1883));
    CHECK_FALSE(no_proxy_matches("[::1]:1883", "::1", 8883));
  }
  CHECK_FALSE(no_proxy_matches("", "localhost", 1883));
  CHECK_FALSE(no_proxy_matches(" , ", "localhost", 1883));
}

TEST_CASE("select_proxy") {
  proxy_environment env;
  env.all_proxy = named_value{"ALL_PROXY", "socks5://all:1080"};
  env.https_proxy = named_value{"https_proxy", "http://secure:3128"};
  env.http_proxy = named_value{"HTTP_PROXY", "http://plain:3128"};

  SUBCASE("by scheme") {
    auto c = select_proxy(std::nullopt, false, env, broker(scheme::mqtt, "b", 1883));
    REQUIRE(c.proxy);
    CHECK(c.proxy->host == "all");
    CHECK(c.reason == "from ALL_PROXY");
    c = select_proxy(std::nullopt, false, env, broker(scheme::mqtts, "b", 8883));
    CHECK(c.proxy->host == "secure");
    CHECK(c.reason == "from https_proxy");
    c = select_proxy(std::nullopt, false, env, broker(scheme::wss, "b", 443));
    CHECK(c.proxy->host == "secure");
    c = select_proxy(std::nullopt, false, env, broker(scheme::ws, "b", 80));
    CHECK(c.proxy->host == "plain");
    CHECK(c.reason == "from HTTP_PROXY");
  }
  SUBCASE("fallback to ALL_PROXY") {
    env.https_proxy.reset();
    env.http_proxy.reset();
    CHECK(select_proxy(std::nullopt, false, env, broker(scheme::wss, "b", 443)).proxy->host == "all");
    CHECK(select_proxy(std::nullopt, false, env, broker(scheme::ws, "b", 80)).proxy->host == "all");
  }
  SUBCASE("mqtt:// ignores HTTP_PROXY and HTTPS_PROXY") {
    env.all_proxy.reset();
    CHECK_FALSE(select_proxy(std::nullopt, false, env, broker(scheme::mqtt, "b", 1883)).proxy);
  }
  SUBCASE("NO_PROXY bypasses the environment, not --proxy") {
    env.no_proxy = named_value{"no_proxy", "localhost,.lan"};
    auto c = select_proxy(std::nullopt, false, env, broker(scheme::mqtt, "x.lan", 1883));
    CHECK_FALSE(c.proxy);
    CHECK(c.reason == "x.lan matches no_proxy");
    c = select_proxy(std::string("socks5h://p:1"), false, env, broker(scheme::mqtt, "x.lan", 1883));
    REQUIRE(c.proxy);
    CHECK(c.reason == "--proxy");
  }
  SUBCASE("--no-proxy ignores the environment") {
    const auto c = select_proxy(std::nullopt, true, env, broker(scheme::mqtt, "b", 1883));
    CHECK_FALSE(c.proxy);
    CHECK(c.reason == "--no-proxy");
  }
  SUBCASE("Unix sockets") {
    auto ep = broker(scheme::unix_socket, "", 0);
    CHECK(select_proxy(std::string("socks5://p"), false, env, ep).error.find("Unix socket") != std::string::npos);
    CHECK_FALSE(select_proxy(std::nullopt, false, env, ep).proxy);
  }
  SUBCASE("a bad variable names itself") {
    env.all_proxy = named_value{"all_proxy", "gopher://x"};
    CHECK(select_proxy(std::nullopt, false, env, broker(scheme::mqtt, "b", 1883)).error.rfind("all_proxy: ", 0) == 0);
  }
}
