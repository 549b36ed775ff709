#pragma once

#include "common/cli_fwd.hpp"

#include <functional>
#include <string>

namespace mqtk::apps {

// The option group of app whose flags --help lists under heading, created on first use; add a
// section's flags to it instead of to app. CLI11 compares each new flag with every flag already
// in the same App, so one App of 80 flags costs a tool about 0.3 ms at each start; sections of
// a dozen cost a third of that. --help prints them exactly like plain "->group(heading)" sections.
CLI::App &help_section(CLI::App &app, const std::string &heading);

// A section whose flags most command lines never use (TLS, the will): its place in --help is taken
// now, and add() registers its flags, through help_section(app, heading), only if
// add_needed_sections finds the command line may name one. Each CLI11 flag costs a start 12,000 to
// 19,000 instructions and most of a KiB of heap (docs/performance.md, "Flag lookups and deferred
// sections").
void deferred_section(CLI::App &app, const std::string &heading, std::function<void()> add);

// Runs the deferred sections' add() unless every word of argv (after argv[0]) that starts with '-'
// is "--name", "--name=value" or "-x" of a flag app already has, and none is --help: a command line
// that names none of their flags parses the same without them. Called by parse_command_line.
void add_needed_sections(CLI::App &app, int argc, const char *const *argv);

// Whether add_needed_sections left deferred sections out: their flags are then absent, not given.
bool left_out_sections(const CLI::App &app);

} // namespace mqtk::apps
