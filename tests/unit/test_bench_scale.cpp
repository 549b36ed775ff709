// mqtk-bench at scale: the --ifaddr address list (addresses, ranges, IPv6, limits), its round robin
// over the fleet, and the diagnosis of the system limits that stop connections.
#include "../../apps/bench/bench_fleet.hpp"
#include "../../apps/bench/bench_limits.hpp"
#include "../../apps/bench/bench_source_addresses.hpp"

#include "mqtk/net/error.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <string>
#include <vector>

using namespace mqtk::apps::bench;
using mqtk::client::close_kind;
using mqtk::client::close_reason;

namespace {

std::vector<std::string> all(const source_addresses &a) {
  std::vector<std::string> out;
  for (std::uint64_t i = 0; i < a.size(); ++i)
    out.push_back(a.at(i));
  return out;
}

close_reason failed_with(std::error_code code, close_kind kind = close_kind::connect) {
  close_reason why{kind, "cannot connect"};
  why.code = code;
  return why;
}

std::error_code system_error(int value) {
  return {value, std::system_category()};
}

const std::pair<std::uint32_t, std::uint32_t> linux_default_ports{32768, 60999};

} // namespace

TEST_CASE("ifaddr: single addresses, lists and ranges keep the order given") {
  source_addresses a;
  CHECK(a.empty());
  CHECK(a.for_connection(5).empty());
  CHECK(a.add("127.0.0.2-127.0.0.4") == "");
  CHECK(a.add("10.0.0.1, ::1") == "");
  CHECK(a.add("[fe80::1]") == "");
  CHECK(all(a) == std::vector<std::string>{"127.0.0.2", "127.0.0.3", "127.0.0.4", "10.0.0.1", "::1", "fe80::1"});
}

TEST_CASE("ifaddr: ranges carry across octets and IPv6 groups") {
  source_addresses a;
  REQUIRE(a.add("10.0.0.254-10.0.1.1") == "");
  CHECK(all(a) == std::vector<std::string>{"10.0.0.254", "10.0.0.255", "10.0.1.0", "10.0.1.1"});
  source_addresses b;
  REQUIRE(b.add("fd00::fffe-fd00::1:1") == "");
  CHECK(all(b) == std::vector<std::string>{"fd00::fffe", "fd00::ffff", "fd00::1:0", "fd00::1:1"});
  source_addresses c;
  REQUIRE(c.add("127.0.0.0-127.0.255.255") == "");
  CHECK(c.size() == max_source_addresses);
  CHECK(c.at(65535) == "127.0.255.255");
}

TEST_CASE("ifaddr: round robin over the connections, wrapping around") {
  source_addresses a;
  REQUIRE(a.add("127.0.0.2-127.0.0.4") == "");
  std::vector<std::string> seen;
  for (std::uint64_t k = 0; k < 7; ++k)
    seen.push_back(a.for_connection(k));
  CHECK(seen == std::vector<std::string>{"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.2", "127.0.0.3",
                                         "127.0.0.4", "127.0.0.2"});
}

TEST_CASE("ifaddr: bad values are one clear line each") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"127.0.0", "--ifaddr: '127.0.0' is not an IPv4 or IPv6 address"},
      {"localhost", "--ifaddr: 'localhost' is not an IPv4 or IPv6 address"},
      {"127.0.0.1-x", "--ifaddr: 'x' is not an IPv4 or IPv6 address"},
      {"127.0.0.9-127.0.0.2", "--ifaddr: range '127.0.0.9-127.0.0.2' runs backwards (the first address is above the last)"},
      {"fd00::9-fd00::2", "--ifaddr: range 'fd00::9-fd00::2' runs backwards (the first address is above the last)"},
      {"127.0.0.1-::1", "--ifaddr: range '127.0.0.1-::1' mixes IPv4 and IPv6"},
      {"10.0.0.0-10.1.0.0", "--ifaddr: more than 65536 source addresses"},
      {"fd00::-fd01::", "--ifaddr: more than 65536 source addresses"},
      {"127.0.0.1,", "--ifaddr: empty address in '127.0.0.1,'"},
  };
  for (const auto &entry : cases) {
    const std::string &value = entry.first;
    CAPTURE(value);
    source_addresses a;
    CHECK(a.add(value) == entry.second);
  }
}

