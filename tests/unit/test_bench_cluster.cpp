// mqtk-bench against several brokers: the -h/-L lists (connection_options' several mode), --sub-url,
// round robin per role, and what the summary says of each broker. No network.
#include "../../apps/bench/bench.hpp"
#include "../../apps/bench/bench_cluster.hpp"
#include "../../apps/bench/bench_fleet.hpp"
#include "../../apps/bench/bench_report.hpp"
#include "common/broker_list.hpp"
#include "common/connection_options.hpp"
#include "common/help_sections.hpp"

#include <CLI/CLI.hpp>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace mqtk::apps;
using namespace mqtk::apps::bench;
using mqtk::net::scheme;

namespace {

std::vector<const char *> argv_of(const char *program, const std::vector<std::string> &args) {
  std::vector<const char *> argv{program};
  for (const auto &arg : args)
    argv.push_back(arg.c_str());
  return argv;
}

// Resolves args as a tool with count brokers would (the process environment left out).
resolved_connection resolve(std::vector<std::string> args, broker_count count, const environment &env = {}) {
  CLI::App app;
  connection_flags flags;
  add_connection_options(app, flags, count);
  auto argv = argv_of("mqtk-test", args);
  mqtk::apps::add_needed_sections(app, static_cast<int>(argv.size()), argv.data()); // as parse_command_line
  app.parse(static_cast<int>(argv.size()), const_cast<char **>(argv.data()));
  return resolve_connection(app, flags, env, {"test", 60.0});
}

// A parsed and resolved mqtk-bench command line, as main has it before the run.
struct bench_line {
  bench_options options;
  int status = 0;     // parse_options: -1 to go on, 2 on a usage error
  std::string error;  // resolve_connection's or resolve_cluster's
};

bench_line bench_resolve(std::vector<std::string> args, const environment &env = {}) {
  bench_line out;
  CLI::App app;
  auto argv = argv_of("mqtk-bench", args);
  out.status = parse_options(static_cast<int>(argv.size()), const_cast<char **>(argv.data()), out.options, app);
  if (out.status >= 0)
    return out;
  auto resolved = resolve_connection(app, out.options.connection, env, {"bench", 0.0});
  out.error = resolved.error.empty() ? resolve_cluster(out.options, resolved) : resolved.error;
  return out;
}

std::string host_port_of(const bench_options &o, bench_role role, std::uint32_t index) {
  mqtk::client::client_options base;
  const auto options = fleet_client_options(o, base, role, index);
  return mqtk::net::host_port(options.endpoint);
}

} // namespace

TEST_CASE("broker lists: values split at commas, in order; an empty entry is refused") {
  std::string error;
  CHECK(split_broker_list({"a,b:2", "c"}, "-h/--host", error) == std::vector<std::string>{"a", "b:2", "c"});
  CHECK(error.empty());
  for (const char *bad : {"a,,b", "a,", ",a", ""}) {
    error.clear();
    CHECK(split_broker_list({bad}, "-h/--host", error).empty());
    CHECK(error == "-h/--host '" + std::string(bad) + "' has an empty entry");
  }
}

TEST_CASE("broker lists: a -h entry is host, host:port or a bracketed IPv6 literal") {
  auto check = [](const char *entry, const char *host, std::optional<std::string> port) {
    CAPTURE(entry);
    const auto split = split_host_port(entry);
    CHECK(split.host == host);
    CHECK(split.port == port);
  };
  check("broker.example", "broker.example", std::nullopt);
  check("10.0.0.1:1884", "10.0.0.1", "1884");
  check("[::1]:1885", "::1", "1885");
  check("[::1]", "::1", std::nullopt);
  check("::1", "::1", std::nullopt);
  check("b:", "b", "");
}

