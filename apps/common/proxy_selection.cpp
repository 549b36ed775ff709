#include "common/proxy_selection.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstdlib>
#include <cstring>

namespace mqtk::apps {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Percent-decodes text; false on a malformed escape.
bool percent_decode(std::string_view text, std::string &out) {
  out.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size())
      return false;
    const int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
    if (high < 0 || low < 0)
      return false;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return true;
}

bool parse_port(std::string_view text, std::uint16_t &port) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string_view::npos)
    return false;
  const unsigned long value = std::strtoul(std::string(text).c_str(), nullptr, 10);
  if (value == 0 || value > 65535)
    return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// Splits "host[:port]" / "[v6][:port]" into host and port text (empty when absent).
bool split_host_port(std::string_view text, std::string_view &host, std::string_view &port) {
  port = {};
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos)
      return false;
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return false;
      port = rest.substr(1);
      if (port.empty())
        return false;
    }
    return true;
  }
  const std::size_t colon = text.rfind(':');
  if (colon != std::string_view::npos && text.find(':') == colon) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    return !port.empty();
  }
  host = text; // no port, or a bare IPv6 address
  return true;
}

// An IP address as 16 bytes (IPv4 mapped to ::ffff:a.b.c.d), and its family.
struct ip_address {
  std::array<unsigned char, 16> bytes{};
  bool v4 = false;
};

std::optional<ip_address> parse_ip(std::string_view text) {
  const std::string s(text);
  ip_address ip;
  in_addr a4{};
  if (::inet_pton(AF_INET, s.c_str(), &a4) == 1) {
    ip.v4 = true;
    ip.bytes[10] = ip.bytes[11] = 0xff;
    std::memcpy(ip.bytes.data() + 12, &a4, 4);
    return ip;
  }
  in6_addr a6{};
  if (::inet_pton(AF_INET6, s.c_str(), &a6) == 1) {
    std::memcpy(ip.bytes.data(), &a6, 16);
    return ip;
  }
  return std::nullopt;
}

// True when the first bits of a and b agree.
bool same_prefix(const ip_address &a, const ip_address &b, unsigned bits) {
  for (unsigned i = 0; i < 16 && bits > 0; ++i) {
    const unsigned take = bits >= 8 ? 8 : bits;
    const unsigned mask = (0xffu << (8 - take)) & 0xffu;
    if ((a.bytes[i] & mask) != (b.bytes[i] & mask))
      return false;
    bits -= take;
  }
  return true;
}

std::string_view trim_dot(std::string_view name) {
  if (!name.empty() && name.back() == '.')
    name.remove_suffix(1);
  return name;
}

// One NO_PROXY entry (without its port) against host.
bool entry_matches(std::string_view entry, std::string_view host) {
  const std::size_t slash = entry.find('/');
  const auto host_ip = parse_ip(host);
  if (slash != std::string_view::npos) {
    const auto network = parse_ip(entry.substr(0, slash));
    std::uint16_t bits = 0;
    const std::string_view bits_text = entry.substr(slash + 1);
    if (!network || !host_ip || network->v4 != host_ip->v4)
      return false;
    if (bits_text != "0" && !parse_port(bits_text, bits))
      return false;
    const unsigned max = network->v4 ? 32 : 128;
    if (bits > max)
      return false;
    return same_prefix(*network, *host_ip, bits + (network->v4 ? 96u : 0u));
  }
  if (const auto entry_ip = parse_ip(entry))
    return host_ip && entry_ip->bytes == host_ip->bytes;
  if (!entry.empty() && entry.front() == '.')
    entry.remove_prefix(1);
  entry = trim_dot(entry);
  host = trim_dot(host);
  if (entry.empty())
    return false;
  if (iequals(entry, host))
    return true;
  return host.size() > entry.size() && host[host.size() - entry.size() - 1] == '.' &&
         iequals(host.substr(host.size() - entry.size()), entry);
}

std::optional<named_value> read_variable(const char *lower_name, const char *upper_name) {
  for (const char *name : {lower_name, upper_name}) {
    const char *value = std::getenv(name);
    if (value != nullptr && *value != '\0')
      return named_value{name, value};
  }
  return std::nullopt;
}

} // namespace