TEST_CASE("ifaddr: the limit counts every --ifaddr value together") {
  source_addresses a;
  REQUIRE(a.add("10.0.0.0-10.0.127.255") == "");
  REQUIRE(a.add("10.1.0.0-10.1.127.255") == "");
  CHECK(a.size() == max_source_addresses);
  CHECK(a.add("10.2.0.0") == "--ifaddr: more than 65536 source addresses");
}

TEST_CASE("fleet: connections take source addresses in the order they open, pubsub subscribers first") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  o.subscribers = 2;
  REQUIRE(o.scale.addresses.add("127.0.0.2-127.0.0.4") == "");
  const mqtk::client::client_options base;
  CHECK(fleet_client_options(o, base, bench_role::subscriber, 0).transport.local_address == "127.0.0.2");
  CHECK(fleet_client_options(o, base, bench_role::subscriber, 1).transport.local_address == "127.0.0.3");
  CHECK(fleet_client_options(o, base, bench_role::publisher, 0).transport.local_address == "127.0.0.4");
  CHECK(fleet_client_options(o, base, bench_role::publisher, 1).transport.local_address == "127.0.0.2");
  bench_options none;
  CHECK(fleet_client_options(none, base, bench_role::publisher, 3).transport.local_address.empty());
}

TEST_CASE("limits: each system limit is named with how to lift it") {
  const auto ports = std::optional(linux_default_ports);
  const std::string exhausted = limit_diagnosis(failed_with(system_error(EADDRNOTAVAIL)), ports, 28000);
  CHECK(exhausted.find("local ports ran out (EADDRNOTAVAIL)") != std::string::npos);
  CHECK(exhausted.find("32768-60999: 28,232 ports") != std::string::npos);
  CHECK(exhausted.find("--ifaddr") != std::string::npos);
  const std::string files = limit_diagnosis(failed_with(system_error(EMFILE)), ports, 100);
  CHECK(files.find("open files ran out (EMFILE)") != std::string::npos);
  CHECK(files.find("ulimit -n N") != std::string::npos);
  CHECK(limit_diagnosis(failed_with(system_error(ENFILE)), ports, 0).find("fs.file-max") != std::string::npos);
  CHECK(limit_diagnosis(failed_with(system_error(ENOBUFS)), ports, 0).find("memory for sockets (ENOBUFS)") !=
        std::string::npos);
  CHECK(limit_diagnosis(failed_with(make_error_code(mqtk::net::errc::source_address_unavailable)), ports, 0)
            .find("not configured on this machine") != std::string::npos);
}

TEST_CASE("limits: a broker that stops accepting is suspected only once connections were up") {
  const auto ports = std::optional(linux_default_ports);
  const auto closed = failed_with(make_error_code(mqtk::net::errc::closed));
  CHECK(limit_diagnosis(closed, ports, 0).empty());
  const std::string full = limit_diagnosis(closed, ports, 19000);
  CHECK(full.find("after 19,000") != std::string::npos);
  CHECK(full.find("max_connections") != std::string::npos);
  CHECK(limit_diagnosis(failed_with(system_error(ECONNREFUSED)), ports, 0).empty());
  CHECK(limit_diagnosis(failed_with({}, close_kind::lost), ports, 5).empty());
}

TEST_CASE("limits: the port range and the warning when it cannot hold the connections") {
  CHECK(parse_port_range("32768\t60999\n") == std::optional(linux_default_ports));
  CHECK_FALSE(parse_port_range("60999 32768"));
  CHECK_FALSE(parse_port_range(""));
  const auto ports = std::optional(linux_default_ports);
  CHECK(port_shortage(28232, 0, ports).empty());
  const std::string one = port_shortage(28233, 0, ports);
  CHECK(one.find("28,233 connections to one broker address need more local ports than one source address has (28,232") !=
        std::string::npos);
  CHECK(port_shortage(56464, 2, ports).empty());
  CHECK(port_shortage(56465, 2, ports).find("2 source addresses have (56,464") != std::string::npos);
  CHECK(port_shortage(1000000, 1, std::nullopt).empty());
}
