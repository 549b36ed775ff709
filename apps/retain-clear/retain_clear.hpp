#pragma once

#include "common/connection_options.hpp"

#include <string>
#include <vector>

namespace mqtk::apps::retain_clear {

// Everything mqtk-retain-clear's flags say.
struct retain_clear_options {
  connection_flags connection;
  std::vector<std::string> filters;  // -t: where to look for retained messages
  std::vector<std::string> excludes; // -T: topics matching these are left alone
  bool dry_run = false;              // list only, change nothing
  std::string backup;                // write every retained message found here (JSON lines)
  bool force = false;                // --force: replace a non-empty backup file
  bool yes = false;                  // no confirmation prompt
  double settle = 2.0;               // seconds of silence that end a listing without the sentinel
  bool no_sentinel = false;          // do not publish the sentinel; rely on --settle
  std::string sentinel_topic;        // empty: mqtk/sentinel/<random>
  double timeout = 0;                // -W: give up after this many seconds (0: never)
  bool json = false;                 // print the report as one JSON object
};

// Parses argv into options; on failure prints one line and returns the exit status (2), or 0 after
// --help/--version. Returns -1 when the caller should go on.
int parse_options(int argc, char **argv, retain_clear_options &options, CLI::App &app);

// Runs mqtk-retain-clear and returns its exit status.
int main(int argc, char **argv);

} // namespace mqtk::apps::retain_clear
