#pragma once

#include "common/cli_fwd.hpp"
#include "common/connection_proxy.hpp"
#include "common/endpoint_layers.hpp"
#include "common/tls_flags.hpp"
#include "mqtk/client/client.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk::apps {

// How many brokers -h and -L name: one (every tool), or a list (mqtk-bench: the flags repeat and
// take comma-separated values, host[:port] entries for -h).
enum class broker_count { one, several };

// The shared connection, authentication, session, will and TLS flags as typed (GUIDE §4).
struct connection_flags {
  broker_count brokers = broker_count::one; // set by add_connection_options
  std::vector<std::string> hosts, urls;     // every -h / -L value as given
  std::uint32_t port = 0;
  std::string unix_path;
  std::string protocol_version; // "5", "311", "31" (also mqttv5, mqttv311, mqttv31)
  std::string client_id;
  std::string client_id_prefix;
  std::uint32_t keepalive = 60;
  std::string username;
  std::string password;
  std::string password_file;
  bool password_prompt = false;
  std::string auth_method; // --auth-method: MQTT 5 enhanced authentication (SCRAM-SHA-*)
  bool no_clean = false;
  std::string session_expiry; // seconds or "never"
  std::string will_topic;
  std::string will_payload;
  int will_qos = 0;
  bool will_retain = false;
  std::uint32_t will_delay = 0;
  std::string cafile, capath, cert, key, key_password_file;
  bool insecure = false;
  std::string tls_version;
  std::vector<std::string> alpn;
  std::string sni;
  tls_identity_flags tls_identity; // --crlfile, --pin-sha256, --tls-info, --tls-keylog, --pkcs12, --psk
  std::vector<std::string> ws_headers;
  double connect_timeout = 10;
  double ack_timeout = 30;       // --ack-timeout: seconds without any acknowledgement; 0: no limit
  double reconnect_timeout = -1; // < 0: the tool's default
  bool no_reconnect = false;
  std::string profile;
  bool debug = false;
  bool allow_control_chars = false; // --allow-control-chars: skip the control character checks
  proxy_flags proxy;                 // --proxy, --no-proxy, --proxy-password-file
};

// Which defaults differ per tool.
struct connection_defaults {
  std::string tool;                           // "pub", used in generated client ids
  std::optional<double> reconnect_timeout_s;  // nullopt: reconnect forever (sub)
};

// Adds the shared flags to app (and replaces CLI11's -h help flag by --help, as -h is --host); with
// broker_count::several, -h and -L take lists. A tool that never reconnects (reconnects false) still
// accepts the reconnect flags, and its help says they have no effect.
void add_connection_options(CLI::App &app, connection_flags &flags, broker_count count = broker_count::one,
                            bool reconnects = true);

// Environment variables a tool reads, injectable for tests.
struct environment {
  std::optional<std::string> url, host, port, username, password, xdg_config_home, home;
  proxy_environment proxy; // ALL_PROXY, HTTPS_PROXY, HTTP_PROXY, NO_PROXY
  // The process environment.
  static environment from_process();
};

// One broker of a list: where to connect and, when its entry or a lower source says so, as whom.
struct broker_entry {
  net::endpoint endpoint; // without user name and password: see the fields below
  std::optional<std::string> username, password;
  net::proxy_options proxy; // the proxy its connections go through (NO_PROXY is per host)
};

// Outcome of resolving settings: client options, or one usage error line (exit 2).
struct resolved_connection {
  client::client_options options; // connects to brokers.front()
  std::vector<broker_entry> brokers; // every broker -h/-L named, in order (one unless several)
  std::vector<endpoint_layer> layers; // flags (without -h, -p, -L), environment, profile: what
                                      // resolve_broker_urls resolves further URLs over
  bool tls_wanted = false;            // -h/-p entries use TLS (a CA or client certificate is given)
  std::vector<std::string> warnings; // e.g. the --insecure warning
  std::optional<int> qos;            // the profile's qos: tools with -q use it when -q was not given
  std::string error;                 // non-empty: usage error
  proxy_environment proxy_env;       // for resolve_broker_urls
};

// Turns flags, then environment, then the profile ($XDG_CONFIG_HOME/mqtk/<name>.conf) into client
// options; app tells which flags were given on the command line.
resolved_connection resolve_connection(const CLI::App &app, const connection_flags &flags, const environment &env,
                                       const connection_defaults &defaults);

// Resolves the URLs of a tool's own broker-list flag (flag: its name in messages, as "--sub-url")
// like -L entries: over the flags, environment and profile of resolved, with the same checks. On a
// bad entry sets error (naming it) and returns {}.
std::vector<broker_entry> resolve_broker_urls(const resolved_connection &resolved, const connection_flags &flags,
                                              std::string_view flag, const std::vector<std::string> &urls,
                                              std::string &error);

} // namespace mqtk::apps
