#pragma once

#include "common/cli_fwd.hpp"

#include <string>

namespace mqtk::apps {

// The option group of app whose flags --help lists under heading, created on first use; add a
// section's flags to it instead of to app. CLI11 compares each new flag with every flag already
// in the same App, so one App of 80 flags costs a tool about 0.3 ms at each start; sections of
// a dozen cost a third of that. --help prints them exactly like plain "->group(heading)" sections.
CLI::App &help_section(CLI::App &app, const std::string &heading);

} // namespace mqtk::apps
