#include "sub/sub_options_exec.hpp"

#include "common/child_process.hpp"
#include "common/file_input.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"
#include "mqtk/protocol/topic.hpp"

#include <CLI/CLI.hpp>

#include <cstring>

namespace mqtk::apps::sub {

namespace {

constexpr std::size_t max_jobs = 1024;
constexpr double max_timeout = 7 * 24 * 3600.0;
constexpr std::size_t max_table_bytes = 1024 * 1024;

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// True when every topic filter `inner` matches is matched by `outer` too (subscribing both would
// bring such messages twice).
bool covers(std::string_view outer, std::string_view inner) {
  if (!inner.empty() && inner.front() == '$' && !outer.empty() && (outer.front() == '+' || outer.front() == '#'))
    return false; // wildcards at the first level do not match $-topics
  while (true) {
    const auto outer_end = std::min(outer.size(), outer.find('/'));
    const auto inner_end = std::min(inner.size(), inner.find('/'));
    const auto outer_level = outer.substr(0, outer_end), inner_level = inner.substr(0, inner_end);
    if (outer_level == "#")
      return true;
    if (inner_level == "#" || (outer_level != "+" && outer_level != inner_level) || (inner_level == "+" && outer_level != "+"))
      return false;
    const bool outer_last = outer_end == outer.size(), inner_last = inner_end == inner.size();
    if (outer_last || inner_last)
      return outer_last && inner_last;
    outer.remove_prefix(outer_end + 1);
    inner.remove_prefix(inner_end + 1);
  }
}

} // namespace

int split_exec_command(int argc, char **argv, exec_options &o) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") != 0)
      continue;
    o.argv.assign(argv + i + 1, argv + argc);
    if (o.argv.empty())
      o.argv.emplace_back(); // "--" without a command: refused by resolve_exec_options
    return i;
  }
  return argc;
}

void add_exec_options(CLI::App &app, exec_options &o) {
  const char *group = "Running a command";
  help_section(app, group)
      .add_option("--exec", o.command,
                  "Run COMMAND (/bin/sh -c) per message, payload on stdin, MQTT_* environment (or: -- "
                  "COMMAND ARGS...)")
      ->type_name("COMMAND");
  help_section(app, group)
      .add_option("--exec-table", o.table_file,
                  "Run the command of the first line 'FILTER COMMAND...' of FILE matching the topic")
      ->type_name("FILE");
  help_section(app, group)
      .add_option("--jobs", o.jobs, "Run at most N commands at once (default 1; one topic's run in order)")
      ->type_name("N");
  help_section(app, group)
      .add_option("--exec-timeout", o.timeout,
                  "Kill a command's process group after SECONDS (default 60): a failure")
      ->type_name("SECONDS");
  help_section(app, group)
      .add_flag("--ack-after-exec", o.ack_after_exec,
                "QoS 1/2: acknowledge a message only once its command succeeded; a failed one comes again "
                "(needs -c)");
}

std::string parse_exec_table(const std::string &text, std::vector<exec_rule> &rules) {
  std::size_t line_number = 0, start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_number;
    std::size_t i = 0;
    while (i < line.size() && is_blank(line[i]))
      ++i;
    if (i == line.size() || line[i] == '#')
      continue;
    const auto filter_end = std::min(line.size(), line.find_first_of(" \t\r", i));
    std::string filter(line.substr(i, filter_end - i));
    auto command_start = filter_end;
    while (command_start < line.size() && is_blank(line[command_start]))
      ++command_start;
    auto command_end = line.size();
    while (command_end > command_start && is_blank(line[command_end - 1]))
      --command_end;
    const std::string where = "line " + std::to_string(line_number) + ": ";
    if (auto problem = protocol::topic_filter_error(filter); !problem.empty())
      return where + "topic filter '" + filter + "' " + std::string(problem);
    if (command_start == command_end)
      return where + "'" + filter + "' has no command (lines are FILTER COMMAND...)";
    rules.push_back({filter, shell_command(std::string(line.substr(command_start, command_end - command_start)))});
  }
  if (rules.empty())
    return "it has no 'FILTER COMMAND...' line";
  return {};
}

std::string resolve_exec_options(const CLI::App &app, exec_options &o, std::vector<std::string> &filters, int qos,
                                 bool kept_session) {
  const int sources = (given(app, "--exec") ? 1 : 0) + (given(app, "--exec-table") ? 1 : 0) + (o.argv.empty() ? 0 : 1);
  if (sources == 0) {
    for (const char *flag : {"--jobs", "--exec-timeout", "--ack-after-exec"})
      if (app.count(flag))
        return std::string(flag) + " needs --exec, --exec-table or a command after --";
    return {};
  }
  if (sources > 1)
    return "give only one of --exec, --exec-table and a command after --";
  if (!o.argv.empty() && o.argv.front().empty())
    return "give a command after --";
  if (given(app, "--exec") && o.command.empty())
    return "--exec needs a command";
  for (const char *flag :
       {"--verbose", "--format", "--json", "--pretty", "--no-newline", "--print-all", "--max-payload", "--watch"})
    if (app.count(flag))
      return std::string(flag) + " does not apply when a command handles the messages (its stdout is the output)";
  if (o.jobs < 1 || o.jobs > max_jobs)
    return "--jobs must be from 1 to " + std::to_string(max_jobs);
  if (!(o.timeout > 0) || o.timeout > max_timeout)
    return "--exec-timeout must be more than 0 and at most 604800 seconds";
  if (o.ack_after_exec && qos == 0)
    return "--ack-after-exec needs -q 1 or 2 (QoS 0 messages are not acknowledged)";
  if (o.ack_after_exec && !kept_session)
    return "--ack-after-exec needs -c (and -x other than 0): the broker redelivers only to a kept session";
  if (given(app, "--exec")) {
    o.rules.push_back({"#", shell_command(o.command)});
  } else if (!o.argv.empty()) {
    o.rules.push_back({"#", o.argv});
  } else {
    std::string text, error;
    if (!read_file(o.table_file, "exec table", max_table_bytes, text, error))
      return error;
    if (auto problem = parse_exec_table(text, o.rules); !problem.empty())
      return "--exec-table '" + o.table_file + "' " + problem;
    if (filters.empty()) { // subscribe to the table's filters, leaving out those another one covers
      for (std::size_t i = 0; i < o.rules.size(); ++i) {
        bool covered = false;
        for (std::size_t j = 0; j < o.rules.size() && !covered; ++j)
          covered = j != i && covers(o.rules[j].filter, o.rules[i].filter) &&
                    (!covers(o.rules[i].filter, o.rules[j].filter) || j < i);
        if (!covered)
          filters.push_back(o.rules[i].filter);
      }
    }
  }
  return {};
}

} // namespace mqtk::apps::sub
