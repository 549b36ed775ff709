// URL parsing for broker addresses: pure string handling, no I/O.
#include "mqtk/net/url.hpp"

#include <array>
#include <charconv>

namespace mqtk::net {
namespace {

struct scheme_entry {
  std::string_view name;
  scheme kind;
};

constexpr std::array<scheme_entry, 5> schemes{{
    {"mqtt", scheme::mqtt},
    {"mqtts", scheme::mqtts},
    {"ws", scheme::ws},
    {"wss", scheme::wss},
    {"unix", scheme::unix_socket},
}};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i])
      return false;
  }
  return true;
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
  if (is_digit(c))
    return c - '0';
  return (c | 0x20) - 'a' + 10;
}

// Decodes %XX escapes; false on a malformed escape.
bool percent_decode(std::string_view in, std::string &out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size())
      return false;
    if (!is_hex(in[i + 1]) || !is_hex(in[i + 2]))
      return false;
    out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
    i += 2;
  }
  return true;
}

// Encodes everything outside RFC 3986 "unreserved" plus the given extra characters.
std::string percent_encode(std::string_view in, std::string_view keep) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (char c : in) {
    if (is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      auto u = static_cast<unsigned char>(c);
      out += '%';
      out += digits[u >> 4];
      out += digits[u & 0x0f];
    }
  }
  return out;
}

bool valid_reg_name(std::string_view host) {
  for (char c : host)
    if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_' && c != '~')
      return false;
  return true;
}

bool valid_ipv6_literal(std::string_view host) {
  if (host.find(':') == std::string_view::npos)
    return false;
  std::string_view address = host.substr(0, host.find('%'));
  for (char c : address)
    if (!is_hex(c) && c != ':' && c != '.')
      return false;
  return true;
}

// Splits "user[:password]" into the endpoint's credentials.
std::string parse_userinfo(std::string_view info, endpoint &ep) {
  std::size_t colon = info.find(':');
  std::string decoded;
  if (!percent_decode(info.substr(0, colon), decoded))
    return "invalid percent-encoding in user name";
  ep.username = decoded;
  if (colon != std::string_view::npos) {
    if (!percent_decode(info.substr(colon + 1), decoded))
      return "invalid percent-encoding in password";
    ep.password = decoded;
  }
  return {};
}

// Parses "host[:port]" or "[v6]:port" of a TCP-based URL.
std::string parse_host_port(std::string_view hp, endpoint &ep) {
  std::string_view port_text;
  bool has_port = false;
  if (!hp.empty() && hp.front() == '[') {
    std::size_t close = hp.find(']');
    if (close == std::string_view::npos)
      return "unterminated IPv6 address (missing ']')";
    std::string host;
    if (!percent_decode(hp.substr(1, close - 1), host) || !valid_ipv6_literal(host))
      return "invalid IPv6 address '" + std::string(hp.substr(1, close - 1)) + "'";
    ep.host = std::move(host);
    std::string_view rest = hp.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        return "unexpected characters after IPv6 address";
      has_port = true;
      port_text = rest.substr(1);
    }
  } else {
    std::size_t colon = hp.rfind(':');
    std::string_view host = hp.substr(0, colon);
    if (colon != std::string_view::npos) {
      if (host.find(':') != std::string_view::npos)
        return "IPv6 address must be in brackets, e.g. [::1]:1883";
      has_port = true;
      port_text = hp.substr(colon + 1);
    }
    if (host.empty())
      return "missing host name";
    if (!valid_reg_name(host))
      return "invalid host name '" + std::string(host) + "'";
    ep.host = std::string(host);
  }
  if (ep.host.empty())
    return "missing host name";
  ep.port = default_port(ep.kind);
  if (has_port) {
    if (port_text.empty())
      return "missing port number after ':'";
    for (char c : port_text)
      if (!is_digit(c))
        return "invalid port '" + std::string(port_text) + "'";
    unsigned long value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535)
      return "port out of range";
    ep.port = static_cast<std::uint16_t>(value);
  }
  return {};
}

