// mqtk-bench: the flags for tens of thousands of connections (--ifaddr, --tls-keep-buffers, --tls-no-resume).
#include "bench/bench.hpp"
#include "common/help_sections.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps::bench {

void add_scale_options(CLI::App &app, bench_options &o) {
  const char *group = "Connections at scale";
  help_section(app, group)
      .add_option("--ifaddr", o.scale.ifaddr,
                  "Source addresses connections bind to, round robin: ADDR[,ADDR...], ranges FIRST-LAST "
                  "(127.0.0.2-127.0.0.9), IPv4 or IPv6; repeatable")
      ->allow_extra_args(false);
  help_section(app, group)
      .add_flag("--tls-keep-buffers", o.scale.tls_keep_buffers,
                "Idle TLS connections keep OpenSSL's record buffers (about 34 KiB each): less CPU per "
                "message, more memory (default: freed while idle)");
  help_section(app, group)
      .add_flag("--tls-no-resume", o.scale.tls_no_resume,
                "Every TLS connection makes a full handshake (default: TLS 1.3 connections resume the "
                "session tickets the broker sent to earlier ones, and share their verified certificate)");
}

std::string scale_options_error(const CLI::App &, bench_options &o) {
  for (const std::string &value : o.scale.ifaddr)
    if (auto problem = o.scale.addresses.add(value); !problem.empty())
      return problem;
  return {};
}

} // namespace mqtk::apps::bench
