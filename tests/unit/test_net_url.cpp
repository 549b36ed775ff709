// parse_url and the endpoint helpers: every URL form and every error, no network.
#include "mqtk/net/url.hpp"

#include <doctest/doctest.h>

#include <string>

using mqtk::net::endpoint;
using mqtk::net::parse_url;
using mqtk::net::scheme;

namespace {

// Parses a URL that must be valid.
endpoint ok(const std::string &url) {
  auto result = parse_url(url);
  INFO("url: ", url, " error: ", result.error);
  REQUIRE(result);
  return result.value;
}

// The error message of a URL that must be invalid.
std::string error_of(const std::string &url) {
  auto result = parse_url(url);
  INFO("url: ", url);
  REQUIRE_FALSE(result);
  return result.error;
}

} // namespace

TEST_CASE("net url: schemes and default ports") {
  SUBCASE("mqtt") {
    endpoint ep = ok("mqtt://broker.example");
    CHECK(ep.kind == scheme::mqtt);
    CHECK(ep.host == "broker.example");
    CHECK(ep.port == 1883);
    CHECK(ep.path.empty());
    CHECK_FALSE(ep.username);
    CHECK_FALSE(ep.password);
  }
  SUBCASE("mqtts") {
    endpoint ep = ok("mqtts://broker.example");
    CHECK(ep.kind == scheme::mqtts);
    CHECK(ep.port == 8883);
  }
  SUBCASE("ws: default path /mqtt") {
    endpoint ep = ok("ws://broker.example");
    CHECK(ep.kind == scheme::ws);
    CHECK(ep.port == 80);
    CHECK(ep.path == "/mqtt");
  }
  SUBCASE("wss") {
    endpoint ep = ok("wss://broker.example/");
    CHECK(ep.kind == scheme::wss);
    CHECK(ep.port == 443);
    CHECK(ep.path == "/");
  }
  SUBCASE("scheme is case-insensitive") {
    CHECK(ok("MQTTS://h").kind == scheme::mqtts);
  }
}

TEST_CASE("net url: ports") {
  CHECK(ok("mqtt://h:1884").port == 1884);
  CHECK(ok("mqtt://h:1").port == 1);
  CHECK(ok("ws://h:65535/x").port == 65535);
  CHECK(ok("mqtt://h:01883").port == 1883);
  CHECK(error_of("mqtt://h:0") == "port out of range");
  CHECK(error_of("mqtt://h:65536") == "port out of range");
  CHECK(error_of("mqtt://h:99999999999999999999") == "port out of range");
  CHECK(error_of("mqtt://h:") == "missing port number after ':'");
  CHECK(error_of("mqtt://h:12a") == "invalid port '12a'");
  CHECK(error_of("mqtt://h:-1") == "invalid port '-1'");
}

TEST_CASE("net url: IPv4 and IPv6 literals") {
  endpoint v4 = ok("mqtt://127.0.0.1:1883");
  CHECK(v4.host == "127.0.0.1");
  endpoint v6 = ok("mqtt://[::1]:1884");
  CHECK(v6.host == "::1");
  CHECK(v6.port == 1884);
  CHECK(ok("mqtts://[2001:db8::1]").port == 8883);
  CHECK(ok("ws://[::ffff:192.0.2.1]/p").host == "::ffff:192.0.2.1");
  CHECK(ok("mqtt://[fe80::1%25eth0]:1883").host == "fe80::1%eth0");
  CHECK(error_of("mqtt://[::1") == "unterminated IPv6 address (missing ']')");
  CHECK(error_of("mqtt://[::1]x") == "unexpected characters after IPv6 address");
  CHECK(error_of("mqtt://[zz::1]") == "invalid IPv6 address 'zz::1'");
  CHECK(error_of("mqtt://[127.0.0.1]") == "invalid IPv6 address '127.0.0.1'");
  CHECK(error_of("mqtt://::1:1883") == "IPv6 address must be in brackets, e.g. [::1]:1883");
}

TEST_CASE("net url: user and password, percent-decoded") {
  endpoint ep = ok("mqtt://alice:s%40cret%3A1@h:1884");
  REQUIRE(ep.username);
  REQUIRE(ep.password);
  CHECK(*ep.username == "alice");
  CHECK(*ep.password == "s@cret:1");
  CHECK(ep.host == "h");
  CHECK(ep.port == 1884);

  endpoint user_only = ok("mqtts://bob@h");
  CHECK(*user_only.username == "bob");
  CHECK_FALSE(user_only.password);

  endpoint empty_password = ok("mqtt://bob:@h");
  CHECK(*empty_password.password == "");

  endpoint password_only = ok("mqtt://:pw@h");
  CHECK(*password_only.username == "");
  CHECK(*password_only.password == "pw");

  SUBCASE("an unencoded '@' in the password: the last '@' ends the user info") {
    endpoint ep2 = ok("mqtt://u:p@ss@h");
    CHECK(*ep2.password == "p@ss");
    CHECK(ep2.host == "h");
  }
  SUBCASE("UTF-8 and spaces via percent-encoding") {
    CHECK(*ok("ws://J%C3%BCrgen:a%20b@h/").username == "J\xC3\xBCrgen");
    CHECK(*ok("ws://J%C3%BCrgen:a%20b@h/").password == "a b");
  }
  CHECK(error_of("mqtt://a%4:b@h") == "invalid percent-encoding in user name");
  CHECK(error_of("mqtt://a:b%zz@h") == "invalid percent-encoding in password");
  CHECK(error_of("mqtt://a:b%@h") == "invalid percent-encoding in password");
  CHECK(ok("ws://u:p@[::1]:8080/x").host == "::1");
}

