#include "common/command_line.hpp"

#include "common/build_info.hpp"
#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/help_sections.hpp"
#include "common/stdout_writer.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace mqtk::apps {

void add_version_flag(CLI::App &app, bool &version) {
  app.add_flag("--version", version, "Print the version, commit, TLS library and build type, and exit");
}

int parse_command_line(CLI::App &app, int argc, char **argv, const bool &version) {
  add_needed_sections(app, argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp &) {
    write_stdout(app.help());
    return finish_stdout(exit_ok);
  } catch (const CLI::ParseError &e) {
    print_error(e.what());
    return exit_usage;
  }
  if (version) {
    write_stdout(program_name() + " " + MQTK_VERSION + "\n" + build_description());
    return finish_stdout(exit_ok);
  }
  return -1;
}

} // namespace mqtk::apps
