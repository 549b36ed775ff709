#include "common/connection_options.hpp"

#include "common/broker_list.hpp"
#include "common/diagnostics.hpp"
#include "common/endpoint_layers.hpp"
#include "common/file_input.hpp"
#include "common/flag_lookup.hpp"
#include "common/help_sections.hpp"
#include "common/profile.hpp"
#include "common/text_checks.hpp"
#include "mqtk/client/enhanced_auth.hpp"
#include "mqtk/client/entropy.hpp"
#include "mqtk/protocol/topic.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace mqtk::apps {

namespace {

std::optional<std::string> env_value(const char *name) {
  const char *value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    return std::nullopt;
  return std::string(value);
}

// Picks a setting: the flag when given, else the environment, else the profile, else nothing.
std::optional<std::string> pick(const CLI::App &app, const char *flag, const std::string &flag_value,
                                const std::optional<std::string> &env, const profile &prof, const char *key) {
  if (given_if_defined(app, flag))
    return flag_value;
  if (env)
    return env;
  if (auto it = prof.values.find(key); it != prof.values.end())
    return it->second;
  return std::nullopt;
}

bool parse_uint(const std::string &text, std::uint64_t max, std::uint64_t &out) {
  if (text.empty() || text.size() > 12 || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::stoull(text);
  return out <= max;
}

// How messages name entry i of n of a list flag: "-h/--host entry 2", or just the flag for one.
std::string entry_name(std::string_view flag, std::size_t i, std::size_t n) {
  return n == 1 ? std::string(flag) : std::string(flag) + " entry " + std::to_string(i + 1);
}

// The flag layers of the brokers the command line names, each base (which holds -u and the
// password) with its own URL, host or port: one for broker_count::one (a list there is refused),
// one per -h or -L entry for broker_count::several. Sets error on a bad list.
std::vector<endpoint_layer> broker_flag_layers(const CLI::App &app, const connection_flags &f,
                                               const endpoint_layer &base, std::string &error) {
  std::optional<std::string> port;
  if (given_if_defined(app, "--port"))
    port = std::to_string(f.port);
  if (f.brokers == broker_count::one || !(given_if_defined(app, "--url") || given_if_defined(app, "--host"))) {
    for (const auto &[flag, values, url] :
         {std::tuple{"-h/--host", &f.hosts, false}, std::tuple{"-L/--url", &f.urls, true}}) {
      if (values->size() > 1)
        error = std::string(flag) + " was given " + std::to_string(values->size()) +
                " times, but takes one broker (only mqtk-bench spreads connections over several)";
      else if (values->size() == 1)
        error = single_broker_error(flag, values->front(), url);
      if (!error.empty())
        return {};
    }
    endpoint_layer layer = base;
    if (!f.urls.empty())
      layer.url = f.urls.front();
    else if (given_if_defined(app, "--unix"))
      layer.url = "unix://" + f.unix_path;
    if (!f.hosts.empty())
      layer.host = f.hosts.front();
    layer.port = port;
    return {layer};
  }
  std::vector<endpoint_layer> layers;
  if (given_if_defined(app, "--url")) {
    const auto urls = split_broker_list(f.urls, "-L/--url", error);
    for (std::size_t i = 0; i < urls.size(); ++i) {
      endpoint_layer &layer = layers.emplace_back(base);
      layer.url = urls[i];
      layer.url_name = entry_name("-L/--url", i, urls.size());
    }
    return layers;
  }
  const auto hosts = split_broker_list(f.hosts, "-h/--host", error);
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    endpoint_layer &layer = layers.emplace_back(base);
    auto [host, entry_port] = split_host_port(hosts[i]);
    layer.host = std::move(host);
    layer.host_name = entry_name("-h/--host", i, hosts.size());
    if (entry_port) {
      layer.port = std::move(entry_port);
      layer.port_name = layer.host_name + " ('" + shown(hosts[i]) + "'): port";
    } else {
      layer.port = port;
    }
  }
  return layers;
}

// The usage error of a broker the other settings do not fit: TLS options on a non-TLS
// connection, WebSocket headers without WebSocket, a password without a user name before MQTT 5.
std::string broker_error(const connection_flags &f, const endpoint_choice &choice, protocol::protocol_version version) {
  const net::scheme kind = choice.endpoint.kind;
  const char *tls_flag = tls_identity_flag(f.tls_identity);
  if (!tls_flag)
    tls_flag = f.insecure              ? "--insecure"
                         : !f.cafile.empty()      ? "--cafile"
                         : !f.capath.empty()      ? "--capath"
                         : !f.cert.empty()        ? "--cert"
                         : !f.key.empty()         ? "--key"
                         : !f.tls_version.empty() ? "--tls-version"
                         : !f.alpn.empty()        ? "--alpn"
                         : !f.sni.empty()         ? "--sni"
                                                  : nullptr;
  if (tls_flag && !net::uses_tls(kind)) {
    if (!choice.url_source.empty())
      return std::string(tls_flag) + " needs a TLS connection, but the URL of " + choice.url_source + " is " +
             std::string(net::scheme_name(kind)) + "://; use mqtts:// or wss://";
    return std::string(tls_flag) +
           " needs a TLS connection: give an mqtts:// or wss:// URL with -L, or --cafile, --capath or --cert "
           "(which make -h/-p use TLS)";
  }
  if (!f.ws_headers.empty() && !net::uses_websocket(kind))
    return "--ws-header needs a WebSocket connection (ws:// or wss://)";
  if (choice.password && !choice.username && version != protocol::protocol_version::v5)
    return "a password needs a user name before MQTT 5";
  return {};
}

// Sets broker.proxy from the proxy flags and environment; prints the -d line. Returns a usage error.
std::string apply_proxy(const connection_flags &f, const proxy_environment &env, broker_entry &broker) {
  proxy_resolution proxy = resolve_proxy(f.proxy, env, broker.endpoint);
  if (f.debug && !proxy.debug_line.empty())
    print_debug(proxy.debug_line);
  broker.proxy = std::move(proxy.options);
  return proxy.error;
}

} // namespace

