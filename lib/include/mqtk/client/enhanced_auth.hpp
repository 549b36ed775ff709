#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mqtk::client {

// The MQTT 5.0 enhanced authentication methods the client speaks (client_options::auth_method).
inline constexpr std::string_view enhanced_auth_methods = "SCRAM-SHA-1, SCRAM-SHA-256 or SCRAM-SHA-512";

// Why method cannot authenticate username with password (not a method the client speaks, no user
// name or password, a character SCRAM does not allow), or empty when it can.
std::string enhanced_auth_error(std::string_view method, const std::optional<std::string> &username,
                                const std::optional<std::string> &password);

} // namespace mqtk::client