TEST_CASE("broker lists: the one-broker tools refuse a list with a clear usage error") {
  CHECK(single_broker_error("-h/--host", "a,b", false) ==
        "-h/--host takes one broker, not the list 'a,b' (only mqtk-bench spreads connections over several)");
  CHECK(single_broker_error("-h/--host", "a", false).empty());
  CHECK_FALSE(single_broker_error("-L/--url", "mqtt://a:1,mqtt://b:2", true).empty());
  CHECK(single_broker_error("-L/--url", "ws://a/mqtt?x=1,2", true).empty()); // a comma in a query
  CHECK_FALSE(resolve({"-h", "a,b"}, broker_count::one).error.empty());
  CHECK_FALSE(resolve({"-L", "mqtt://a,mqtt://b"}, broker_count::one).error.empty());
  CHECK(resolve({"-h", "a", "-h", "b"}, broker_count::one).error ==
        "-h/--host was given 2 times, but takes one broker (only mqtk-bench spreads connections over several)");
  CHECK(resolve({"-L", "mqtt://a", "-L", "mqtt://b"}, broker_count::one).error ==
        "-L/--url was given 2 times, but takes one broker (only mqtk-bench spreads connections over several)");
  auto one = resolve({"-h", "a", "-p", "1884"}, broker_count::one);
  REQUIRE(one.error.empty());
  REQUIRE(one.brokers.size() == 1);
  CHECK(mqtk::net::host_port(one.brokers[0].endpoint) == "a:1884");
  CHECK(mqtk::net::host_port(one.options.endpoint) == "a:1884");
}

TEST_CASE("broker lists: several brokers resolve per entry, flags over environment over profile") {
  SUBCASE("repeated -h and comma lists; -p fills in the entries without a port") {
    auto r = resolve({"-h", "a:1,b", "-h", "[::1]", "-p", "1884"}, broker_count::several);
    REQUIRE(r.error.empty());
    REQUIRE(r.brokers.size() == 3);
    CHECK(mqtk::net::host_port(r.brokers[0].endpoint) == "a:1");
    CHECK(mqtk::net::host_port(r.brokers[1].endpoint) == "b:1884");
    CHECK(mqtk::net::host_port(r.brokers[2].endpoint) == "[::1]:1884");
    CHECK(mqtk::net::host_port(r.options.endpoint) == "a:1");
  }
  SUBCASE("MQTK_PORT and MQTK_USERNAME apply to every entry that does not say otherwise") {
    environment env;
    env.port = "2883";
    env.username = "alice";
    auto r = resolve({"-h", "a,b:3"}, broker_count::several, env);
    REQUIRE(r.error.empty());
    CHECK(mqtk::net::host_port(r.brokers[0].endpoint) == "a:2883");
    CHECK(mqtk::net::host_port(r.brokers[1].endpoint) == "b:3");
    CHECK(r.brokers[1].username == "alice");
  }
  SUBCASE("-L entries keep their own scheme and credentials") {
    auto r = resolve({"-L", "mqtt://u:p@a:1,ws://b:2/x", "-L", "mqtt://c"}, broker_count::several);
    REQUIRE(r.error.empty());
    REQUIRE(r.brokers.size() == 3);
    CHECK(r.brokers[0].username == "u");
    CHECK(r.brokers[0].password == "p");
    CHECK(r.brokers[1].endpoint.kind == scheme::ws);
    CHECK(r.brokers[1].endpoint.path == "/x");
    CHECK_FALSE(r.brokers[1].username);
    CHECK(r.brokers[2].endpoint.port == 1883);
    CHECK(r.options.session.username == "u");
  }
  SUBCASE("-u outranks an entry's user name") {
    auto r = resolve({"-L", "mqtt://u:p@a:1,mqtt://b", "-u", "bob"}, broker_count::several);
    REQUIRE(r.error.empty());
    CHECK(r.brokers[0].username == "bob");
    CHECK(r.brokers[1].username == "bob");
  }
  SUBCASE("one broker is the same as before") {
    auto r = resolve({}, broker_count::several);
    REQUIRE(r.error.empty());
    REQUIRE(r.brokers.size() == 1);
    CHECK(mqtk::net::host_port(r.brokers[0].endpoint) == "localhost:1883");
  }
}