environment environment::from_process() {
  environment env;
  env.url = env_value("MQTK_URL");
  env.host = env_value("MQTK_HOST");
  env.port = env_value("MQTK_PORT");
  env.username = env_value("MQTK_USERNAME");
  env.password = env_value("MQTK_PASSWORD");
  env.xdg_config_home = env_value("XDG_CONFIG_HOME");
  env.home = env_value("HOME");
  env.proxy = proxy_environment::from_process();
  return env;
}

void add_connection_options(CLI::App &app, connection_flags &f, broker_count count, bool reconnects) {
  app.set_help_flag("--help", "Print this help and exit");
  const char *conn = "Connection";
  f.brokers = count;
  const bool several = count == broker_count::several;
  // Both modes collect every value; broker_count::one refuses more than one when resolving.
  help_section(app, conn)
      .add_option(
          "-h,--host", f.hosts,
          several ? "Broker HOST[:PORT] (default localhost); several: repeat -h or list them with commas, "
                    "and connections are spread round robin"
                  : "Broker host name or IP address (default localhost)")
      ->allow_extra_args(false)
      ->type_name(several ? "HOST[:PORT]" : "TEXT")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  help_section(app, conn).add_option(
      "-p,--port", f.port,
      several ? "Broker port of -h entries without one (default 1883, 8883 with TLS)"
              : "Broker port (default 1883, 8883 with TLS)");
  const std::string url_help =
      "Broker URL: mqtt://, mqtts://, ws://, wss://[user[:pass]@]host[:port][/path] or unix:///path";
  help_section(app, conn)
      .add_option("-L,--url", f.urls,
                  several ? url_help + "; several: repeat -L or list them with commas (round robin)"
                          : url_help)
      ->allow_extra_args(false)
      ->type_name(several ? "URL" : "TEXT")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  help_section(app, conn).add_option("--unix", f.unix_path,
                                     "Connect to the broker's Unix domain socket at PATH");
  help_section(app, conn).add_option(
      "-V,--protocol-version", f.protocol_version,
      "MQTT version: 5, 311 or 31 (default 5, falling back to 3.1.1 if refused)");
  help_section(app, conn).add_option("-i,--id", f.client_id,
                                     "Client identifier (default mqtk-<tool>-<random>)");
  help_section(app, conn).add_option("-I,--id-prefix", f.client_id_prefix,
                                     "Client identifier prefix; the process id is appended");
  help_section(app, conn).add_option("-k,--keepalive", f.keepalive,
                                     "Keepalive interval in seconds, 0 disables (default 60)");
  // The rest of the section is seldom named: deferred, it still ends the section in --help.
  deferred_section(app, conn, [&app, &f, conn, reconnects] {
    help_section(app, conn).add_option("--connect-timeout", f.connect_timeout,
                                       "Seconds to wait for the connection and CONNACK (default 10)");
    help_section(app, conn).add_option(
        "--ack-timeout", f.ack_timeout,
        "Give up when a QoS 1/2 message, SUBSCRIBE or UNSUBSCRIBE waits SECONDS with nothing "
        "acknowledged (default 30; 0 waits forever)");
    const char *no_effect = "Accepted for compatibility, no effect: this tool never reconnects";
    help_section(app, conn).add_option(
        "--reconnect-timeout", f.reconnect_timeout,
        reconnects ? "Give up SECONDS after a loss unless a connection recovered (something "
                     "acknowledged, or up 10 s)"
                   : no_effect);
    help_section(app, conn).add_flag("--no-reconnect", f.no_reconnect,
                                     reconnects ? "Do not reconnect a lost connection" : no_effect);
    help_section(app, conn)
        .add_option("--ws-header", f.ws_headers, "Extra WebSocket upgrade header 'Name: value' (repeatable)")
        ->allow_extra_args(false); // one value per flag: the next word is a positional argument
    help_section(app, conn).add_option("--profile", f.profile,
                                       "Read defaults from $XDG_CONFIG_HOME/mqtk/NAME.conf");
    help_section(app, conn).add_flag("-d,--debug", f.debug, "Print every packet sent and received on stderr");
    add_proxy_options(app, f.proxy, conn);
    help_section(app, conn).add_flag(
        "--allow-control-chars", f.allow_control_chars,
        "Send topics and strings holding control characters (U+0001-U+001F, U+007F-U+009F); "
        "brokers such as mosquitto close the connection on them");
  });

  // Sections most command lines never use: registered only when one of their flags may be named.
  const char *auth = "Authentication and session";
  deferred_section(app, auth, [&app, &f, auth] {
    help_section(app, auth).add_option("-u,--username", f.username, "User name");
    help_section(app, auth).add_option("-P,--password", f.password,
                                       "Password (prefer --password-file or MQTK_PASSWORD)");
    help_section(app, auth).add_option("--password-file", f.password_file,
                                       "Read the password from the first line of FILE (mode 600)");
    help_section(app, auth).add_flag("--password-prompt", f.password_prompt,
                                     "Ask for the password on the terminal");
    help_section(app, auth).add_option(
        "--auth-method", f.auth_method,
        "MQTT 5 enhanced authentication with -u and the password: SCRAM-SHA-1, SCRAM-SHA-256 or "
        "SCRAM-SHA-512 (the password then never goes to the broker)");
    help_section(app, auth).add_flag("-c,--no-clean", f.no_clean,
                                     "Keep the session: resume it and let the broker keep it");
    help_section(app, auth).add_option("-x,--session-expiry", f.session_expiry,
                                       "Session expiry in seconds or 'never' (MQTT 5)");
  });

  const char *will = "Will";
  deferred_section(app, will, [&app, &f, will] {
    help_section(app, will).add_option("--will-topic", f.will_topic, "Topic of the Last Will and Testament");
    help_section(app, will).add_option("--will-payload", f.will_payload,
                                       "Payload of the will (at most 65,535 bytes)");
    help_section(app, will).add_option("--will-qos", f.will_qos, "QoS of the will (0, 1 or 2)");
    help_section(app, will).add_flag("--will-retain", f.will_retain, "Retain the will");
    help_section(app, will).add_option("--will-delay", f.will_delay, "Will delay interval in seconds (MQTT 5)");
  });

  const char *tls = "TLS";
  deferred_section(app, tls, [&app, &f, tls] {
    help_section(app, tls).add_option("--cafile", f.cafile, "PEM file of trusted CA certificates");
    help_section(app, tls).add_option("--capath", f.capath, "Directory of trusted CA certificates");
    help_section(app, tls).add_option("--cert", f.cert, "PEM client certificate");
    help_section(app, tls).add_option("--key", f.key, "PEM private key of --cert");
    help_section(app, tls).add_option("--key-password-file", f.key_password_file,
                                      "File holding the passphrase of --key");
    help_section(app, tls).add_flag("--insecure", f.insecure,
                                    "Do not verify the server certificate or host name (warns)");
    help_section(app, tls).add_option(
        "--tls-version", f.tls_version,
        "TLS versions: 1.2, 1.3, 1.2+ (1.2 or later), tlsv1.2 (1.2+, the default) or tlsv1.3");
    help_section(app, tls)
        .add_option("--alpn", f.alpn, "ALPN protocol to offer (repeatable)")
        ->allow_extra_args(false);
    help_section(app, tls).add_option("--sni", f.sni, "Server name to send and verify instead of the host");
    add_tls_identity_options(app, f.tls_identity, tls);
  });
}

