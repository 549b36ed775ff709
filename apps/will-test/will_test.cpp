// mqtk-will-test: from argv to one client configuration per scenario, the scenarios run side by
// side (unique client ids and will topics), then the report and the exit status.
#include "will-test/will_test.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/flag_lookup.hpp"
#include "common/runtime.hpp"
#include "common/stdout_writer.hpp"
#include "will-test/scenario_runner.hpp"
#include "will-test/will_report.hpp"
#include "mqtk/client/entropy.hpp"

#include <CLI/CLI.hpp>


namespace mqtk::apps::will_test {

namespace {

// Adds the --will-* property flags to the will that resolve_connection built (it holds the delay).
void add_will_properties(const will_test_options &o, protocol::will_options &will) {
  protocol::properties props = will.props.get();
  if (o.content_type)
    props.content_type = *o.content_type;
  if (o.message_expiry)
    props.message_expiry_interval = *o.message_expiry;
  if (o.response_topic)
    props.response_topic = *o.response_topic;
  if (o.correlation_data)
    props.correlation_data = protocol::as_bytes(*o.correlation_data);
  if (!o.payload_format.empty())
    props.payload_format_indicator = o.payload_format == "utf8" ? 1 : 0;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto &pair : o.user_properties) {
    const auto eq = pair.find('=');
    pairs.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
  }
  for (const auto &[k, v] : pairs)
    props.user_properties.push_back({k, v});
  protocol::owned_properties copy(props); // deep copy while the old storage is still alive
  will.props = std::move(copy);
}

} // namespace

int main(int argc, char **argv) {
  set_program_name("mqtk-will-test");
  CLI::App app{"mqtk-will-test: check that a broker delivers Last Will messages as the MQTT spec says",
               "mqtk-will-test"};
  will_test_options options;
  if (int status = parse_options(argc, argv, options, app); status >= 0)
    return status;
  auto &flags = options.connection;
  if (!options.topic_given)
    flags.will_topic = "mqtk/will-test/" + client::random_hex(8);
  if (!given(app, "--will-payload"))
    flags.will_payload = "mqtk-will-test will";
  auto resolved = resolve_connection(app, flags, environment::from_process(), {"will-test", 0.0});
  if (!resolved.error.empty()) {
    print_error(resolved.error);
    return exit_usage;
  }
  for (const auto &warning : resolved.warnings)
    print_warning(warning);
  auto &base = resolved.options;
  auto &session = base.session;
  const bool v5_only = base.version_pinned && session.version != protocol::protocol_version::v5;
  if (wants_v5(options) && v5_only) {
    print_error("will properties (--will-delay, --will-content-type, ...) need MQTT 5 (-V 5)");
    return exit_usage;
  }
  if (!options.all && options.scenarios.front() == end_mode::disconnect_with_will && v5_only) {
    print_error("--end disconnect-with-will needs MQTT 5 (-V 5)");
    return exit_usage;
  }
  add_will_properties(options, *session.will);
  // The will delay only shows while the session lives: keep it at least that long unless -x says.
  if (flags.will_delay > 0 && !given(app, "--session-expiry"))
    session.session_expiry = std::max(session.session_expiry, flags.will_delay);
  base.reconnect.enabled = false;
  if (flags.debug)
    base.debug = [](std::string_view line) { print_debug(line); };

  scenario_settings settings;
  settings.timeout = options.timeout;
  settings.tolerance = options.tolerance;
  settings.retained_wait = 1 + options.tolerance;
  settings.keep_retained = options.keep_retained;

  runtime rt;
  std::vector<std::unique_ptr<scenario_runner>> runners;
  std::size_t finished = 0;
  bool interrupted = false;
  const bool several = options.scenarios.size() > 1;
  auto done = [&] {
    if (++finished < runners.size())
      return;
    std::vector<scenario_result> results;
    for (const auto &r : runners) {
      results.push_back(r->result());
      if (!r->result().error.empty() && r->result().error_status != exit_interrupted)
        print_error(std::string(end_mode_name(r->result().mode)) + ": " + r->result().error);
    }
    print_results(results, options.json);
    rt.finish(interrupted ? exit_interrupted : overall_status(results));
  };
  for (end_mode mode : options.scenarios) {
    client::client_options o = base;
    if (several) {
      o.session.client_id += "-" + std::string(end_mode_name(mode));
      o.session.will->topic += "/" + std::string(end_mode_name(mode));
    }
    runners.push_back(std::make_unique<scenario_runner>(rt, mode, std::move(o), settings, done));
  }
  rt.on_interrupt([&] {
    interrupted = true;
    for (auto &r : runners)
      r->stop("interrupted", exit_interrupted);
  });
  for (auto &r : runners)
    r->start();
  return finish_stdout(rt.run());
}

} // namespace mqtk::apps::will_test
