#include "detail/property_table.hpp"

#include <array>

namespace mqtk::protocol::detail {
namespace {

constexpr std::uint16_t bit(packet_type type) {
  return static_cast<std::uint16_t>(1U << static_cast<unsigned>(type));
}

constexpr std::uint16_t will = 1U << will_scope;
constexpr std::uint16_t connect = bit(packet_type::connect);
constexpr std::uint16_t connack = bit(packet_type::connack);
constexpr std::uint16_t publish = bit(packet_type::publish);
constexpr std::uint16_t puback = bit(packet_type::puback);
constexpr std::uint16_t pubrec = bit(packet_type::pubrec);
constexpr std::uint16_t pubrel = bit(packet_type::pubrel);
constexpr std::uint16_t pubcomp = bit(packet_type::pubcomp);
constexpr std::uint16_t subscribe = bit(packet_type::subscribe);
constexpr std::uint16_t suback = bit(packet_type::suback);
constexpr std::uint16_t unsubscribe = bit(packet_type::unsubscribe);
constexpr std::uint16_t unsuback = bit(packet_type::unsuback);
constexpr std::uint16_t disconnect = bit(packet_type::disconnect);
constexpr std::uint16_t auth = bit(packet_type::auth);
constexpr std::uint16_t acks = puback | pubrec | pubrel | pubcomp;
constexpr std::uint16_t everywhere = will | connect | connack | publish | acks | subscribe | suback |
                                     unsubscribe | unsuback | disconnect | auth;

constexpr std::size_t table_size = 0x2B;

constexpr std::array<property_info, table_size> make_table() {
  std::array<property_info, table_size> t{};
  using enum property_type;
  auto set = [&t](property_id id, property_type type, std::uint16_t scopes) {
    t[static_cast<std::size_t>(id)] = {type, scopes};
  };
  set(property_id::payload_format_indicator, byte, publish | will);
  set(property_id::message_expiry_interval, four_byte, publish | will);
  set(property_id::content_type, utf8_string, publish | will);
  set(property_id::response_topic, utf8_string, publish | will);
  set(property_id::correlation_data, binary, publish | will);
  set(property_id::subscription_identifier, variable_byte, publish | subscribe);
  set(property_id::session_expiry_interval, four_byte, connect | connack | disconnect);
  set(property_id::assigned_client_identifier, utf8_string, connack);
  set(property_id::server_keep_alive, two_byte, connack);
  set(property_id::authentication_method, utf8_string, connect | connack | auth);
  set(property_id::authentication_data, binary, connect | connack | auth);
  set(property_id::request_problem_information, byte, connect);
  set(property_id::will_delay_interval, four_byte, will);
  set(property_id::request_response_information, byte, connect);
  set(property_id::response_information, utf8_string, connack);
  set(property_id::server_reference, utf8_string, connack | disconnect);
  set(property_id::reason_string, utf8_string, connack | acks | suback | unsuback | disconnect | auth);
  set(property_id::receive_maximum, two_byte, connect | connack);
  set(property_id::topic_alias_maximum, two_byte, connect | connack);
  set(property_id::topic_alias, two_byte, publish);
  set(property_id::maximum_qos, byte, connack);
  set(property_id::retain_available, byte, connack);
  set(property_id::user_property, string_pair, everywhere);
  set(property_id::maximum_packet_size, four_byte, connect | connack);
  set(property_id::wildcard_subscription_available, byte, connack);
  set(property_id::subscription_identifier_available, byte, connack);
  set(property_id::shared_subscription_available, byte, connack);
  return t;
}

constexpr std::array<property_info, table_size> table = make_table();

} // namespace

const property_info *find_property(std::uint8_t id) noexcept {
  if (id >= table.size() || table[id].scopes == 0) {
    return nullptr;
  }
  return &table[id];
}

bool property_allowed(property_id id, property_scope scope) noexcept {
  const property_info *info = find_property(static_cast<std::uint8_t>(id));
  return info != nullptr && (info->scopes & (1U << scope)) != 0;
}

std::string_view property_value_error(property_id id, std::uint32_t value) noexcept {
  switch (id) {
  case property_id::payload_format_indicator:
  case property_id::request_problem_information:
  case property_id::request_response_information:
  case property_id::maximum_qos:
  case property_id::retain_available:
  case property_id::wildcard_subscription_available:
  case property_id::subscription_identifier_available:
  case property_id::shared_subscription_available:
    return value > 1 ? "must be 0 or 1" : "";
  case property_id::receive_maximum:
  case property_id::maximum_packet_size:
    return value == 0 ? "must not be 0" : "";
  case property_id::subscription_identifier:
    return value == 0 ? "must not be 0" : value > 268'435'455 ? "is over 268,435,455" : "";
  default:
    return "";
  }
}

} // namespace mqtk::protocol::detail
