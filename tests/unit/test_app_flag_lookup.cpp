// given() and given_if_defined(): flags found by long or short name in the App and in its help
// sections, counted after parsing like CLI::App::count, unknown names refused or false.
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"

#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using mqtk::apps::given;
using mqtk::apps::given_if_defined;
using mqtk::apps::help_section;

namespace {

struct parsed_app {
  CLI::App app;
  std::string topic, message;
  int qos = 0;
  bool retain = false, verbose = false;

  explicit parsed_app(std::vector<std::string> args) {
    app.add_flag("-v,--verbose", verbose, "talk");
    help_section(app, "Message").add_option("-t,--topic", topic, "topic");
    help_section(app, "Message").add_option("-m,--message", message, "payload");
    help_section(app, "QoS").add_option("-q,--qos", qos, "qos");
    help_section(app, "QoS").add_flag("--retain", retain, "retain");
    std::vector<const char *> argv{"tool"};
    for (const auto &arg : args)
      argv.push_back(arg.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
  }
};

} // namespace

TEST_CASE("flag lookup: a flag given by either name is found in the app and in its sections") {
  parsed_app p({"-t", "a/b", "--qos", "1", "-v"});
  CHECK(given(p.app, "--topic"));
  CHECK(given(p.app, "-t"));
  CHECK(given(p.app, "--qos"));
  CHECK(given(p.app, "-q"));
  CHECK(given(p.app, "--verbose"));
  CHECK_FALSE(given(p.app, "--message"));
  CHECK_FALSE(given(p.app, "-m"));
  CHECK_FALSE(given(p.app, "--retain"));
  // The same answers as CLI11's own lookup.
  for (const char *name : {"--topic", "-t", "--qos", "-q", "--verbose", "--message", "-m", "--retain"}) {
    CAPTURE(name);
    CHECK(given(p.app, name) == (p.app.count(name) > 0));
  }
}

TEST_CASE("flag lookup: an unknown name is an error for given, false for given_if_defined") {
  parsed_app p({"--retain"});
  CHECK(given(p.app, "--retain"));
  CHECK_THROWS_AS(given(p.app, "--nope"), std::logic_error);
  CHECK_THROWS_AS(given(p.app, "-x"), std::logic_error);
  CHECK_THROWS_AS(given(p.app, "retain"), std::logic_error); // a bare word names no flag
  CHECK_THROWS_AS(given(p.app, "-retain"), std::logic_error);
  CHECK_FALSE(given_if_defined(p.app, "--nope"));
  CHECK(given_if_defined(p.app, "--retain"));
  CHECK_FALSE(given_if_defined(p.app, "--topic"));
}

TEST_CASE("help sections: the same heading gives the same group, --help keeps the order") {
  CLI::App app("tool");
  CLI::App &first = help_section(app, "Message");
  CLI::App &other = help_section(app, "QoS");
  CHECK(&help_section(app, "Message") == &first);
  CHECK(&help_section(app, "QoS") == &other);
  CHECK(&first != &other);
  std::string topic;
  int qos = 0;
  first.add_option("-t,--topic", topic, "the topic");
  other.add_option("-q,--qos", qos, "the qos");
  const std::string help = app.help();
  const auto message_at = help.find("Message:");
  const auto qos_at = help.find("QoS:");
  REQUIRE(message_at != std::string::npos);
  REQUIRE(qos_at != std::string::npos);
  CHECK(message_at < qos_at);
  CHECK(help.find("Option Group") == std::string::npos);
}
