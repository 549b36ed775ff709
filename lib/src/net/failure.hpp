#pragma once

// Builds mqtk::net::failure values from Boost error codes (private to lib/src/net).

#include "mqtk/net/error.hpp"

#include <boost/system/error_code.hpp>

#include <chrono>
#include <string>
#include <system_error>

namespace mqtk::net::detail {

// The step of async_connect that failed.
enum class connect_phase { resolve, connect, proxy_handshake, tls_handshake, ws_handshake };

// Maps a Boost/Asio error to a std::error_code: EOF -> errc::closed, DNS misses ->
// errc::host_not_found, system errors -> std::system_category().
std::error_code to_std(const boost::system::error_code &ec);

// A connect-class failure of phase against target ("host:port" or a socket path).
failure connect_failure(const std::string &target, connect_phase phase, const boost::system::error_code &ec);

// The connect timeout passed during phase.
failure timeout_failure(const std::string &target, connect_phase phase, std::chrono::milliseconds timeout);

// An established connection failed (io class); EOF reads "connection closed by the broker".
failure io_failure(const std::string &target, const boost::system::error_code &ec);

// An established connection's write did not complete within timeout (io class, errc::write_timeout).
failure write_timeout_failure(const std::string &target, std::chrono::milliseconds timeout);

// A setup-class failure with the given code and message.
failure setup_failure(std::string message);

} // namespace mqtk::net::detail