TEST_CASE("broker lists: an error names the entry") {
  auto error_of = [](std::vector<std::string> args) { return resolve(args, broker_count::several).error; };
  CHECK(error_of({"-h", "a,b:x"}) == "-h/--host entry 2 ('b:x'): port 'x' is not a port number (1-65535)");
  CHECK(error_of({"-h", "a:70000"}) == "-h/--host ('a:70000'): port '70000' is not a port number (1-65535)");
  CHECK(error_of({"-h", "a,:5"}) == "-h/--host entry 2 is empty");
  CHECK(error_of({"-h", "a,,b"}) == "-h/--host 'a,,b' has an empty entry");
  CHECK(error_of({"-L", "mqtt://a", "-L", "http://b"}).rfind("-L/--url entry 2: invalid URL 'http://b': ", 0) == 0);
  CHECK(error_of({"-L", "mqtts://a,mqtt://b", "--insecure"}) ==
        "--insecure needs a TLS connection, but the URL of -L/--url entry 2 is mqtt://; use mqtts:// or wss://");
  CHECK(error_of({"-L", "ws://a,mqtt://b", "--ws-header", "X: y"}) ==
        "--ws-header needs a WebSocket connection (ws:// or wss://)");
  CHECK(error_of({"-L", "mqtt://a,mqtt://b", "-P", "pw", "-V", "311"}) == "a password needs a user name before MQTT 5");
  CHECK(error_of({"-L", "mqtt://a", "-h", "b"}) == "give only one of -L/--url, -h/-p and --unix");
}

TEST_CASE("broker lists: a tool's own URL list flag resolves the same way") {
  environment env;
  env.username = "alice";
  auto r = resolve({"-h", "a", "-u", "bob"}, broker_count::several, env);
  REQUIRE(r.error.empty());
  std::string error;
  auto urls = resolve_broker_urls(r, {}, "--sub-url", {"mqtt://b:2,mqtt://carol@c:3"}, error);
  REQUIRE(error.empty());
  REQUIRE(urls.size() == 2);
  CHECK(mqtk::net::host_port(urls[0].endpoint) == "b:2");
  CHECK(urls[0].username == "bob"); // -u beats the environment and the URL
  CHECK(urls[1].username == "bob");
  CHECK(resolve_broker_urls(r, {}, "--sub-url", {"mqtt://b", "nope"}, error).empty());
  CHECK(error.rfind("--sub-url entry 2: invalid URL 'nope': ", 0) == 0);
}

TEST_CASE("bench brokers: connections go round robin per role; --sub-url is the subscribers'") {
  auto line = bench_resolve({"-h", "a:1,b:2", "--sub-url", "mqtt://c:3,mqtt://a:1", "pubsub", "-C", "3", "-s", "3"});
  REQUIRE(line.status == -1);
  REQUIRE_MESSAGE(line.error.empty(), line.error);
  const bench_options &o = line.options;
  REQUIRE(o.cluster.brokers.size() == 3); // a:1 named twice is one broker
  CHECK(o.cluster.main_slots == std::vector<std::size_t>{0, 1});
  CHECK(o.cluster.sub_slots == std::vector<std::size_t>{2, 0});
  CHECK(host_port_of(o, bench_role::publisher, 0) == "a:1");
  CHECK(host_port_of(o, bench_role::publisher, 1) == "b:2");
  CHECK(host_port_of(o, bench_role::publisher, 2) == "a:1");
  CHECK(host_port_of(o, bench_role::subscriber, 0) == "c:3");
  CHECK(host_port_of(o, bench_role::subscriber, 1) == "a:1");
  CHECK(host_port_of(o, bench_role::subscriber, 2) == "c:3");
  const auto shares = plan_broker_shares(o);
  REQUIRE(shares.size() == 3);
  CHECK(shares[0].url == "mqtt://a:1");
  CHECK(shares[0].publishers == 2);
  CHECK(shares[0].subscribers == 1);
  CHECK(shares[1].publishers == 1);
  CHECK(shares[1].subscribers == 0);
  CHECK(shares[2].url == "mqtt://c:3");
  CHECK(shares[2].subscribers == 2);
}

