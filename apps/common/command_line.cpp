#include "common/command_line.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>

namespace mqtk::apps {

void add_version_flag(CLI::App &app, bool &version) {
  app.add_flag("--version", version, "Print the version and exit");
}

int parse_command_line(CLI::App &app, int argc, char **argv, const bool &version) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &) {
    std::fputs(app.help().c_str(), stdout);
    return exit_ok;
  } catch (const CLI::ParseError &e) {
    print_error(e.what());
    return exit_usage;
  }
  if (version) {
    std::printf("%s %s\n", program_name().c_str(), MQTK_VERSION);
    return exit_ok;
  }
  return -1;
}

} // namespace mqtk::apps
