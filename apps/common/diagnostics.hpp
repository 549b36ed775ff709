#pragma once

#include <string>
#include <string_view>

namespace mqtk::apps {

// Sets the program name printed before every diagnostic ("mqtk-pub").
void set_program_name(std::string_view name);
// The program name set by set_program_name.
const std::string &program_name();
// Every diagnostic is one line: control characters and invalid UTF-8 in the message (broker text
// quoted in it, say) are shown escaped (see append_escaped).

// Prints "<program>: <message>" as one line on stderr.
void print_error(std::string_view message);
// Prints "<program>: warning: <message>" on stderr.
void print_warning(std::string_view message);
// Prints "<program>: <line>" on stderr for -d/--debug output.
void print_debug(std::string_view line);

} // namespace mqtk::apps
