// mqtk-rr: resolves the connection settings, loads the request payload, and runs request mode or
// --serve.
#include "rr/rr.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/file_input.hpp"
#include "common/flag_lookup.hpp"
#include "common/runtime.hpp"
#include "rr/requester.hpp"
#include "rr/responder.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::rr {

namespace {

constexpr std::size_t max_payload = 268'435'455; // the largest MQTT packet's remaining length

// Reads the request payload (-m, -f, -s, -n); false after printing why it could not be read.
bool load_payload(const rr_options &o, std::vector<std::uint8_t> &payload) {
  std::string all, error;
  bool ok = true;
  if (o.source == payload_source::message)
    all = o.message;
  else if (o.source == payload_source::file)
    ok = read_file(o.file, "file", max_payload, all, error);
  else if (o.source == payload_source::stdin_whole)
    ok = read_all_stdin(all, error);
  if (!ok) {
    print_error(error);
    return false;
  }
  payload.assign(all.begin(), all.end());
  return true;
}

// Why the pinned protocol version cannot run these options; "" when it can.
std::string version_error(const rr_options &o, const client::client_options &c) {
  if (!c.version_pinned || c.session.version == protocol::protocol_version::v5)
    return {};
  if (o.serve)
    return "--serve needs MQTT 5 (-V 5): requests over MQTT 3.1.1 carry no Response Topic";
  if (!o.response_topic)
    return "MQTT 3.1.1 has no Response Topic or Correlation Data: give --response-topic that the responder "
           "answers on, or use -V 5";
  if (o.in_flight > 1 || o.request_response_information || !o.user_properties.empty())
    return "over MQTT 3.1.1 responses cannot be matched: --in-flight above 1, --request-response-information "
           "and --user-property need -V 5";
  return {};
}

} // namespace

int main(int argc, char **argv) {
  set_program_name("mqtk-rr");
  CLI::App app{"mqtk-rr: MQTT 5 request/response: send a request and print its response, or serve requests",
               "mqtk-rr"};
  rr_options options;
  if (int status = parse_options(argc, argv, options, app); status >= 0)
    return status;
  // A request run gives up reconnecting after 60 s; a server keeps trying.
  const std::optional<double> reconnect = options.serve ? std::nullopt : std::optional<double>(60.0);
  auto resolved = resolve_connection(app, options.connection, environment::from_process(), {"rr", reconnect});
  if (!resolved.error.empty()) {
    print_error(resolved.error);
    return exit_usage;
  }
  for (const auto &warning : resolved.warnings)
    print_warning(warning);
  auto &client_options = resolved.options;
  if (resolved.qos && !given(app, "--qos"))
    options.qos = *resolved.qos;
  if (auto problem = version_error(options, client_options); !problem.empty()) {
    print_error(problem);
    return exit_usage;
  }
  if (options.request_response_information) {
    protocol::properties props = client_options.session.connect_properties.get();
    props.request_response_information = 1;
    client_options.session.connect_properties.assign(props);
  }
  if (options.connection.debug)
    client_options.debug = [](std::string_view line) { print_debug(line); };
  if (options.serve)
    return serve_requests(std::move(options), std::move(client_options));
  std::vector<std::uint8_t> payload;
  if (!load_payload(options, payload))
    return exit_usage;
  return run_requests(std::move(options), std::move(client_options), std::move(payload));
}

} // namespace mqtk::apps::rr
