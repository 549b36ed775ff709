// SOCKS5 and HTTP CONNECT handshakes, sans I/O.
#include "proxy_handshake.hpp"

#include <arpa/inet.h>

#include <cstring>
#include <string_view>

namespace mqtk::net::detail {
namespace {

constexpr std::size_t max_http_response = 16 * 1024;

std::string base64(std::string_view in) {
  static const char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], table[v & 63]};
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {table[v >> 18], table[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], '='};
  }
  return out;
}

// Text from the proxy, printable ASCII kept, everything else as \xNN.
std::string escaped(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      static const char digits[] = "0123456789abcdef";
      out += {'\\', 'x', digits[c >> 4], digits[c & 15]};
    }
  }
  return out;
}

void append(std::vector<std::uint8_t> &out, std::string_view text) { out.insert(out.end(), text.begin(), text.end()); }

} // namespace

const char *socks5_reply_name(std::uint8_t code) noexcept {
  switch (code) {
  case 0x01:
    return "general SOCKS server failure";
  case 0x02:
    return "connection not allowed by ruleset";
  case 0x03:
    return "network unreachable";
  case 0x04:
    return "host unreachable";
  case 0x05:
    return "connection refused";
  case 0x06:
    return "TTL expired";
  case 0x07:
    return "command not supported";
  case 0x08:
    return "address type not supported";
  }
  return "unknown reply code";
}

