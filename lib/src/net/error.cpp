// The mqtk.net error category and the construction of human failure messages.
#include "failure.hpp"

#include <boost/asio/error.hpp>

namespace mqtk::net {
namespace {

class category final : public std::error_category {
public:
  const char *name() const noexcept override { return "mqtk.net"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
    case errc::connect_timeout:
      return "connect timed out";
    case errc::host_not_found:
      return "host not found";
    case errc::closed:
      return "connection closed by peer";
    case errc::certificate_verify_failed:
      return "certificate verification failed";
    case errc::tls_handshake_failed:
      return "TLS handshake failed";
    case errc::websocket_upgrade_failed:
      return "WebSocket upgrade failed";
    case errc::tls_setup_failed:
      return "TLS setup failed";
    case errc::invalid_endpoint:
      return "invalid endpoint";
    case errc::write_timeout:
      return "write timed out";
    case errc::source_address_unavailable:
      return "source address not available";
    case errc::proxy_failed:
      return "proxy handshake failed";
    }
    return "unknown mqtk.net error";
  }
};

} // namespace

const std::error_category &net_category() noexcept {
  static const category instance;
  return instance;
}

const char *kind_name(failure_kind kind) noexcept {
  switch (kind) {
  case failure_kind::setup:
    return "setup";
  case failure_kind::connect:
    return "connect";
  case failure_kind::tls:
    return "tls";
  case failure_kind::io:
    return "io";
  }
  return "io";
}

namespace detail {
namespace {

const char *phase_name(connect_phase phase) {
  switch (phase) {
  case connect_phase::resolve:
    return "while resolving the host name";
  case connect_phase::connect:
    return "while connecting";
  case connect_phase::proxy_handshake:
    return "during the proxy handshake";
  case connect_phase::tls_handshake:
    return "during the TLS handshake";
  case connect_phase::ws_handshake:
    return "during the WebSocket handshake";
  }
  return "while connecting";
}

std::string format_duration(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0)
    return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

// The host part of "host:port" / "[v6]:port" for DNS messages.
std::string host_of(const std::string &target) {
  std::size_t colon = target.rfind(':');
  std::string host = colon == std::string::npos ? target : target.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[')
    host = host.substr(1, host.size() - 2);
  return host;
}

} // namespace

std::error_code to_std(const boost::system::error_code &ec) {
  namespace error = boost::asio::error;
  if (ec == error::eof)
    return make_error_code(errc::closed);
  if (ec == error::host_not_found || ec == error::host_not_found_try_again || ec == error::no_data)
    return make_error_code(errc::host_not_found);
  if (ec.category() == boost::system::system_category())
    return {ec.value(), std::system_category()};
  if (ec.category() == boost::system::generic_category())
    return {ec.value(), std::generic_category()};
  return ec;
}

failure connect_failure(const std::string &target, connect_phase phase, const boost::system::error_code &ec) {
  namespace error = boost::asio::error;
  failure f{failure_kind::connect, to_std(ec), {}};
  if (phase == connect_phase::resolve) {
    std::string why = ec == error::host_not_found || ec == error::no_data ? "no such host"
                      : ec == error::host_not_found_try_again             ? "temporary DNS failure"
                                                                          : ec.message();
    f.message = "cannot resolve host '" + host_of(target) + "': " + why;
  } else {
    f.message = std::string("cannot connect to ") + target + ": " + ec.message();
    if (phase == connect_phase::connect && ec == boost::system::errc::address_not_available)
      f.message += " (no free local port: the ephemeral port range is used up for this source address)";
    if (phase != connect_phase::connect)
      f.message += std::string(" (") + phase_name(phase) + ")";
  }
  return f;
}

failure timeout_failure(const std::string &target, connect_phase phase, std::chrono::milliseconds timeout) {
  return {failure_kind::connect, make_error_code(errc::connect_timeout),
          "could not connect to " + target + " within " + format_duration(timeout) + " (timed out " +
              phase_name(phase) + ")"};
}

failure io_failure(const std::string &target, const boost::system::error_code &ec) {
  if (ec == boost::asio::error::eof)
    return {failure_kind::io, make_error_code(errc::closed),
            "connection to " + target + " closed by the broker"};
  return {failure_kind::io, to_std(ec), "connection to " + target + " lost: " + ec.message()};
}

failure write_timeout_failure(const std::string &target, std::chrono::milliseconds timeout) {
  return {failure_kind::io, make_error_code(errc::write_timeout),
          "connection to " + target + " lost: the broker stopped reading (a write did not complete within " +
              format_duration(timeout) + ")"};
}

failure setup_failure(std::string message) {
  return {failure_kind::setup, make_error_code(errc::tls_setup_failed), std::move(message)};
}

} // namespace detail
} // namespace mqtk::net