proxy_url_result parse_proxy_url(std::string_view url) {
  proxy_url_result result;
  auto fail = [&](std::string message) {
    result.error = "proxy URL: " + std::move(message);
    return result;
  };
  proxy_url &p = result.value;
  std::string_view rest = url;
  if (const std::size_t sep = url.find("://"); sep != std::string_view::npos) {
    const std::string_view name = url.substr(0, sep);
    if (iequals(name, "socks5"))
      p.kind = proxy_kind::socks5;
    else if (iequals(name, "socks5h"))
      p.kind = proxy_kind::socks5h;
    else if (iequals(name, "http"))
      p.kind = proxy_kind::http;
    else
      return fail("unknown scheme '" + std::string(name) + "' (use socks5://, socks5h:// or http://)");
    rest = url.substr(sep + 3);
  } else {
    p.kind = proxy_kind::http;
  }
  if (const std::size_t end = rest.find_first_of("/?#"); end != std::string_view::npos) {
    if (rest.substr(end) != "/")
      return fail("a proxy URL has no path");
    rest = rest.substr(0, end);
  }
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    std::string decoded;
    if (!percent_decode(userinfo.substr(0, colon), decoded))
      return fail("bad percent escape in the user name");
    p.username = decoded;
    if (colon != std::string_view::npos) {
      if (!percent_decode(userinfo.substr(colon + 1), decoded))
        return fail("bad percent escape in the password");
      p.password = decoded;
    }
    rest = rest.substr(at + 1);
  }
  std::string_view host, port;
  if (!split_host_port(rest, host, port) || host.empty())
    return fail("missing or malformed host");
  if (!port.empty() && !parse_port(port, p.port))
    return fail("port '" + std::string(port) + "' is not a number from 1 to 65535");
  p.host = std::string(host);
  return result;
}

std::string to_display_url(const proxy_url &p) {
  const char *scheme = p.kind == proxy_kind::socks5 ? "socks5" : p.kind == proxy_kind::socks5h ? "socks5h" : "http";
  std::string out = std::string(scheme) + "://";
  if (p.username)
    out += *p.username + (p.password ? ":****" : "") + "@";
  out += p.host.find(':') != std::string::npos ? "[" + p.host + "]" : p.host;
  return out + ":" + std::to_string(p.port);
}

proxy_environment proxy_environment::from_process() {
  proxy_environment env;
  env.all_proxy = read_variable("all_proxy", "ALL_PROXY");
  env.https_proxy = read_variable("https_proxy", "HTTPS_PROXY");
  env.http_proxy = read_variable("http_proxy", "HTTP_PROXY");
  env.no_proxy = read_variable("no_proxy", "NO_PROXY");
  return env;
}

bool no_proxy_matches(std::string_view list, std::string_view host, std::uint16_t port) {
  std::size_t start = 0;
  while (start < list.size()) {
    std::size_t end = list.find_first_of(", \t", start);
    if (end == std::string_view::npos)
      end = list.size();
    const std::string_view entry = list.substr(start, end - start);
    start = end + 1;
    if (entry.empty())
      continue;
    if (entry == "*")
      return true;
    std::string_view entry_host, entry_port;
    const bool cidr = entry.find('/') != std::string_view::npos;
    if (cidr || !split_host_port(entry, entry_host, entry_port)) {
      entry_host = entry;
      entry_port = {};
    }
    std::uint16_t wanted = 0;
    if (!entry_port.empty() && (!parse_port(entry_port, wanted) || wanted != port))
      continue;
    if (entry_matches(entry_host, host))
      return true;
  }
  return false;
}

proxy_choice select_proxy(const std::optional<std::string> &flag, bool no_proxy_flag, const proxy_environment &env,
                          const net::endpoint &target) {
  proxy_choice choice;
  const bool unix_socket = target.kind == net::scheme::unix_socket;
  if (flag) {
    if (unix_socket) {
      choice.error = "--proxy cannot be used with a Unix socket connection";
      return choice;
    }
    auto parsed = parse_proxy_url(*flag);
    if (!parsed.error.empty()) {
      choice.error = "--proxy: " + parsed.error;
      return choice;
    }
    choice.proxy = std::move(parsed.value);
    choice.reason = "--proxy";
    return choice;
  }
  if (no_proxy_flag) {
    choice.reason = "--no-proxy";
    return choice;
  }
  if (unix_socket)
    return choice;
  const std::optional<named_value> *variable = &env.all_proxy;
  const bool secure = net::uses_tls(target.kind);
  if (secure && env.https_proxy)
    variable = &env.https_proxy;
  else if (target.kind == net::scheme::ws && env.http_proxy)
    variable = &env.http_proxy;
  if (!*variable)
    return choice;
  if (env.no_proxy && no_proxy_matches(env.no_proxy->value, target.host, target.port)) {
    choice.reason = target.host + " matches " + env.no_proxy->name;
    return choice;
  }
  auto parsed = parse_proxy_url((*variable)->value);
  if (!parsed.error.empty()) {
    choice.error = (*variable)->name + ": " + parsed.error;
    return choice;
  }
  choice.proxy = std::move(parsed.value);
  choice.reason = "from " + (*variable)->name;
  return choice;
}

} // namespace mqtk::apps