resolved_connection resolve_connection(const CLI::App &app, const connection_flags &f, const environment &env,
                                       const connection_defaults &defaults) {
  resolved_connection out;
  client::client_options &o = out.options;
  auto fail = [&](std::string message) {
    out.error = std::move(message);
    return out;
  };

  profile prof;
  std::string profile_name;
  if (!f.profile.empty() || env.xdg_config_home || env.home) {
    const std::string base = env.xdg_config_home ? *env.xdg_config_home
                                                 : (env.home ? *env.home + "/.config" : std::string{});
    const std::string name = f.profile.empty() ? "default" : f.profile;
    const std::string path = base + "/mqtk/" + name + ".conf";
    if (!f.profile.empty() || ::access(path.c_str(), F_OK) == 0) {
      prof = load_profile(path);
      if (!prof.error.empty())
        return fail(prof.error);
      profile_name = "profile " + path;
      for (auto &warning : prof.warnings)
        out.warnings.push_back(std::move(warning));
    }
  }
  auto from_profile = [&](const char *key) -> std::optional<std::string> {
    if (auto it = prof.values.find(key); it != prof.values.end())
      return it->second;
    return std::nullopt;
  };

  // Where to connect and as whom: field by field, flags over environment over profile.
  const bool host_flags = given_if_defined(app, "--host") || given_if_defined(app, "--port");
  const int sources = (given_if_defined(app, "--url") ? 1 : 0) + (host_flags ? 1 : 0) + (given_if_defined(app, "--unix") ? 1 : 0);
  if (sources > 1)
    return fail("give only one of -L/--url, -h/-p and --unix");
  const int password_sources = (given_if_defined(app, "--password") ? 1 : 0) + (given_if_defined(app, "--password-file") ? 1 : 0) +
                               (f.password_prompt ? 1 : 0);
  if (password_sources > 1)
    return fail("give only one of -P/--password, --password-file and --password-prompt");
  endpoint_layer flag_layer{std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                            given_if_defined(app, "--unix") ? "--unix" : "-L/--url", "-h/--host", "-p/--port"};
  if (given_if_defined(app, "--username"))
    flag_layer.username = f.username;
  if (given_if_defined(app, "--password-file")) {
    std::string secret, error;
    if (!read_secret_file(f.password_file, secret, error))
      return fail(error);
    flag_layer.password = secret;
  } else if (f.password_prompt) {
    std::string secret;
    if (!prompt_password("Password: ", secret))
      return fail("--password-prompt needs a terminal on stdin");
    flag_layer.password = secret;
  } else if (given_if_defined(app, "--password")) {
    flag_layer.password = f.password;
  }
  const endpoint_layer env_layer{env.url, env.host, env.port, env.username, env.password,
                                 "MQTK_URL", "MQTK_HOST", "MQTK_PORT"};
  endpoint_layer profile_layer{from_profile("url"), from_profile("host"), from_profile("port"),
                               from_profile("username"), from_profile("password"),
                               profile_name + ": url", profile_name + ": host", profile_name + ": port"};
  if (auto file = from_profile("password-file"); file && !profile_layer.password && !flag_layer.password &&
                                                  !env.password) {
    std::string secret, error;
    if (!read_secret_file(*file, secret, error))
      return fail(profile_name + ": " + error);
    profile_layer.password = secret;
  }
  // As with mosquitto_pub: -h/-p use TLS when a CA or client certificate is given.
  const bool tls_wanted = !f.cafile.empty() || !f.capath.empty() || !f.cert.empty() || from_profile("cafile") ||
                          from_profile("capath") || from_profile("cert") ||
                          tls_identity_wants_tls(f.tls_identity);
  out.layers = {flag_layer, env_layer, profile_layer};
  out.tls_wanted = tls_wanted;
  std::string list_error;
  const auto broker_layers = broker_flag_layers(app, f, flag_layer, list_error);
  if (!list_error.empty())
    return fail(list_error);
  std::vector<endpoint_choice> choices;
  for (const endpoint_layer &layer : broker_layers) {
    choices.push_back(resolve_endpoint({layer, env_layer, profile_layer}, tls_wanted));
    if (!choices.back().error.empty())
      return fail(choices.back().error);
    out.brokers.push_back({choices.back().endpoint, choices.back().username, choices.back().password, {}});
  }
  const endpoint_choice &choice = choices.front();
  o.endpoint = choice.endpoint;
  out.proxy_env = env.proxy;
  for (broker_entry &broker : out.brokers)
    if (auto problem = apply_proxy(f, env.proxy, broker); !problem.empty())
      return fail(problem);
  o.transport.proxy = out.brokers.front().proxy;

  // Protocol version.
  auto &s = o.session;
  const auto version = pick(app, "--protocol-version", f.protocol_version, std::nullopt, prof, "protocol-version");
  if (version) {
    if (*version == "5" || *version == "mqttv5" || *version == "50")
      s.version = protocol::protocol_version::v5;
    else if (*version == "311" || *version == "mqttv311")
      s.version = protocol::protocol_version::v311;
    else if (*version == "31" || *version == "mqttv31")
      s.version = protocol::protocol_version::v31;
    else
      return fail("protocol version '" + shown(*version) + "' is not one of 5, 311, 31");
    o.version_pinned = true;
  }
  const bool v5 = s.version == protocol::protocol_version::v5;

  // Identity and credentials.
  if (!f.client_id.empty() && !f.client_id_prefix.empty())
    return fail("give only one of -i/--id and -I/--id-prefix");
  if (!f.client_id.empty())
    s.client_id = f.client_id;
  else if (!f.client_id_prefix.empty())
    s.client_id = f.client_id_prefix + std::to_string(::getpid());
  else
    s.client_id = "mqtk-" + defaults.tool + "-" + client::random_hex(8);
  if (s.client_id.size() > 65535)
    return fail("client id is longer than 65,535 bytes");
  s.username = choice.username;
  s.password = choice.password;
  // MQTT 5 enhanced authentication: SCRAM with the user name and password above (the client runs it).
  if (const auto method = pick(app, "--auth-method", f.auth_method, std::nullopt, prof, "auth-method")) {
    if (!v5)
      return fail("--auth-method needs MQTT 5: MQTT " + std::string(s.version == protocol::protocol_version::v31
                                                                        ? "3.1"
                                                                        : "3.1.1") +
                  " has no enhanced authentication (AUTH packets)");
    if (auto problem = client::enhanced_auth_error(*method, s.username, s.password); !problem.empty())
      return fail(problem);
    o.auth_method = *method;
  }
  if (auto problem = control_char_error({{"client id", s.client_id}, {"user name", s.username.value_or("")},
                                         {"will topic", f.will_topic}},
                                        f.allow_control_chars);
      !problem.empty())
    return fail(problem);

  // QoS for the tools that publish or subscribe (their -q wins).
  if (auto qos = from_profile("qos")) {
    if (*qos != "0" && *qos != "1" && *qos != "2")
      return fail(profile_name + ": qos '" + shown(*qos) + "' is not 0, 1 or 2");
    out.qos = (*qos)[0] - '0';
  }

  // Session.
  std::uint64_t keepalive = f.keepalive;
  if (auto text = from_profile("keepalive"); text && !given_if_defined(app, "--keepalive")) {
    if (!parse_uint(*text, 65535, keepalive))
      return fail(profile_name + ": keepalive '" + shown(*text) + "' is not a number of seconds (0-65535)");
  }
  if (keepalive > 65535)
    return fail("keepalive " + std::to_string(keepalive) + " is out of range (0-65535)");
  s.keep_alive = static_cast<std::uint16_t>(keepalive);
  // Session.
  s.clean_start = !f.no_clean;
  if (f.no_clean && f.client_id.empty())
    return fail("-c/--no-clean needs a client id (-i) so the session can be found again");
  if (!f.session_expiry.empty()) {
    if (!v5)
      return fail("-x/--session-expiry needs MQTT 5");
    std::uint64_t value = 0;
    if (f.session_expiry == "never" || f.session_expiry == "infinite")
      value = 0xFFFFFFFF;
    else if (!parse_uint(f.session_expiry, 0xFFFFFFFF, value))
      return fail("session expiry '" + shown(f.session_expiry) + "' is not a number of seconds or 'never'");
    s.session_expiry = static_cast<std::uint32_t>(value);
  } else if (f.no_clean && v5) {
    s.session_expiry = 0xFFFFFFFF; // -c without -x: keep the session as 3.1.1 would
  }

  // Will.
  const bool will_details = given_if_defined(app, "--will-payload") || given_if_defined(app, "--will-qos") || f.will_retain ||
                            given_if_defined(app, "--will-delay");
  if (will_details && f.will_topic.empty())
    return fail("--will-payload, --will-qos, --will-retain and --will-delay need --will-topic");
  if (!f.will_topic.empty()) {
    if (auto problem = protocol::topic_name_error(f.will_topic); !problem.empty())
      return fail("will topic '" + shown(f.will_topic) + "' " + std::string(problem));
    if (f.will_qos < 0 || f.will_qos > 2)
      return fail("will QoS " + std::to_string(f.will_qos) + " is not 0, 1 or 2");
    if (given_if_defined(app, "--will-delay") && !v5)
      return fail("--will-delay needs MQTT 5");
    if (f.will_payload.size() > 65535) // CONNECT carries it with a two-byte length
      return fail("--will-payload is " + std::to_string(f.will_payload.size()) +
                  " bytes; MQTT allows at most 65,535");
    protocol::will_options w;
    w.topic = f.will_topic;
    w.payload.assign(f.will_payload.begin(), f.will_payload.end());
    w.qos = static_cast<protocol::qos>(f.will_qos);
    w.retain = f.will_retain;
    if (given_if_defined(app, "--will-delay")) {
      protocol::properties props;
      props.will_delay_interval = f.will_delay;
      w.props.assign(props);
    }
    s.will = std::move(w);
  }

  // TLS.
  auto &tls = o.transport.tls;
  const bool tls_endpoint = std::any_of(out.brokers.begin(), out.brokers.end(),
                                        [](const broker_entry &b) { return net::uses_tls(b.endpoint.kind); });
  auto tls_value = [&](const char *flag, const std::string &value, const char *key) {
    return pick(app, flag, value, std::nullopt, prof, key).value_or(std::string{});
  };
  tls.cafile = tls_value("--cafile", f.cafile, "cafile");
  tls.capath = tls_value("--capath", f.capath, "capath");
  tls.cert = tls_value("--cert", f.cert, "cert");
  tls.key = tls_value("--key", f.key, "key");
  tls.sni = tls_value("--sni", f.sni, "sni");
  tls.alpn = f.alpn;
  tls.insecure = f.insecure;
  const std::string key_password_file = tls_value("--key-password-file", f.key_password_file, "key-password-file");
  if (!key_password_file.empty()) {
    std::string secret, error;
    if (!read_secret_file(key_password_file, secret, error))
      return fail(error);
    tls.key_password = secret;
  }
  if (const std::string version_text = tls_value("--tls-version", f.tls_version, "tls-version");
      !version_text.empty()) {
    if (!parse_tls_version_range(version_text, tls.min_version, tls.max_version))
      return fail("TLS version '" + shown(version_text) + "' is not one of 1.2, 1.3, 1.2+, tlsv1.2, tlsv1.3");
  }
  if (auto problem = resolve_tls_identity(f.tls_identity, tls_identity_env::from_process(),
                                          {given_if_defined(app, "--json"), given_if_defined(app, "--json") || defaults.tool == "bench"}, o.transport);
      !problem.empty())
    return fail(problem);
  for (const endpoint_choice &broker : choices)
    if (auto problem = broker_error(f, broker, s.version); !problem.empty())
      return fail(problem);
  if (!tls.key.empty() && tls.cert.empty())
    return fail("--key needs --cert");
  if (tls_endpoint) {
    // Unreadable TLS files are usage errors, found before connecting.
    for (const auto &[path, what] : {std::pair{tls.cafile, "CA file"}, std::pair{tls.cert, "certificate"},
                                     std::pair{tls.key, "private key"}})
      if (!path.empty())
        if (auto error = unreadable_file_error(path, what); !error.empty())
          return fail(error);
  }
  if (f.insecure)
    out.warnings.push_back("--insecure: the server's certificate and host name are not verified");
  o.transport.ws_headers = f.ws_headers;

  // Timeouts and reconnect policy.
  double connect_timeout = f.connect_timeout;
  if (auto text = from_profile("connect-timeout"); text && !given_if_defined(app, "--connect-timeout")) {
    char *end = nullptr;
    connect_timeout = std::strtod(text->c_str(), &end);
    if (text->empty() || *end != '\0')
      return fail(profile_name + ": connect-timeout '" + shown(*text) + "' is not a number of seconds");
  }
  if (!(connect_timeout > 0) || connect_timeout > 86400)
    return fail("--connect-timeout must be more than 0 seconds (and at most a day)");
  o.transport.connect_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(connect_timeout * 1000));
  if (!(f.ack_timeout >= 0) || f.ack_timeout > 86400)
    return fail("--ack-timeout must be 0 (no limit) or a number of seconds up to a day");
  o.session.response_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(f.ack_timeout * 1000));
  o.reconnect.enabled = !f.no_reconnect;
  const double give_up = f.reconnect_timeout >= 0 ? f.reconnect_timeout : defaults.reconnect_timeout_s.value_or(-1);
  if (give_up >= 0)
    o.reconnect.give_up_after = std::chrono::milliseconds(static_cast<std::int64_t>(give_up * 1000));
  return out;
}

std::vector<broker_entry> resolve_broker_urls(const resolved_connection &resolved, const connection_flags &f,
                                              std::string_view flag, const std::vector<std::string> &urls,
                                              std::string &error) {
  const auto entries = split_broker_list(urls, flag, error);
  std::vector<broker_entry> brokers;
  for (std::size_t i = 0; i < entries.size() && error.empty(); ++i) {
    std::vector<endpoint_layer> layers = resolved.layers;
    layers.front().url = entries[i];
    layers.front().url_name = entry_name(flag, i, entries.size());
    const auto choice = resolve_endpoint(layers, resolved.tls_wanted);
    error = choice.error.empty() ? broker_error(f, choice, resolved.options.session.version) : choice.error;
    brokers.push_back({choice.endpoint, choice.username, choice.password, {}});
    if (error.empty())
      error = apply_proxy(f, resolved.proxy_env, brokers.back());
  }
  if (!error.empty())
    brokers.clear();
  return brokers;
}

} // namespace mqtk::apps
