// mqtk-bench: settings, the file-descriptor limit, and the run.
#include "bench/bench.hpp"
#include "bench/bench_merge.hpp"
#include "bench/bench_cluster.hpp"
#include "bench/bench_limits.hpp"
#include "bench/bench_run.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/flag_lookup.hpp"
#include "common/runtime.hpp"
#include "common/stdout_writer.hpp"

#include <CLI/CLI.hpp>

#include <sys/resource.h>

namespace mqtk::apps::bench {

namespace {

// Raises the soft limit on open files to fit the connections; false (with a message) when the hard
// limit is too low.
bool ensure_descriptors(std::uint64_t connections) {
  const std::uint64_t needed = connections + 64; // stdio, the event loop, DNS, slack
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= needed)
    return true;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    print_error(std::to_string(connections) + " connections need " + std::to_string(needed) +
                " open files, but the hard limit (RLIMIT_NOFILE) is " + std::to_string(limit.rlim_max) +
                ": raise it as root (ulimit -n " + std::to_string(needed) +
                ", nofile in /etc/security/limits.conf, LimitNOFILE= in a systemd unit) or split the "
                "connections over several mqtk-bench processes");
    return false;
  }
  limit.rlim_cur = needed;
  return setrlimit(RLIMIT_NOFILE, &limit) == 0 || (print_error("cannot raise the open-file limit"), false);
}

} // namespace

int main(int argc, char **argv) {
  set_program_name("mqtk-bench");
  if (argc > 1 && std::string_view(argv[1]) == "merge")
    return merge_main(argc - 1, argv + 1);
  CLI::App app{"mqtk-bench: load-test an MQTT broker (connection rate, throughput, latency, loss)",
               "mqtk-bench"};
  app.footer("mqtk-bench merge FILE... combines the --output results of a run's shards (see mqtk-bench merge "
             "--help).");
  bench_options options;
  if (int status = parse_options(argc, argv, options, app); status >= 0)
    return status;
  auto resolved = resolve_connection(app, options.connection, environment::from_process(), {"bench", 0.0});
  if (!resolved.error.empty()) {
    print_error(resolved.error);
    return exit_usage;
  }
  if (auto problem = resolve_cluster(options, resolved); !problem.empty()) {
    print_error(problem);
    return exit_usage;
  }
  if (!options.scale.addresses.empty() && resolved.options.endpoint.kind == net::scheme::unix_socket) {
    print_error("--ifaddr binds TCP source addresses: it cannot be used with a Unix socket connection");
    return exit_usage;
  }
  resolved.options.transport.tls_release_idle_buffers = !options.scale.tls_keep_buffers;
  resolved.options.transport.tls_resume_sessions = !options.scale.tls_no_resume;
  for (const auto &warning : resolved.warnings)
    print_warning(warning);
  if (resolved.qos && !given(app, "--qos") && options.mode != bench_mode::conn)
    options.qos = *resolved.qos;
  const std::uint64_t connections = main_slice(options).count + subscriber_slice(options).count;
  if (!ensure_descriptors(connections))
    return exit_usage;
  if (auto shortage = port_shortage(connections, options.scale.addresses.size(), local_port_range());
      !shortage.empty())
    print_warning(shortage);
  if (options.connection.debug)
    resolved.options.debug = [](std::string_view line) { print_debug(line); };

  runtime rt;
  bench_run run(rt, options, std::move(resolved.options));
  run.start();
  return finish_stdout(rt.run());
}

} // namespace mqtk::apps::bench
