// make_connector: validates options, loads TLS material once, and creates transports by scheme.
#include "cores.hpp"
#include "tls_context.hpp"
#include "tls_session_pool.hpp"
#include "transport_core.hpp"

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace mqtk::net {
namespace {

using detail::connect_settings;

class connector_impl final : public connector {
public:
  connector_impl(boost::asio::io_context &io, std::shared_ptr<const connect_settings> settings)
      : io_(io), settings_(std::move(settings)) {}

  std::unique_ptr<transport> create(transport_handler &handler) override {
    std::shared_ptr<detail::transport_core> core;
    switch (settings_->target.kind) {
    case scheme::mqtt:
      core = detail::make_tcp_core(io_, handler, settings_);
      break;
    case scheme::mqtts:
      core = detail::make_tls_core(io_, handler, settings_);
      break;
    case scheme::ws:
    case scheme::wss:
      core = detail::make_ws_core(io_, handler, settings_);
      break;
    case scheme::unix_socket:
      core = detail::make_unix_core(io_, handler, settings_);
      break;
    }
    return std::make_unique<detail::owning_transport>(std::move(core));
  }

  const endpoint &target() const noexcept override { return settings_->target; }

private:
  boost::asio::io_context &io_;
  std::shared_ptr<const connect_settings> settings_;
};

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20))
      return false;
  return true;
}

// Parses "Name: value" entries; returns an error message or empty.
std::string parse_headers(const std::vector<std::string> &lines,
                          std::vector<std::pair<std::string, std::string>> &out) {
  for (const auto &line : lines) {
    std::size_t colon = line.find(':');
    std::string_view name = std::string_view(line).substr(0, colon);
    bool valid = colon != std::string::npos && !name.empty();
    for (char c : name)
      valid = valid && is_token_char(c);
    for (char c : line)
      valid = valid && c != '\r' && c != '\n';
    if (!valid)
      return "invalid WebSocket header '" + line + "' (expected 'Name: value')";
    for (std::string_view reserved : {"Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"})
      if (iequals(name, reserved))
        return "WebSocket header '" + std::string(name) + "' cannot be set";
    std::string_view value = std::string_view(line).substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
      value.remove_suffix(1);
    out.emplace_back(std::string(name), std::string(value));
  }
  return {};
}

// The settings already in use in this process with the same content, else settings itself: the
// connectors of a fleet (one per mqtk-bench client) then share one copy instead of 350 bytes each.
std::shared_ptr<const connect_settings> shared_settings(std::shared_ptr<connect_settings> settings) {
  const connect_settings &c = *settings;
  if (c.on_tls_handshake)
    return settings; // a callback cannot be compared: such settings are never shared
  std::string key = to_url(c.target, true) + '\n' + c.target.unix_path + '\n' + std::to_string(c.timeout.count()) +
                    '\n' + c.ws_subprotocol + '\n' + c.local_address + '\n' +
                    std::to_string(reinterpret_cast<std::uintptr_t>(c.tls.get())) +
                    (c.tls_release_idle_buffers ? "\nrelease" : "\nkeep") + (c.tls_sessions ? "\nresume" : "");
  for (const auto &[name, value] : c.ws_headers)
    key += '\n' + name + ": " + value;
  if (c.proxy.type != proxy_type::none)
    key += "\nproxy " + std::to_string(static_cast<int>(c.proxy.type)) + ' ' + c.proxy_display + '\n' +
           c.proxy.username.value_or("") + (c.proxy.username ? "\n+" : "\n-") +
           c.proxy.password.value_or("") + (c.proxy.password ? "\n+" : "\n-");
  static std::mutex lock;
  static std::map<std::string, std::weak_ptr<const connect_settings>> cache;
  std::lock_guard<std::mutex> guard(lock);
  auto &entry = cache[key];
  if (auto existing = entry.lock())
    return existing;
  entry = settings;
  return settings;
}

} // namespace

connector_result make_connector(boost::asio::io_context &io, const endpoint &ep,
                                const transport_options &options) {
  connector_result result;
  auto settings = std::make_shared<connect_settings>();
  settings->target = ep;
  settings->timeout = options.connect_timeout;
  settings->ws_subprotocol = options.ws_subprotocol;
  settings->arrival_timestamps = options.arrival_timestamps;
  settings->tls_release_idle_buffers = options.tls_release_idle_buffers;
  settings->on_tls_handshake = options.on_tls_handshake;
  if (ep.kind == scheme::unix_socket) {
    settings->display = "unix socket " + ep.unix_path;
    if (ep.unix_path.empty()) {
      result.error = {failure_kind::setup, make_error_code(errc::invalid_endpoint),
                      "missing Unix socket path"};
      return result;
    }
  } else {
    settings->display = host_port(ep);
    if (ep.host.empty() || ep.port == 0) {
      result.error = {failure_kind::setup, make_error_code(errc::invalid_endpoint),
                      "missing host name or port"};
      return result;
    }
  }
  if (!options.local_address.empty()) {
    if (ep.kind == scheme::unix_socket) {
      result.error = {failure_kind::setup, make_error_code(errc::invalid_endpoint),
                      "a Unix socket connection cannot bind a source address"};
      return result;
    }
    boost::system::error_code ec;
    boost::asio::ip::make_address(options.local_address, ec);
    if (ec) {
      result.error = {failure_kind::setup, make_error_code(errc::invalid_endpoint),
                      "source address '" + options.local_address + "' is not an IPv4 or IPv6 address"};
      return result;
    }
    settings->local_address = options.local_address;
  }
  if (auto error = detail::apply_proxy(options.proxy, ep, *settings); !error.empty()) {
    result.error = {failure_kind::setup, make_error_code(errc::invalid_endpoint), std::move(error)};
    return result;
  }
  if (uses_websocket(ep.kind)) {
    if (ep.path.empty() || ep.path.front() != '/')
      settings->target.path = std::string(default_ws_path) + ep.path;
    if (auto error = parse_headers(options.ws_headers, settings->ws_headers); !error.empty()) {
      result.error = {failure_kind::setup, make_error_code(errc::invalid_endpoint), std::move(error)};
      return result;
    }
  }
  if (uses_tls(ep.kind)) {
    settings->tls = detail::load_tls_context(options.tls, result.error);
    if (!settings->tls)
      return result;
    if (options.tls_resume_sessions && ep.kind == scheme::mqtts)
      settings->tls_sessions = detail::tls_session_pool::shared(to_url(ep, true), settings->tls->ssl.native_handle());
  }
  result.value = std::make_unique<connector_impl>(io, shared_settings(std::move(settings)));
  return result;
}

} // namespace mqtk::net
