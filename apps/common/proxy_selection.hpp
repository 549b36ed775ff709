#pragma once

// Which proxy a connection goes through: --proxy, --no-proxy and the environment the way curl reads
// it (ALL_PROXY, HTTPS_PROXY, HTTP_PROXY, NO_PROXY, lower case first). Pure: no I/O, no DNS.

#include "mqtk/net/url.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk::apps {

// The proxy protocols --proxy takes.
enum class proxy_kind {
  socks5,  // socks5://  SOCKS5, the broker's name resolved locally
  socks5h, // socks5h:// SOCKS5, the broker's name resolved by the proxy
  http,    // http://    HTTP CONNECT
};

// A parsed proxy URL: scheme://[user[:password]@]host[:port] (user and password percent-decoded).
struct proxy_url {
  proxy_kind kind = proxy_kind::socks5;
  std::string host;                    // name or IP literal (IPv6 without brackets)
  std::uint16_t port = 1080;           // default 1080 for every scheme, as curl
  std::optional<std::string> username; // from "user@" or "user:password@"
  std::optional<std::string> password; // from "user:password@"
};

// Outcome of parse_proxy_url: the proxy, or one short error message.
struct proxy_url_result {
  proxy_url value;   // meaningful when error is empty
  std::string error; // e.g. "unknown proxy scheme 'ftp' (use socks5://, socks5h:// or http://)"
};

// Parses a proxy URL; a value without "scheme://" is taken as http:// (as curl does).
proxy_url_result parse_proxy_url(std::string_view url);

// The proxy URL for messages, the password shown as "****".
std::string to_display_url(const proxy_url &proxy);

// One environment variable: its name as found (e.g. "https_proxy") and its non-empty value.
struct named_value {
  std::string name;
  std::string value;
};

// The proxy variables of an environment, each the lower-case spelling when set, else the upper case.
struct proxy_environment {
  std::optional<named_value> all_proxy, https_proxy, http_proxy, no_proxy;
  // The process environment.
  static proxy_environment from_process();
};

// The proxy one connection uses, and why (for -d); or a usage error.
struct proxy_choice {
  std::optional<proxy_url> proxy; // none: connect directly
  std::string reason;             // "--proxy", "from HTTPS_PROXY", "localhost matches NO_PROXY", ...
  std::string error;              // non-empty: usage error (bad URL, Unix socket with --proxy)
};

// Picks the proxy for a connection to target: --proxy (flag) wins, and is refused for a Unix socket;
// --no-proxy ignores the environment; else mqtts:// and wss:// use HTTPS_PROXY, ws:// HTTP_PROXY,
// each falling back to ALL_PROXY, and mqtt:// ALL_PROXY only (curl's rule for non-HTTP protocols),
// unless target matches NO_PROXY. NO_PROXY does not apply to --proxy.
proxy_choice select_proxy(const std::optional<std::string> &flag, bool no_proxy_flag, const proxy_environment &env,
                          const net::endpoint &target);

// True when host (and port) match a NO_PROXY list: comma- or space-separated entries, each "*"
// (everything), a host name (also matching its subdomains; a leading '.' is ignored), an IP address or
// an IPv4/IPv6 CIDR block ("10.0.0.0/8"), with an optional ":port" ("[::1]:8883" for IPv6).
// Names compare case-insensitively; a trailing dot is ignored.
bool no_proxy_matches(std::string_view list, std::string_view host, std::uint16_t port);

} // namespace mqtk::apps
