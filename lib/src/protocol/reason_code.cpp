#include "mqtk/protocol/reason_code.hpp"

#include <cstdio>

namespace mqtk::protocol {

std::string_view reason_code_name(reason_code code) {
  switch (code) {
  case reason_code::success:
    return "Success";
  case reason_code::granted_qos_1:
    return "Granted QoS 1";
  case reason_code::granted_qos_2:
    return "Granted QoS 2";
  case reason_code::disconnect_with_will_message:
    return "Disconnect with Will Message";
  case reason_code::no_matching_subscribers:
    return "No matching subscribers";
  case reason_code::no_subscription_existed:
    return "No subscription existed";
  case reason_code::continue_authentication:
    return "Continue authentication";
  case reason_code::re_authenticate:
    return "Re-authenticate";
  case reason_code::unspecified_error:
    return "Unspecified error";
  case reason_code::malformed_packet:
    return "Malformed Packet";
  case reason_code::protocol_error:
    return "Protocol Error";
  case reason_code::implementation_specific_error:
    return "Implementation specific error";
  case reason_code::unsupported_protocol_version:
    return "Unsupported Protocol Version";
  case reason_code::client_identifier_not_valid:
    return "Client Identifier not valid";
  case reason_code::bad_user_name_or_password:
    return "Bad User Name or Password";
  case reason_code::not_authorized:
    return "Not authorized";
  case reason_code::server_unavailable:
    return "Server unavailable";
  case reason_code::server_busy:
    return "Server busy";
  case reason_code::banned:
    return "Banned";
  case reason_code::server_shutting_down:
    return "Server shutting down";
  case reason_code::bad_authentication_method:
    return "Bad authentication method";
  case reason_code::keep_alive_timeout:
    return "Keep Alive timeout";
  case reason_code::session_taken_over:
    return "Session taken over";
  case reason_code::topic_filter_invalid:
    return "Topic Filter invalid";
  case reason_code::topic_name_invalid:
    return "Topic Name invalid";
  case reason_code::packet_identifier_in_use:
    return "Packet Identifier in use";
  case reason_code::packet_identifier_not_found:
    return "Packet Identifier not found";
  case reason_code::receive_maximum_exceeded:
    return "Receive Maximum exceeded";
  case reason_code::topic_alias_invalid:
    return "Topic Alias invalid";
  case reason_code::packet_too_large:
    return "Packet too large";
  case reason_code::message_rate_too_high:
    return "Message rate too high";
  case reason_code::quota_exceeded:
    return "Quota exceeded";
  case reason_code::administrative_action:
    return "Administrative action";
  case reason_code::payload_format_invalid:
    return "Payload format invalid";
  case reason_code::retain_not_supported:
    return "Retain not supported";
  case reason_code::qos_not_supported:
    return "QoS not supported";
  case reason_code::use_another_server:
    return "Use another server";
  case reason_code::server_moved:
    return "Server moved";
  case reason_code::shared_subscriptions_not_supported:
    return "Shared Subscriptions not supported";
  case reason_code::connection_rate_exceeded:
    return "Connection rate exceeded";
  case reason_code::maximum_connect_time:
    return "Maximum connect time";
  case reason_code::subscription_identifiers_not_supported:
    return "Subscription Identifiers not supported";
  case reason_code::wildcard_subscriptions_not_supported:
    return "Wildcard Subscriptions not supported";
  }
  return "Unknown";
}

reason_code from_v3_connack_return_code(std::uint8_t code) {
  switch (code) {
  case 0:
    return reason_code::success;
  case 1:
    return reason_code::unsupported_protocol_version;
  case 2:
    return reason_code::client_identifier_not_valid;
  case 3:
    return reason_code::server_unavailable;
  case 4:
    return reason_code::bad_user_name_or_password;
  case 5:
    return reason_code::not_authorized;
  default:
    return reason_code::unspecified_error;
  }
}

std::uint8_t to_v3_connack_return_code(reason_code code) {
  switch (code) {
  case reason_code::success:
    return 0;
  case reason_code::unsupported_protocol_version:
    return 1;
  case reason_code::client_identifier_not_valid:
    return 2;
  case reason_code::bad_user_name_or_password:
  case reason_code::bad_authentication_method:
    return 4;
  case reason_code::not_authorized:
  case reason_code::banned:
    return 5;
  default:
    return 3; // every other refusal: "Server unavailable"
  }
}

std::string_view v3_connack_return_code_name(std::uint8_t code) {
  switch (code) {
  case 0:
    return "connection accepted";
  case 1:
    return "unacceptable protocol version";
  case 2:
    return "identifier rejected";
  case 3:
    return "server unavailable";
  case 4:
    return "bad user name or password";
  case 5:
    return "not authorized";
  default:
    return "unknown";
  }
}

std::string connack_result_text(reason_code reason, std::optional<std::uint8_t> return_code) {
  if (!return_code)
    return reason_code_text(reason);
  return "return code " + std::to_string(*return_code) + ", " +
         std::string(v3_connack_return_code_name(*return_code)) + " (read as " + reason_code_text(reason) +
         ")";
}

std::string reason_code_text(reason_code code) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(code));
  return std::string(reason_code_name(code)) + " (" + hex + ")";
}

} // namespace mqtk::protocol
