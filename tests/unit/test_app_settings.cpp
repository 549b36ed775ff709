// Settings resolution shared by the tools: endpoint precedence, profiles, control characters,
// file reads and JSON lines without a topic. No network.
#include "common/connection_options.hpp"
#include "common/endpoint_layers.hpp"
#include "common/file_input.hpp"
#include "common/help_sections.hpp"
#include "common/json_message.hpp"
#include "common/profile.hpp"
#include "common/text_checks.hpp"

#include <CLI/CLI.hpp>
#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace mqtk::apps;
using mqtk::net::scheme;

namespace {

endpoint_layer env_layer(std::optional<std::string> url, std::optional<std::string> host = {},
                         std::optional<std::string> port = {}) {
  return {url, host, port, std::nullopt, std::nullopt, "MQTK_URL", "MQTK_HOST", "MQTK_PORT"};
}

endpoint_layer flag_layer(std::optional<std::string> host, std::optional<std::string> port = {}) {
  return {std::nullopt, host, port, std::nullopt, std::nullopt, "-L/--url", "-h/--host", "-p/--port"};
}

// Resolves a tool's command line (after the program name) against env as mqtk-pub would.
resolved_connection resolve(std::vector<std::string> args, const environment &env) {
  CLI::App app;
  connection_flags flags;
  add_connection_options(app, flags);
  std::vector<const char *> argv{"mqtk-test"};
  for (const auto &arg : args)
    argv.push_back(arg.c_str());
  mqtk::apps::add_needed_sections(app, static_cast<int>(argv.size()), argv.data()); // as parse_command_line
  app.parse(static_cast<int>(argv.size()), const_cast<char **>(argv.data()));
  return resolve_connection(app, flags, env, {"test", 60.0});
}

} // namespace

TEST_CASE("endpoint: a flag overrides only its own field of a lower source's URL") {
  SUBCASE("-h keeps MQTK_URL's port") {
    auto c = resolve_endpoint({flag_layer("127.0.0.1"), env_layer("mqtt://127.0.0.1:21883")}, false);
    REQUIRE(c.error.empty());
    CHECK(c.endpoint.host == "127.0.0.1");
    CHECK(c.endpoint.port == 21883);
  }
  SUBCASE("-p keeps MQTK_URL's host and scheme") {
    auto c = resolve_endpoint({flag_layer(std::nullopt, "8884"), env_layer("mqtts://broker.example")}, false);
    REQUIRE(c.error.empty());
    CHECK(c.endpoint.host == "broker.example");
    CHECK(c.endpoint.port == 8884);
    CHECK(c.endpoint.kind == scheme::mqtts);
  }
  SUBCASE("a profile URL under MQTK_PORT") {
    endpoint_layer prof{
        "ws://p.example:9001/mqtt", std::nullopt,      std::nullopt,     "alice", std::nullopt,
        "profile x: url",           "profile x: host", "profile x: port"};
    auto c = resolve_endpoint({flag_layer(std::nullopt), env_layer(std::nullopt, std::nullopt, "9002"), prof},
                              false);
    REQUIRE(c.error.empty());
    CHECK(c.endpoint.kind == scheme::ws);
    CHECK(c.endpoint.host == "p.example");
    CHECK(c.endpoint.port == 9002);
    CHECK(c.endpoint.path == "/mqtt");
    CHECK(c.username == "alice");
  }
  SUBCASE("a higher URL replaces a lower host and port, but not a lower user name it does not name") {
    endpoint_layer prof{std::nullopt, "old.example", "1999",    "bob",
                        std::nullopt, "p: url",      "p: host", "p: port"};
    auto c = resolve_endpoint({flag_layer(std::nullopt), env_layer("mqtt://new.example"), prof}, false);
    REQUIRE(c.error.empty());
    CHECK(c.endpoint.host == "new.example");
    CHECK(c.endpoint.port == 1883);
    CHECK(c.username == "bob");
  }
  SUBCASE("a URL's user name is outranked by a higher -u") {
    endpoint_layer flags = flag_layer(std::nullopt);
    flags.username = "carol";
    auto c = resolve_endpoint({flags, env_layer("mqtt://dave:pw@h")}, false);
    REQUIRE(c.error.empty());
    CHECK(c.username == "carol");
    CHECK(c.password == "pw");
  }
  SUBCASE("nothing given: localhost, 1883, or 8883 when TLS is wanted") {
    auto c = resolve_endpoint({flag_layer(std::nullopt)}, false);
    CHECK(c.endpoint.host == "localhost");
    CHECK(c.endpoint.port == 1883);
    auto t = resolve_endpoint({flag_layer(std::nullopt)}, true);
    CHECK(t.endpoint.kind == scheme::mqtts);
    CHECK(t.endpoint.port == 8883);
  }
}