TEST_CASE("bench brokers: without --sub-url every role spreads over -h/-L; a repeated entry weighs twice") {
  auto line = bench_resolve({"-L", "mqtt://a,mqtt://a,mqtt://b", "conn", "-C", "6"});
  REQUIRE(line.error.empty());
  const auto shares = plan_broker_shares(line.options);
  REQUIRE(shares.size() == 2);
  CHECK(shares[0].connections == 4);
  CHECK(shares[1].connections == 2);
  auto pubsub = bench_resolve({"-h", "a,b", "-C", "2", "-s", "2"});
  REQUIRE(pubsub.error.empty());
  CHECK(host_port_of(pubsub.options, bench_role::subscriber, 1) == "b:1883");
  CHECK(host_port_of(pubsub.options, bench_role::publisher, 0) == "a:1883");
}

TEST_CASE("bench brokers: a shard counts the shares of its own slice of global indices") {
  auto line = bench_resolve({"-h", "a,b", "conn", "-C", "5", "--shard", "1/2"});
  REQUIRE_MESSAGE(line.error.empty(), line.error);
  const auto shares = plan_broker_shares(line.options); // shard 1 of 2 runs connections 3 and 4
  REQUIRE(shares.size() == 2);
  CHECK(shares[0].connections == 1);
  CHECK(shares[1].connections == 1);
  CHECK(host_port_of(line.options, bench_role::connector, 3) == "b:1883");
}

TEST_CASE("bench brokers: --sub-url is refused outside pubsub and on a bad entry") {
  CHECK(bench_resolve({"sub", "--sub-url", "mqtt://a"}).status == 2);
  CHECK(bench_resolve({"pub", "--sub-url", "mqtt://a"}).status == 2);
  CHECK(bench_resolve({"--sub-url", "mqtt://a,"}).error == "--sub-url 'mqtt://a,' has an empty entry");
  CHECK(bench_resolve({"--sub-url", "mqtt://a", "--sub-url", "mqtts://b:99999"}).error.rfind(
            "--sub-url entry 2: invalid URL 'mqtts://b:99999'", 0) == 0);
}

TEST_CASE("bench report: the summary names every broker and its connections") {
  bench_options o;
  o.mode = bench_mode::pubsub;
  o.clients = 3;
  o.subscribers = 1;
  bench_totals t;
  t.attempted = t.connected = 4;
  t.brokers = {{"mqtt://a:1", 0, 2, 0, 2}, {"mqtt://b:\x1b" "2", 0, 1, 1, 1}};
  std::string text;
  append_summary(text, o, t, {});
  CHECK(text.find("brokers      mqtt://a:1  2 publishers, 0 subscribers, 2 connected\n"
                  "             mqtt://b:\\x1b2  1 publisher, 1 subscriber, 1 connected\n") != std::string::npos);
  o.json = true;
  std::string out;
  append_summary(out, o, t, {});
  const auto j = nlohmann::json::parse(out);
  REQUIRE(j["brokers"].size() == 2);
  CHECK(j["brokers"][0] == nlohmann::json{{"url", "mqtt://a:1"}, {"publishers", 2}, {"subscribers", 0},
                                          {"connected", 2}});
  CHECK(j["brokers"][1]["url"] == "mqtt://b:\\x1b2");
  o.mode = bench_mode::conn;
  t.brokers = {{"mqtt://a:1", 5, 0, 0, 4}};
  out.clear();
  append_summary(out, o, t, {});
  CHECK(nlohmann::json::parse(out)["brokers"][0] == nlohmann::json{{"url", "mqtt://a:1"}, {"connections", 5},
                                                                    {"connected", 4}});
}

TEST_CASE("shared flags: --alpn and --ws-header take one value each; the next word stays positional") {
  auto tls = bench_resolve({"-L", "mqtts://a", "--alpn", "mqtt", "conn", "-C", "2", "-D", "1"});
  REQUIRE_MESSAGE(tls.status == -1, tls.error);
  CHECK(tls.options.mode == bench_mode::conn);
  CHECK(tls.options.connection.alpn == std::vector<std::string>{"mqtt"});
  auto ws = bench_resolve({"-L", "ws://a/mqtt", "--ws-header", "X-A: 1", "sub", "-D", "1"});
  REQUIRE_MESSAGE(ws.status == -1, ws.error);
  CHECK(ws.options.mode == bench_mode::sub);
  CHECK(ws.options.connection.ws_headers == std::vector<std::string>{"X-A: 1"});
}
