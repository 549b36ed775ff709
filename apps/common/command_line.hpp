#pragma once

#include "common/cli_fwd.hpp"

namespace mqtk::apps {

// Adds --version to app; its flag is read by parse_command_line.
void add_version_flag(CLI::App &app, bool &version);

// Parses argv after the tool added its flags: prints the help for --help or "<program> <version>"
// for --version and returns exit_ok, prints one usage line and returns exit_usage for a bad flag,
// and returns -1 when the tool should go on.
int parse_command_line(CLI::App &app, int argc, char **argv, const bool &version);

} // namespace mqtk::apps