TEST_CASE("net url: paths") {
  SUBCASE("mqtt keeps what follows host:port verbatim (mosquitto's -L topic)") {
    CHECK(ok("mqtt://h:1883/sensors/+/temp").path == "/sensors/+/temp");
    CHECK(ok("mqtt://h/a/#").path == "/a/#");
    CHECK(ok("mqtt://h/").path == "/");
  }
  SUBCASE("ws path and query are the request target; the fragment is dropped") {
    CHECK(ok("ws://h:8080/mqtt").path == "/mqtt");
    CHECK(ok("ws://h/custom/path?token=a%2Fb").path == "/custom/path?token=a%2Fb");
    CHECK(ok("wss://h?token=1").path == "/mqtt?token=1");
    CHECK(ok("wss://h:8443#frag").path == "/mqtt");
    CHECK(ok("wss://h/x#frag").path == "/x");
  }
}

TEST_CASE("net url: unix sockets") {
  endpoint ep = ok("unix:///run/mosquitto/mqtt.sock");
  CHECK(ep.kind == scheme::unix_socket);
  CHECK(ep.unix_path == "/run/mosquitto/mqtt.sock");
  CHECK(ep.host.empty());
  CHECK(ep.port == 0);
  CHECK(ok("unix://localhost/tmp/s").unix_path == "/tmp/s");
  CHECK(ok("unix:///tmp/with%20space").unix_path == "/tmp/with space");
  endpoint creds = ok("unix://user:pw@/tmp/s");
  CHECK(*creds.username == "user");
  CHECK(*creds.password == "pw");
  CHECK(creds.unix_path == "/tmp/s");
  CHECK(error_of("unix://") == "missing socket path; write unix:///path/to/socket");
  CHECK(error_of("unix:///") == "missing socket path; write unix:///path/to/socket");
  CHECK(error_of("unix://host/tmp/s") == "unix URL takes no host; write unix:///path/to/socket");
  CHECK(error_of("unix:///tmp/%g0") == "invalid percent-encoding in socket path");
}

TEST_CASE("net url: malformed URLs") {
  CHECK(error_of("") == "empty URL");
  CHECK(error_of("http://h") == "unknown URL scheme 'http'");
  CHECK(error_of("tcp://h:1883") == "unknown URL scheme 'tcp'");
  CHECK(error_of("localhost:1883") ==
        "missing URL scheme (expected mqtt://, mqtts://, ws://, wss:// or unix://)");
  CHECK(error_of("broker.example") ==
        "missing URL scheme (expected mqtt://, mqtts://, ws://, wss:// or unix://)");
  CHECK(error_of("://h") == "missing URL scheme (expected mqtt://, mqtts://, ws://, wss:// or unix://)");
  CHECK(error_of("mqtt://") == "missing host name");
  CHECK(error_of("mqtt://:1883") == "missing host name");
  CHECK(error_of("mqtt://u:p@") == "missing host name");
  CHECK(error_of("mqtt://[]:1883") == "invalid IPv6 address ''");
  CHECK(error_of("mqtt://bad_host!") == "invalid host name 'bad_host!'");
  CHECK(error_of("mqtt://h ost") == "URL contains a space or control character");
  CHECK(error_of("mqtt://h\n") == "URL contains a space or control character");
  SUBCASE("a failed parse leaves a default endpoint") {
    auto result = parse_url("mqtt://h:0");
    CHECK(result.value.host == "localhost");
    CHECK(result.value.port == 1883);
  }
}

TEST_CASE("net url: helpers") {
  using mqtk::net::default_port;
  using mqtk::net::host_port;
  using mqtk::net::scheme_name;
  using mqtk::net::to_url;
  CHECK(default_port(scheme::unix_socket) == 0);
  CHECK(scheme_name(scheme::wss) == "wss");
  CHECK(scheme_name(scheme::unix_socket) == "unix");
  CHECK(mqtk::net::uses_tls(scheme::wss));
  CHECK_FALSE(mqtk::net::uses_tls(scheme::ws));
  CHECK(mqtk::net::uses_websocket(scheme::ws));
  CHECK(host_port(ok("mqtt://[::1]")) == "[::1]:1883");
  CHECK(host_port(ok("mqtts://h")) == "h:8883");
  CHECK(host_port(ok("unix:///tmp/s")) == "/tmp/s");

  SUBCASE("to_url masks the password and round-trips") {
    endpoint ep = ok("wss://us%20er:p%40ss@[::1]:8443/mqtt?x=1");
    CHECK(to_url(ep) == "wss://us%20er:****@[::1]:8443/mqtt?x=1");
    std::string full = to_url(ep, true);
    CHECK(full == "wss://us%20er:p%40ss@[::1]:8443/mqtt?x=1");
    endpoint again = ok(full);
    CHECK(again.host == ep.host);
    CHECK(*again.username == *ep.username);
    CHECK(*again.password == *ep.password);
    CHECK(again.path == ep.path);
    CHECK(to_url(ok("unix:///tmp/a%20b")) == "unix:///tmp/a%20b");
    CHECK(to_url(ok("mqtt://h")) == "mqtt://h:1883");
    CHECK(to_url(ok("mqtt://[fe80::1%25eth0]")) == "mqtt://[fe80::1%25eth0]:1883");
  }
}