proxy_handshake::proxy_handshake(proxy_protocol protocol, std::string target_host, std::uint16_t target_port,
                                 std::optional<std::string> username, std::optional<std::string> password)
    : protocol_(protocol), host_(std::move(target_host)), port_(target_port), username_(std::move(username)),
      password_(std::move(password)) {
  if (protocol_ == proxy_protocol::socks5) {
    step_ = step::socks_method;
    if (username_)
      out_ = {0x05, 0x02, 0x00, 0x02}; // version 5, two methods: none, user name/password
    else
      out_ = {0x05, 0x01, 0x00}; // version 5, one method: none
    return;
  }
  step_ = step::http_response;
  const std::string authority =
      (host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
  append(out_, "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n");
  if (username_)
    append(out_, "Proxy-Authorization: Basic " + base64(*username_ + ":" + password_.value_or("")) + "\r\n");
  append(out_, "\r\n");
}

proxy_status proxy_handshake::fail(std::string message) {
  step_ = step::failed;
  error_ = std::move(message);
  return proxy_status::failed;
}

std::span<const std::uint8_t> proxy_handshake::leftover() const noexcept {
  return std::span<const std::uint8_t>(in_).subspan(consumed_);
}

proxy_status proxy_handshake::feed(std::span<const std::uint8_t> bytes) {
  if (step_ == step::done)
    return proxy_status::done;
  if (step_ == step::failed)
    return proxy_status::failed;
  in_.insert(in_.end(), bytes.begin(), bytes.end());
  return protocol_ == proxy_protocol::socks5 ? socks_step() : http_step();
}

void proxy_handshake::send_socks_connect() {
  out_ = {0x05, 0x01, 0x00}; // version, CONNECT, reserved
  in6_addr a6{};
  in_addr a4{};
  if (::inet_pton(AF_INET, host_.c_str(), &a4) == 1) {
    out_.push_back(0x01);
    const auto *p = reinterpret_cast<const std::uint8_t *>(&a4);
    out_.insert(out_.end(), p, p + 4);
  } else if (::inet_pton(AF_INET6, host_.c_str(), &a6) == 1) {
    out_.push_back(0x04);
    const auto *p = reinterpret_cast<const std::uint8_t *>(&a6);
    out_.insert(out_.end(), p, p + 16);
  } else {
    out_.push_back(0x03);
    out_.push_back(static_cast<std::uint8_t>(host_.size()));
    append(out_, host_);
  }
  out_.push_back(static_cast<std::uint8_t>(port_ >> 8));
  out_.push_back(static_cast<std::uint8_t>(port_ & 0xff));
}

proxy_status proxy_handshake::socks_step() {
  {
    switch (step_) {
    case step::socks_method:
      if (in_.size() < 2)
        return proxy_status::more;
      if (in_[0] != 0x05)
        return fail("the proxy does not speak SOCKS5 (its reply starts with byte " + std::to_string(in_[0]) + ")");
      if (in_[1] == 0xff)
        return fail(username_ ? "SOCKS5 proxy accepts none of the offered authentication methods"
                              : "SOCKS5 proxy requires authentication (give user:password@ in the proxy URL)");
      if (in_[1] == 0x02 && username_) {
        if (username_->size() > 255 || password_.value_or("").size() > 255)
          return fail("SOCKS5 user name and password must be at most 255 bytes each");
        in_.erase(in_.begin(), in_.begin() + 2);
        out_ = {0x01, static_cast<std::uint8_t>(username_->size())};
        append(out_, *username_);
        out_.push_back(static_cast<std::uint8_t>(password_.value_or("").size()));
        append(out_, password_.value_or(""));
        step_ = step::socks_auth;
        return proxy_status::more;
      }
      if (in_[1] != 0x00)
        return fail("SOCKS5 proxy chose an authentication method that was not offered");
      in_.erase(in_.begin(), in_.begin() + 2);
      if (host_.size() > 255)
        return fail("SOCKS5 cannot carry a host name longer than 255 bytes");
      send_socks_connect();
      step_ = step::socks_connect;
      return proxy_status::more;
    case step::socks_auth:
      if (in_.size() < 2)
        return proxy_status::more;
      if (in_[1] != 0x00)
        return fail("SOCKS5 proxy authentication failed (status " + std::to_string(in_[1]) + ")");
      in_.erase(in_.begin(), in_.begin() + 2);
      send_socks_connect();
      step_ = step::socks_connect;
      return proxy_status::more;
    case step::socks_connect: {
      if (in_.size() < 5)
        return proxy_status::more;
      if (in_[0] != 0x05)
        return fail("SOCKS5 proxy sent a malformed reply");
      if (in_[1] != 0x00)
        return fail(std::string("SOCKS5 proxy: ") + socks5_reply_name(in_[1]) + " (reply code " +
                    std::to_string(in_[1]) + ")");
      const std::uint8_t type = in_[3];
      const std::size_t length = type == 0x01 ? 4 + 4 + 2 : type == 0x04 ? 4 + 16 + 2 : type == 0x03 ? 4 + 1 + in_[4] + 2 : 0;
      if (length == 0)
        return fail("SOCKS5 proxy sent a reply with an unknown address type");
      if (in_.size() < length)
        return proxy_status::more;
      consumed_ = length;
      step_ = step::done;
      out_.clear();
      return proxy_status::done;
    }
    default:
      return proxy_status::failed;
    }
  }
}

proxy_status proxy_handshake::http_step() {
  const std::string_view text(reinterpret_cast<const char *>(in_.data()), in_.size());
  const std::size_t end = text.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (in_.size() > max_http_response)
      return fail("HTTP proxy's answer to CONNECT is longer than 16 KiB");
    return proxy_status::more;
  }
  const std::string_view status_line = text.substr(0, text.find("\r\n"));
  const bool http = status_line.size() >= 12 && status_line.substr(0, 5) == "HTTP/" && status_line[8] == ' ';
  if (!http)
    return fail("HTTP proxy sent no HTTP status line: '" + escaped(status_line.substr(0, 200)) + "'");
  const std::string_view code = status_line.substr(9, 3);
  if (code == "407" || code == "401") // tinyproxy answers wrong credentials with 401
    return fail("HTTP proxy authentication failed: '" + escaped(status_line) + "'");
  if (code[0] != '2')
    return fail("HTTP proxy refused CONNECT: '" + escaped(status_line) + "'");
  consumed_ = end + 4;
  step_ = step::done;
  out_.clear();
  return proxy_status::done;
}

} // namespace mqtk::net::detail
