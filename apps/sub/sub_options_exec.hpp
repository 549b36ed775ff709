#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace CLI {
class App;
} // namespace CLI

namespace mqtk::apps::sub {

// One line of an --exec-table: messages whose topic matches filter run command (argv).
struct exec_rule {
  std::string filter;
  std::vector<std::string> argv;
};

// mqtk-sub's --exec / -- COMMAND / --exec-table / --jobs / --exec-timeout / --ack-after-exec.
struct exec_options {
  std::string command;            // --exec: run through /bin/sh -c
  std::vector<std::string> argv;  // the words after --: run as they are, no shell
  std::string table_file;         // --exec-table FILE
  std::size_t jobs = 1;           // --jobs: commands at once (one per topic at a time)
  double timeout = 60;            // --exec-timeout seconds
  bool ack_after_exec = false;    // --ack-after-exec: PUBACK/PUBREC only once the command succeeded
  std::vector<exec_rule> rules;   // resolved: --exec or -- is one rule for '#', else the table's lines

  // True when messages run commands instead of being printed.
  bool enabled() const noexcept { return !rules.empty(); }
  // The --exec-timeout as a duration.
  std::chrono::milliseconds timeout_duration() const noexcept {
    return std::chrono::milliseconds(static_cast<long long>(timeout * 1000));
  }
};

// Takes the words after the first "--" out of argv into o.argv; returns the argc left for CLI11.
int split_exec_command(int argc, char **argv, exec_options &o);

// Adds the exec flags to app.
void add_exec_options(CLI::App &app, exec_options &o);

// Checks the exec flags after parsing and builds o.rules (reading the table file); filters is -t's
// list (the table's filters are subscribed when it is empty), qos the -q, kept_session whether -c
// keeps the session past a disconnect. "" or the usage error.
std::string resolve_exec_options(const CLI::App &app, exec_options &o, std::vector<std::string> &filters, int qos,
                                 bool kept_session);

// Parses --exec-table text: "FILTER COMMAND..." per line, # comments and blank lines skipped.
// "" or the error naming the line ("line 3: ...").
std::string parse_exec_table(const std::string &text, std::vector<exec_rule> &rules);

} // namespace mqtk::apps::sub
