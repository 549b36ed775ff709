#include "mqtk/protocol/properties.hpp"

#include <algorithm>

namespace mqtk::protocol {
namespace {

bool same_bytes(const std::optional<bytes_view> &a, const std::optional<bytes_view> &b) {
  if (a.has_value() != b.has_value()) {
    return false;
  }
  return !a || std::ranges::equal(*a, *b);
}

} // namespace

std::string_view property_name(property_id id) {
  switch (id) {
  case property_id::payload_format_indicator:
    return "payload_format_indicator";
  case property_id::message_expiry_interval:
    return "message_expiry_interval";
  case property_id::content_type:
    return "content_type";
  case property_id::response_topic:
    return "response_topic";
  case property_id::correlation_data:
    return "correlation_data";
  case property_id::subscription_identifier:
    return "subscription_identifier";
  case property_id::session_expiry_interval:
    return "session_expiry_interval";
  case property_id::assigned_client_identifier:
    return "assigned_client_identifier";
  case property_id::server_keep_alive:
    return "server_keep_alive";
  case property_id::authentication_method:
    return "authentication_method";
  case property_id::authentication_data:
    return "authentication_data";
  case property_id::request_problem_information:
    return "request_problem_information";
  case property_id::will_delay_interval:
    return "will_delay_interval";
  case property_id::request_response_information:
    return "request_response_information";
  case property_id::response_information:
    return "response_information";
  case property_id::server_reference:
    return "server_reference";
  case property_id::reason_string:
    return "reason_string";
  case property_id::receive_maximum:
    return "receive_maximum";
  case property_id::topic_alias_maximum:
    return "topic_alias_maximum";
  case property_id::topic_alias:
    return "topic_alias";
  case property_id::maximum_qos:
    return "maximum_qos";
  case property_id::retain_available:
    return "retain_available";
  case property_id::user_property:
    return "user_property";
  case property_id::maximum_packet_size:
    return "maximum_packet_size";
  case property_id::wildcard_subscription_available:
    return "wildcard_subscription_available";
  case property_id::subscription_identifier_available:
    return "subscription_identifier_available";
  case property_id::shared_subscription_available:
    return "shared_subscription_available";
  }
  return "unknown";
}

void properties::clear() noexcept {
  payload_format_indicator.reset();
  message_expiry_interval.reset();
  content_type.reset();
  response_topic.reset();
  correlation_data.reset();
  subscription_identifiers.clear();
  session_expiry_interval.reset();
  assigned_client_identifier.reset();
  server_keep_alive.reset();
  authentication_method.reset();
  authentication_data.reset();
  request_problem_information.reset();
  will_delay_interval.reset();
  request_response_information.reset();
  response_information.reset();
  server_reference.reset();
  reason_string.reset();
  receive_maximum.reset();
  topic_alias_maximum.reset();
  topic_alias.reset();
  maximum_qos.reset();
  retain_available.reset();
  user_properties.clear();
  maximum_packet_size.reset();
  wildcard_subscription_available.reset();
  subscription_identifier_available.reset();
  shared_subscription_available.reset();
}

bool properties::empty() const noexcept {
  return !payload_format_indicator && !message_expiry_interval && !content_type && !response_topic &&
         !correlation_data && subscription_identifiers.empty() && !session_expiry_interval &&
         !assigned_client_identifier && !server_keep_alive && !authentication_method &&
         !authentication_data && !request_problem_information && !will_delay_interval &&
         !request_response_information && !response_information && !server_reference && !reason_string &&
         !receive_maximum && !topic_alias_maximum && !topic_alias && !maximum_qos && !retain_available &&
         user_properties.empty() && !maximum_packet_size && !wildcard_subscription_available &&
         !subscription_identifier_available && !shared_subscription_available;
}

bool operator==(const properties &a, const properties &b) {
  return a.payload_format_indicator == b.payload_format_indicator &&
         a.message_expiry_interval == b.message_expiry_interval && a.content_type == b.content_type &&
         a.response_topic == b.response_topic && same_bytes(a.correlation_data, b.correlation_data) &&
         a.subscription_identifiers == b.subscription_identifiers &&
         a.session_expiry_interval == b.session_expiry_interval &&
         a.assigned_client_identifier == b.assigned_client_identifier &&
         a.server_keep_alive == b.server_keep_alive && a.authentication_method == b.authentication_method &&
         same_bytes(a.authentication_data, b.authentication_data) &&
         a.request_problem_information == b.request_problem_information &&
         a.will_delay_interval == b.will_delay_interval &&
         a.request_response_information == b.request_response_information &&
         a.response_information == b.response_information && a.server_reference == b.server_reference &&
         a.reason_string == b.reason_string && a.receive_maximum == b.receive_maximum &&
         a.topic_alias_maximum == b.topic_alias_maximum && a.topic_alias == b.topic_alias &&
         a.maximum_qos == b.maximum_qos && a.retain_available == b.retain_available &&
         a.user_properties == b.user_properties && a.maximum_packet_size == b.maximum_packet_size &&
         a.wildcard_subscription_available == b.wildcard_subscription_available &&
         a.subscription_identifier_available == b.subscription_identifier_available &&
         a.shared_subscription_available == b.shared_subscription_available;
}

} // namespace mqtk::protocol
