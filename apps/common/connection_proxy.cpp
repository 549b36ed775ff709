// --proxy, --no-proxy and --proxy-password-file: flags, the *_PROXY environment, the password file.
#include "common/connection_proxy.hpp"

#include "common/help_sections.hpp"
#include "common/profile.hpp"

#include <CLI/CLI.hpp>

namespace mqtk::apps {

void add_proxy_options(CLI::App &app, proxy_flags &f, const char *group) {
  help_section(app, group)
      .add_option("--proxy", f.proxy,
                  "Connect through a SOCKS5 or HTTP CONNECT proxy: socks5://, socks5h:// (the proxy resolves "
                  "the broker's name) or http://[user[:password]@]host[:port]; overrides *_PROXY")
      ->type_name("URL");
  help_section(app, group)
      .add_flag("--no-proxy", f.no_proxy, "Connect directly, ignoring ALL_PROXY, HTTPS_PROXY, HTTP_PROXY");
  help_section(app, group)
      .add_option("--proxy-password-file", f.password_file,
                  "Read the proxy user's password from the first line of FILE (mode 600)");
}

proxy_resolution resolve_proxy(const proxy_flags &f, const proxy_environment &env,
                               const net::endpoint &target) {
  proxy_resolution out;
  if (f.proxy && f.no_proxy) {
    out.error = "give only one of --proxy and --no-proxy";
    return out;
  }
  const proxy_choice choice = select_proxy(f.proxy, f.no_proxy, env, target);
  if (!choice.error.empty()) {
    out.error = choice.error;
    return out;
  }
  if (!choice.proxy) {
    if (!f.password_file.empty() && choice.reason.empty())
      out.error = "--proxy-password-file needs a proxy (--proxy, or ALL_PROXY, HTTPS_PROXY, HTTP_PROXY)";
    else if (!choice.reason.empty())
      out.debug_line = "no proxy (" + choice.reason + ")";
    return out;
  }
  proxy_url proxy = *choice.proxy;
  if (!f.password_file.empty()) {
    if (!proxy.username) {
      out.error = "--proxy-password-file needs a user name in the proxy URL (user@host)";
      return out;
    }
    if (proxy.password) {
      out.error = "give the proxy password in the proxy URL or with --proxy-password-file, not both";
      return out;
    }
    std::string secret, error;
    if (!read_secret_file(f.password_file, secret, error)) {
      out.error = error;
      return out;
    }
    proxy.password = std::move(secret);
  }
  net::proxy_options &o = out.options;
  o.type = proxy.kind == proxy_kind::socks5    ? net::proxy_type::socks5
           : proxy.kind == proxy_kind::socks5h ? net::proxy_type::socks5h
                                               : net::proxy_type::http;
  o.host = proxy.host;
  o.port = proxy.port;
  o.username = proxy.username;
  o.password = proxy.password;
  out.debug_line = "proxy " + to_display_url(proxy) + " (" + (f.proxy ? "from --proxy" : choice.reason) + ")";
  return out;
}

} // namespace mqtk::apps
