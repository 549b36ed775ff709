#include "common/diagnostics.hpp"

#include "common/text_escape.hpp"

#include <cstdio>

namespace mqtk::apps {

namespace {
std::string &name_storage() {
  static std::string name = "mqtk";
  return name;
}

void print_line(std::string_view prefix, std::string_view message) {
  std::string line = name_storage() + ": ";
  line += prefix;
  append_escaped(line, message); // broker text quoted in message stays on this one line
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}
} // namespace

void set_program_name(std::string_view name) { name_storage() = std::string(name); }
const std::string &program_name() { return name_storage(); }
void print_error(std::string_view message) { print_line("", message); }
void print_warning(std::string_view message) { print_line("warning: ", message); }
void print_debug(std::string_view line) { print_line("", line); }

} // namespace mqtk::apps