TEST_CASE("endpoint: bad values name their source") {
  CHECK(resolve_endpoint({env_layer(std::nullopt, std::nullopt, "abc")}, false).error ==
        "MQTK_PORT 'abc' is not a port number (1-65535)");
  CHECK(resolve_endpoint({env_layer(std::nullopt, std::nullopt, "70000")}, false).error ==
        "MQTK_PORT '70000' is not a port number (1-65535)");
  CHECK(resolve_endpoint({env_layer("http://x")}, false).error.rfind("MQTK_URL: invalid URL 'http://x'", 0) ==
        0);
  CHECK(resolve_endpoint({flag_layer("h"), env_layer("unix:///tmp/sock")}, false).error ==
        "-h/--host cannot apply to the unix:// URL of MQTK_URL; give a whole URL with -L instead");
}

TEST_CASE("resolve_connection: MQTK_URL with -h or -p keeps the other fields (issue 10 item 12)") {
  environment env;
  env.url = "mqtt://127.0.0.1:21883";
  auto h = resolve({"-h", "127.0.0.1"}, env);
  REQUIRE(h.error.empty());
  CHECK(h.options.endpoint.port == 21883);
  auto p = resolve({"-p", "21884"}, env);
  REQUIRE(p.error.empty());
  CHECK(p.options.endpoint.host == "127.0.0.1");
  CHECK(p.options.endpoint.port == 21884);
  environment bad;
  bad.port = "abc";
  CHECK(resolve({}, bad).error == "MQTK_PORT 'abc' is not a port number (1-65535)");
}

TEST_CASE("resolve_connection: usage messages name the flag and the fix") {
  environment env;
  CHECK(resolve({"-L", "mqtt://h", "-p", "1"}, env).error == "give only one of -L/--url, -h/-p and --unix");
  CHECK(resolve({"--insecure"}, env)
            .error.rfind("--insecure needs a TLS connection: give an mqtts:// or wss:// URL", 0) == 0);
  CHECK(resolve({"-L", "mqtt://h", "--insecure"}, env).error ==
        "--insecure needs a TLS connection, but the URL of -L/--url is mqtt://; use mqtts:// or wss://");
  CHECK(resolve({"-L", "mqtts://h", "--cafile", "/nonexistent/ca.pem"}, env).error ==
        "cannot read CA file '/nonexistent/ca.pem': No such file or directory");
  CHECK(resolve({"-L", "mqtts://h", "--cert", "/"}, env).error ==
        "cannot read certificate '/': is a directory");
}

TEST_CASE("resolve_connection: control characters in client id, user name and will topic") {
  environment env;
  CHECK(resolve({"-i", "a\x01"}, env).error ==
        "client id 'a\\x01' contains the control character U+0001, which brokers may close the connection on "
        "(give --allow-control-chars to send it anyway)");
  CHECK(resolve({"-u", "x\x7f"}, env)
            .error.rfind("user name 'x\\x7F' contains the control character U+007F", 0) == 0);
  CHECK(resolve({"--will-topic", "w/\xc2\x85"}, env).error.rfind("will topic 'w/\\u0085' contains", 0) == 0);
  CHECK(resolve({"-i", "a\x01", "--allow-control-chars"}, env).error.empty());
}