std::string parse_unix(std::string_view rest, endpoint &ep) {
  std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    if (auto error = parse_userinfo(authority.substr(0, at), ep); !error.empty())
      return error;
    authority = authority.substr(at + 1);
  }
  if (!authority.empty() && !iequals(authority, "localhost"))
    return "unix URL takes no host; write unix:///path/to/socket";
  if (slash == std::string_view::npos || slash + 1 == rest.size())
    return "missing socket path; write unix:///path/to/socket";
  if (!percent_decode(rest.substr(slash), ep.unix_path))
    return "invalid percent-encoding in socket path";
  ep.host.clear();
  ep.port = 0;
  return {};
}

std::string parse(std::string_view url, endpoint &ep) {
  if (url.empty())
    return "empty URL";
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return "URL contains a space or control character";
  std::size_t sep = url.find("://");
  std::size_t name_end = 0;
  while (name_end < url.size() && (is_alpha(url[name_end]) || is_digit(url[name_end]) ||
                                   url[name_end] == '+' || url[name_end] == '-' || url[name_end] == '.'))
    ++name_end;
  if (sep == std::string_view::npos || sep != name_end || sep == 0)
    return "missing URL scheme (expected mqtt://, mqtts://, ws://, wss:// or unix://)";
  std::string_view name = url.substr(0, sep);
  bool known = false;
  for (const auto &entry : schemes) {
    if (iequals(name, entry.name)) {
      ep.kind = entry.kind;
      known = true;
    }
  }
  if (!known)
    return "unknown URL scheme '" + std::string(name) + "'";
  std::string_view rest = url.substr(sep + 3);
  if (ep.kind == scheme::unix_socket)
    return parse_unix(rest, ep);

  bool web = uses_websocket(ep.kind);
  std::size_t authority_end = rest.find_first_of(web ? "/?#" : "/");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    if (auto error = parse_userinfo(authority.substr(0, at), ep); !error.empty())
      return error;
    authority = authority.substr(at + 1);
  }
  if (auto error = parse_host_port(authority, ep); !error.empty())
    return error;
  if (!web) {
    ep.path = std::string(tail);
    return {};
  }
  tail = tail.substr(0, tail.find('#'));
  if (tail.empty() || tail.front() == '?')
    ep.path = std::string(default_ws_path) + std::string(tail);
  else
    ep.path = std::string(tail);
  return {};
}

} // namespace

url_result parse_url(std::string_view url) {
  url_result result;
  result.value.host.clear();
  result.error = parse(url, result.value);
  if (!result.error.empty())
    result.value = endpoint{};
  return result;
}

std::uint16_t default_port(scheme kind) noexcept {
  switch (kind) {
  case scheme::mqtt:
    return 1883;
  case scheme::mqtts:
    return 8883;
  case scheme::ws:
    return 80;
  case scheme::wss:
    return 443;
  case scheme::unix_socket:
    break;
  }
  return 0;
}

std::string_view scheme_name(scheme kind) noexcept {
  for (const auto &entry : schemes)
    if (entry.kind == kind)
      return entry.name;
  return "mqtt";
}

bool uses_tls(scheme kind) noexcept {
  return kind == scheme::mqtts || kind == scheme::wss;
}

bool uses_websocket(scheme kind) noexcept {
  return kind == scheme::ws || kind == scheme::wss;
}

std::string host_port(const endpoint &ep) {
  if (ep.kind == scheme::unix_socket)
    return ep.unix_path;
  std::string out = ep.host.find(':') != std::string::npos ? "[" + ep.host + "]" : ep.host;
  return out + ":" + std::to_string(ep.port);
}

std::string to_url(const endpoint &ep, bool show_password) {
  std::string out(scheme_name(ep.kind));
  out += "://";
  if (ep.username) {
    out += percent_encode(*ep.username, "!$&'()*+,;=");
    if (ep.password)
      out += ":" + (show_password ? percent_encode(*ep.password, "!$&'()*+,;=") : std::string("****"));
    out += '@';
  }
  if (ep.kind == scheme::unix_socket)
    return out + percent_encode(ep.unix_path, "/!$&'()*+,;=:@");
  std::string host = ep.host;
  if (host.find(':') != std::string::npos)
    host = "[" + percent_encode(host, ":") + "]";
  return out + host + ":" + std::to_string(ep.port) + ep.path;
}

} // namespace mqtk::net
