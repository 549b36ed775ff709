// given() and given_if_defined(): flags found by long or short name in the App and in its help
// sections, counted after parsing like CLI::App::count, unknown names refused or false; help
// sections, and deferred sections registered only when the command line may name their flags.
#include "common/command_line.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"

#include <doctest/doctest.h>

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>
#include <vector>

using mqtk::apps::add_needed_sections;
using mqtk::apps::deferred_section;
using mqtk::apps::given;
using mqtk::apps::given_if_defined;
using mqtk::apps::help_section;
using mqtk::apps::left_out_sections;

namespace {

// argv for args: "tool" first; the pointers stay valid while args lives.
std::vector<const char *> argv_for(const std::vector<std::string> &args) {
  std::vector<const char *> argv{"tool"};
  for (const auto &arg : args)
    argv.push_back(arg.c_str());
  return argv;
}

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
    const auto argv = argv_for(args);
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

namespace {

// A tool's flags: -t and -q in plain sections, --will-topic and -w in a deferred one between them
// (or, eager, the same sections registered at once: what every command line parsed as before).
struct deferring_app {
  CLI::App app{"tool"};
  std::string topic, will_topic;
  int qos = 0;
  bool will_retain = false;
  int deferred_runs = 0;

  explicit deferring_app(bool eager = false) {
    help_section(app, "Message").add_option("-t,--topic", topic, "topic");
    auto will = [this] {
      ++deferred_runs;
      help_section(app, "Will").add_option("--will-topic", will_topic, "will topic");
      help_section(app, "Will").add_flag("-w,--will-retain", will_retain, "retain the will");
    };
    if (eager)
      will();
    else
      deferred_section(app, "Will", will);
    help_section(app, "QoS").add_option("-q,--qos", qos, "qos");
  }

  // add_needed_sections, then CLI11's parse; false when CLI11 refused the command line.
  bool parse(std::vector<std::string> args) {
    const auto argv = argv_for(args);
    add_needed_sections(app, static_cast<int>(argv.size()), argv.data());
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError &) {
      return false;
    }
    return true;
  }
};

// The command lines of the tests below: each parses the same with deferral as without.
const std::vector<std::vector<std::string>> left_out_lines{
    {"-t", "a/b", "-q", "1"}, {"--topic=a/b", "--qos", "2"}, {"-t", "x"}, {}, {"-t", "-q"}};
const std::vector<std::vector<std::string>> added_lines{{"-t", "a", "--will-topic", "w/t"},
                                                        {"-w"},
                                                        {"--will-topic=w/t", "-w"},
                                                        {"-t", "a", "--bogus"},
                                                        {"-q", "-5"},
                                                        {"--", "x"},
                                                        {"-tw"},
                                                        {"-t", "a", "-"},
                                                        {"--will"}};

} // namespace

TEST_CASE("deferred sections: left out when every flag word names a flag already there") {
  for (const auto &args : left_out_lines) {
    CAPTURE(args.size());
    deferring_app d;
    d.parse(args);
    CHECK(d.deferred_runs == 0);
    CHECK(left_out_sections(d.app));
    CHECK_FALSE(mqtk::apps::find_flag(d.app, "--will-topic"));
    CHECK_FALSE(given(d.app, "--will-topic")); // absent, so not given: no logic_error
    CHECK_FALSE(given(d.app, "-w"));
  }
}

TEST_CASE("deferred sections: added when a word may name one of their flags, or names none") {
  for (const auto &args : added_lines) {
    CAPTURE(args.front());
    deferring_app d;
    d.parse(args);
    CHECK(d.deferred_runs == 1);
    CHECK_FALSE(left_out_sections(d.app));
    CHECK(mqtk::apps::find_flag(d.app, "--will-topic"));
    CHECK_THROWS_AS(given(d.app, "--nope"), std::logic_error);
  }
  deferring_app d;
  REQUIRE(d.parse({"-t", "a", "--will-topic", "w/t", "-w"}));
  CHECK(d.will_topic == "w/t");
  CHECK(d.will_retain);
  CHECK(given(d.app, "--will-topic"));
}

TEST_CASE("deferred sections: every command line parses as it does with the sections registered at once") {
  std::vector<std::vector<std::string>> lines = left_out_lines;
  lines.insert(lines.end(), added_lines.begin(), added_lines.end());
  for (const auto &args : lines) {
    CAPTURE(args.size());
    CAPTURE(args.empty() ? std::string() : args.front());
    deferring_app deferred, eager(true);
    CHECK(deferred.parse(args) == eager.parse(args));
    CHECK(deferred.topic == eager.topic);
    CHECK(deferred.qos == eager.qos);
    CHECK(deferred.will_topic == eager.will_topic);
    CHECK(deferred.will_retain == eager.will_retain);
  }
}

TEST_CASE("deferred sections: --help lists every section in the order they were declared") {
  deferring_app d, eager(true);
  CHECK_FALSE(d.parse({"--help"})); // CLI11 signals help with a CallForHelp ParseError
  CHECK_FALSE(eager.parse({"--help"}));
  CHECK(d.deferred_runs == 1);
  const std::string help = d.app.help();
  CHECK(help == eager.app.help());
  const auto message = help.find("Message:"), will = help.find("Will:"), qos = help.find("QoS:");
  REQUIRE(message != std::string::npos);
  REQUIRE(will != std::string::npos);
  REQUIRE(qos != std::string::npos);
  CHECK(message < will);
  CHECK(will < qos);
  CHECK(help.find("--will-topic") > will);
  CHECK(help.find("--will-topic") < qos);
}
