#include "detail/property_codec.hpp"
#include "detail/text_rules.hpp"

#include "mqtk/protocol/utf8.hpp"

namespace mqtk::protocol::detail {
namespace {

void store_byte(properties &out, property_id id, std::uint8_t value) {
  switch (id) {
  case property_id::payload_format_indicator:
    out.payload_format_indicator = value;
    break;
  case property_id::request_problem_information:
    out.request_problem_information = value;
    break;
  case property_id::request_response_information:
    out.request_response_information = value;
    break;
  case property_id::maximum_qos:
    out.maximum_qos = value;
    break;
  case property_id::retain_available:
    out.retain_available = value;
    break;
  case property_id::wildcard_subscription_available:
    out.wildcard_subscription_available = value;
    break;
  case property_id::subscription_identifier_available:
    out.subscription_identifier_available = value;
    break;
  case property_id::shared_subscription_available:
    out.shared_subscription_available = value;
    break;
  default:
    break;
  }
}

void store_two_byte(properties &out, property_id id, std::uint16_t value) {
  switch (id) {
  case property_id::server_keep_alive:
    out.server_keep_alive = value;
    break;
  case property_id::receive_maximum:
    out.receive_maximum = value;
    break;
  case property_id::topic_alias_maximum:
    out.topic_alias_maximum = value;
    break;
  case property_id::topic_alias:
    out.topic_alias = value;
    break;
  default:
    break;
  }
}

void store_four_byte(properties &out, property_id id, std::uint32_t value) {
  switch (id) {
  case property_id::message_expiry_interval:
    out.message_expiry_interval = value;
    break;
  case property_id::session_expiry_interval:
    out.session_expiry_interval = value;
    break;
  case property_id::will_delay_interval:
    out.will_delay_interval = value;
    break;
  case property_id::maximum_packet_size:
    out.maximum_packet_size = value;
    break;
  default:
    break;
  }
}

void store_string(properties &out, property_id id, std::string_view value) {
  switch (id) {
  case property_id::content_type:
    out.content_type = value;
    break;
  case property_id::response_topic:
    out.response_topic = value;
    break;
  case property_id::assigned_client_identifier:
    out.assigned_client_identifier = value;
    break;
  case property_id::authentication_method:
    out.authentication_method = value;
    break;
  case property_id::response_information:
    out.response_information = value;
    break;
  case property_id::server_reference:
    out.server_reference = value;
    break;
  case property_id::reason_string:
    out.reason_string = value;
    break;
  default:
    break;
  }
}

void store_binary(properties &out, property_id id, bytes_view value) {
  if (id == property_id::correlation_data) {
    out.correlation_data = value;
  } else if (id == property_id::authentication_data) {
    out.authentication_data = value;
  }
}

// Reads one property value of the given type into out.
fault read_value(wire_reader &reader, property_id id, property_type type, properties &out) {
  constexpr fault truncated = malformed("is truncated");
  constexpr fault bad_utf8 = malformed("is not valid UTF-8");
  std::uint32_t number = 0;
  switch (type) {
  case property_type::byte: {
    std::uint8_t value = 0;
    if (!reader.read_u8(value)) {
      return truncated;
    }
    store_byte(out, id, value);
    number = value;
    break;
  }
  case property_type::two_byte: {
    std::uint16_t value = 0;
    if (!reader.read_u16(value)) {
      return truncated;
    }
    store_two_byte(out, id, value);
    number = value;
    break;
  }
  case property_type::four_byte:
    if (!reader.read_u32(number)) {
      return truncated;
    }
    store_four_byte(out, id, number);
    break;
  case property_type::variable_byte:
    if (!reader.read_vbi(number)) {
      return malformed("is not a valid Variable Byte Integer");
    }
    out.subscription_identifiers.push_back(number);
    break;
  case property_type::utf8_string: {
    std::string_view value;
    if (!reader.read_string(value)) {
      return truncated;
    }
    if (!is_valid_mqtt_string(value)) {
      return bad_utf8;
    }
    if (id == property_id::response_topic && !is_topic_name_text(value)) {
      return malformed("contains a wildcard");
    }
    store_string(out, id, value);
    return {};
  }
  case property_type::binary: {
    bytes_view value;
    if (!reader.read_binary(value)) {
      return truncated;
    }
    store_binary(out, id, value);
    return {};
  }
  case property_type::string_pair: {
    user_property pair;
    if (!reader.read_string(pair.key) || !reader.read_string(pair.value)) {
      return truncated;
    }
    if (!is_valid_mqtt_string(pair.key) || !is_valid_mqtt_string(pair.value)) {
      return bad_utf8;
    }
    out.user_properties.push_back(pair);
    return {};
  }
  }
  if (std::string_view rule = property_value_error(id, number); !rule.empty()) {
    return protocol_violation(rule);
  }
  return {};
}

fault read_list(wire_reader &reader, property_scope scope, properties &out) {
  std::uint64_t seen = 0;
  while (!reader.at_end()) {
    std::uint8_t raw_id = 0;
    reader.read_u8(raw_id);
    fault f;
    const property_info *info = find_property(raw_id);
    const auto id = static_cast<property_id>(raw_id);
    const std::uint64_t id_bit = std::uint64_t{1} << (raw_id & 63);
    if (info == nullptr) {
      f = malformed("is unknown");
    } else if ((info->scopes & (1U << scope)) == 0) {
      f = malformed("is not allowed here");
    } else if ((seen & id_bit) != 0 && !property_repeatable(id, scope)) {
      f = protocol_violation("appears more than once");
    } else {
      seen |= id_bit;
      f = read_value(reader, id, info->type, out);
    }
    if (f) {
      f.property = raw_id;
      return f;
    }
  }
  if (scope == scope_of(packet_type::connect) && out.authentication_data && !out.authentication_method) {
    return {errc::protocol_error, "is present without authentication_method",
            static_cast<std::uint8_t>(property_id::authentication_data)};
  }
  return {};
}

} // namespace

fault read_properties(wire_reader &reader, property_scope scope, properties &out) {
  out.clear();
  std::uint32_t length = 0;
  bytes_view block;
  fault f;
  if (reader.at_end()) {
    f = malformed("property length is missing");
  } else if (!reader.read_vbi(length)) {
    f = malformed("property length is not a valid Variable Byte Integer");
  } else if (!reader.read_bytes(length, block)) {
    f = malformed("property length exceeds the packet");
  } else {
    wire_reader list(block);
    f = read_list(list, scope, out);
  }
  f.will = scope == will_scope;
  return f;
}

} // namespace mqtk::protocol::detail
