// mqtk-retain-clear: from argv to resolved settings to a run.
#include "retain-clear/retain_clear.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "retain-clear/clearer.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::retain_clear {

int main(int argc, char **argv) {
  set_program_name("mqtk-retain-clear");
  CLI::App app{"mqtk-retain-clear: list, back up, clear and verify retained MQTT messages",
               "mqtk-retain-clear"};
  retain_clear_options options;
  if (int status = parse_options(argc, argv, options, app); status >= 0)
    return status;
  auto resolved =
      resolve_connection(app, options.connection, environment::from_process(), {"retain-clear", 0.0});
  if (!resolved.error.empty()) {
    print_error(resolved.error);
    return exit_usage;
  }
  for (const auto &warning : resolved.warnings)
    print_warning(warning);
  auto &client_options = resolved.options;
  client_options.reconnect.enabled = false; // a run is one listing and one pass; a lost connection ends it
  // Sent explicitly (65535 is the default and left out of CONNECT): without it mosquitto keeps its
  // own small window and drops the rest of a large QoS 1/2 retained burst.
  client_options.session.receive_maximum = 65534;
  if (options.connection.debug)
    client_options.debug = [](std::string_view line) { print_debug(line); };
  return run(std::move(options), std::move(client_options));
}

} // namespace mqtk::apps::retain_clear
