#pragma once

// The proxy flags of every tool (--proxy, --no-proxy, --proxy-password-file) and their resolution,
// with the environment, into the transport's proxy options (issue 13).

#include "common/cli_fwd.hpp"
#include "common/proxy_selection.hpp"
#include "mqtk/net/options.hpp"
#include "mqtk/net/url.hpp"

#include <optional>
#include <string>

namespace mqtk::apps {

// The proxy flags as typed.
struct proxy_flags {
  std::optional<std::string> proxy; // --proxy URL
  bool no_proxy = false;            // --no-proxy
  std::string password_file;        // --proxy-password-file
};

// Adds --proxy, --no-proxy and --proxy-password-file to app, in group.
void add_proxy_options(CLI::App &app, proxy_flags &flags, const char *group);

// The proxy a connection to target uses, for the transport, and the -d line that says why.
struct proxy_resolution {
  net::proxy_options options; // type none: direct
  std::string debug_line;     // "proxy socks5://127.0.0.1:1080 (from ALL_PROXY)"; empty: no proxy in play
  std::string error;          // usage error (bad URL, unreadable password file, ...)
};

// Applies flags and env (the curl rules of select_proxy) to a connection to target.
proxy_resolution resolve_proxy(const proxy_flags &flags, const proxy_environment &env,
                               const net::endpoint &target);

} // namespace mqtk::apps
