// mqtk_conformance: replays Eclipse Mosquitto's client test cases (tests/conformance/
// mosquitto-client-cases) against the session and prints passed/failed/skipped counts.
// Usage: mqtk_conformance [--min-pass N] [--verbose] DIR
#include "replay_case.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

namespace {

using mqtk::conformance::replay_case;
using mqtk::conformance::replay_step;
using json = nlohmann::json;

std::vector<std::uint8_t> parse_hex(const std::string &text) {
  std::vector<std::uint8_t> out;
  std::string digits;
  for (char c : text)
    if (std::isxdigit(static_cast<unsigned char>(c)))
      digits += c;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  return out;
}

void append_steps(const json &messages, std::vector<replay_step> &steps) {
  for (const json &m : messages)
    steps.push_back({m.at("type").get<std::string>() == "send", parse_hex(m.at("payload").get<std::string>())});
}

// The cases of one file with group defaults applied (a test's own value wins).
std::vector<replay_case> load(const std::filesystem::path &file) {
  std::ifstream in(file);
  const json groups = json::parse(in);
  std::vector<replay_case> cases;
  for (const json &group : groups) {
    for (const json &test : group.at("tests")) {
      auto pick = [&](const char *key, auto fallback) {
        if (test.contains(key))
          return test.at(key).get<decltype(fallback)>();
        if (group.contains(key))
          return group.at(key).get<decltype(fallback)>();
        return fallback;
      };
      replay_case c;
      c.file = file.filename().string();
      c.group = group.value("group", "");
      c.name = test.value("name", "");
      c.version = pick("ver", 4);
      c.connack = pick("connack", true);
      c.command = pick("command", std::string{});
      c.expect_disconnect = pick("expect_disconnect", true);
      if (test.contains("group_msgs"))
        append_steps(test.at("group_msgs"), c.steps);
      else if (group.contains("group_msgs"))
        append_steps(group.at("group_msgs"), c.steps);
      if (test.contains("msgs"))
        append_steps(test.at("msgs"), c.steps);
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

} // namespace

int main(int argc, char **argv) {
  long min_pass = 0;
  bool verbose = false;
  std::filesystem::path dir;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--min-pass" && i + 1 < argc)
      min_pass = std::stol(argv[++i]);
    else if (arg == "--verbose")
      verbose = true;
    else
      dir = arg;
  }
  if (dir.empty()) {
    std::cerr << "usage: mqtk_conformance [--min-pass N] [--verbose] DIR\n";
    return 2;
  }
  std::vector<std::filesystem::path> files;
  for (const auto &entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".json")
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());

  long passed = 0, failed = 0;
  for (const auto &file : files) {
    for (const replay_case &c : load(file)) {
      const auto result = mqtk::conformance::run_case(c);
      if (result.passed) {
        ++passed;
        if (verbose)
          std::cout << "PASS " << c.file << " | " << c.group << " | " << c.name << "\n";
      } else {
        ++failed;
        std::cout << "FAIL " << c.file << " | " << c.group << " | " << c.name << " | " << result.reason << "\n";
      }
    }
  }
  std::cout << "conformance: " << passed << " passed, " << failed << " failed, 0 skipped of " << passed + failed
            << " cases\n";
  if (passed < min_pass) {
    std::cout << "conformance: fewer than " << min_pass << " cases passed\n";
    return 1;
  }
  return 0;
}