TEST_CASE("control characters: C0, DEL and C1 found, other text passes") {
  CHECK_FALSE(find_control_char("a/b/c"));
  CHECK_FALSE(find_control_char("caf\xc3\xa9 \xe2\x82\xac")); // é €
  CHECK_FALSE(find_control_char("\xc2\xa0"));                 // U+00A0 is not a control character
  CHECK(find_control_char("k=\x01x")->code_point == 1);
  CHECK(find_control_char("k=\x01x")->offset == 2);
  CHECK(find_control_char("\x1f")->code_point == 0x1F);
  CHECK(find_control_char("tab\there")->code_point == 9);
  CHECK(find_control_char("x\x7f")->code_point == 0x7F);
  CHECK(find_control_char("x\xc2\x80")->code_point == 0x80);
  CHECK(find_control_char("x\xc2\x9f")->code_point == 0x9F);
  CHECK(control_char_error({{"topic", "a"}, {"content type", "b\nc"}}, false)
            .rfind("content type 'b\\x0Ac'", 0) == 0);
  CHECK(control_char_error({{"topic", "a\n"}}, true).empty());
  CHECK(
      control_char_error("--user-property", {"a=b", "c=\x02"}, false).rfind("--user-property 'c=\\x02'", 0) ==
      0);
}

TEST_CASE("shown: long text is cut on a character boundary with its length") {
  CHECK(shown("short") == "short");
  const std::string longer(100000, 'a');
  CHECK(shown(longer) == std::string(80, 'a') + "...(100000 bytes)");
  std::string euros;
  for (int i = 0; i < 30; ++i)
    euros += "\xe2\x82\xac"; // 90 bytes
  CHECK(shown(euros) == euros.substr(0, 78) + "...(90 bytes)");
}

TEST_CASE("profile: comments after values, quotes, '_' for '-', unknown keys warned about") {
  const auto p = parse_profile("# a profile\n"
                               "host = broker.example   # the lab broker\n"
                               "port=1884\n"
                               "protocol_version = 311\n"
                               "password = \"a #b\"  # quoted\n"
                               "username = pa#ss\n"
                               "colour = blue\n"
                               "\n",
                               "/p.conf");
  REQUIRE(p.error.empty());
  CHECK(p.values.at("host") == "broker.example");
  CHECK(p.values.at("port") == "1884");
  CHECK(p.values.at("protocol-version") == "311");
  CHECK(p.values.at("password") == "a #b");
  CHECK(p.values.at("username") == "pa#ss");
  CHECK(p.values.count("colour") == 0);
  REQUIRE(p.warnings.size() == 1);
  CHECK(p.warnings[0] == "profile /p.conf line 7: unknown key 'colour' ignored");
  CHECK(parse_profile("host\n", "/p.conf").error == "profile /p.conf line 1: expected key = value");
  CHECK(parse_profile("a = \"x\n", "/p.conf").error ==
        "profile /p.conf line 1: the quoted value has no closing '\"'");
}

TEST_CASE("files: a directory or a missing file is an error line, never an exception") {
  std::string out, error;
  CHECK_FALSE(read_file("/", "file", 1 << 20, out, error));
  CHECK(error == "cannot read file '/': is a directory");
  CHECK_FALSE(read_file("/nonexistent/x", "file", 1 << 20, out, error));
  CHECK(error == "cannot read file '/nonexistent/x': No such file or directory");
  CHECK(unreadable_file_error("/", "CA file") == "cannot read CA file '/': is a directory");
  CHECK(load_profile("/").error == "cannot read profile '/': is a directory");
  std::string secret;
  CHECK_FALSE(read_secret_file("/", secret, error));
  CHECK(error == "cannot read password file '/': is a directory");
}

TEST_CASE("json lines: a line without a topic parses with an empty topic for -t to fill") {
  json_message m;
  std::string error;
  REQUIRE(parse_message_json(R"({"payload":"x"})", m, error));
  CHECK(m.topic.empty());
  CHECK(m.payload == std::vector<std::uint8_t>{'x'});
  CHECK_FALSE(parse_message_json(R"({"topic":7})", m, error));
  CHECK(error == "topic must be a string");
}
