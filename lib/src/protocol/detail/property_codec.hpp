#pragma once

#include "detail/fault.hpp"
#include "detail/property_table.hpp"
#include "detail/wire_reader.hpp"
#include "detail/wire_writer.hpp"
#include "mqtk/protocol/properties.hpp"

#include <cstdint>

// Reading and writing a Property Length followed by its properties (spec 2.2.2).
namespace mqtk::protocol::detail {

// Calls f(id, value) for every present property, in identifier order. value is std::uint8_t,
// std::uint16_t, std::uint32_t, std::string_view, bytes_view or user_property.
template <class F> void for_each_property(const properties &p, F &&f) {
  auto one = [&f](property_id id, const auto &field) {
    if (field) {
      f(id, *field);
    }
  };
  one(property_id::payload_format_indicator, p.payload_format_indicator);
  one(property_id::message_expiry_interval, p.message_expiry_interval);
  one(property_id::content_type, p.content_type);
  one(property_id::response_topic, p.response_topic);
  one(property_id::correlation_data, p.correlation_data);
  for (std::uint32_t id : p.subscription_identifiers) {
    f(property_id::subscription_identifier, id);
  }
  one(property_id::session_expiry_interval, p.session_expiry_interval);
  one(property_id::assigned_client_identifier, p.assigned_client_identifier);
  one(property_id::server_keep_alive, p.server_keep_alive);
  one(property_id::authentication_method, p.authentication_method);
  one(property_id::authentication_data, p.authentication_data);
  one(property_id::request_problem_information, p.request_problem_information);
  one(property_id::will_delay_interval, p.will_delay_interval);
  one(property_id::request_response_information, p.request_response_information);
  one(property_id::response_information, p.response_information);
  one(property_id::server_reference, p.server_reference);
  one(property_id::reason_string, p.reason_string);
  one(property_id::receive_maximum, p.receive_maximum);
  one(property_id::topic_alias_maximum, p.topic_alias_maximum);
  one(property_id::topic_alias, p.topic_alias);
  one(property_id::maximum_qos, p.maximum_qos);
  one(property_id::retain_available, p.retain_available);
  for (const user_property &pair : p.user_properties) {
    f(property_id::user_property, pair);
  }
  one(property_id::maximum_packet_size, p.maximum_packet_size);
  one(property_id::wildcard_subscription_available, p.wildcard_subscription_available);
  one(property_id::subscription_identifier_available, p.subscription_identifier_available);
  one(property_id::shared_subscription_available, p.shared_subscription_available);
}

// Writes one property value in its wire type.
template <class Sink> void put_property_value(Sink &sink, property_id, std::uint8_t value) {
  sink.put(value);
}
template <class Sink> void put_property_value(Sink &sink, property_id, std::uint16_t value) {
  put_u16(sink, value);
}
template <class Sink> void put_property_value(Sink &sink, property_id id, std::uint32_t value) {
  if (id == property_id::subscription_identifier) {
    put_vbi(sink, value);
  } else {
    put_u32(sink, value);
  }
}
template <class Sink> void put_property_value(Sink &sink, property_id, std::string_view value) {
  put_string(sink, value);
}
template <class Sink> void put_property_value(Sink &sink, property_id, bytes_view value) {
  put_binary(sink, value);
}
template <class Sink> void put_property_value(Sink &sink, property_id, const user_property &value) {
  put_string(sink, value.key);
  put_string(sink, value.value);
}

// Writes the properties without their length.
template <class Sink> void put_property_list(Sink &sink, const properties &p) {
  for_each_property(p, [&sink](property_id id, const auto &value) {
    sink.put(static_cast<std::uint8_t>(id));
    put_property_value(sink, id, value);
  });
}

// Writes Property Length and the properties (validated by properties_encodable).
template <class Sink> void put_properties(Sink &sink, const properties &p) {
  if (p.empty()) { // most packets: one byte, without walking every property twice
    sink.put(std::uint8_t{0});
    return;
  }
  size_counter counter;
  put_property_list(counter, p);
  put_vbi(sink, static_cast<std::uint32_t>(counter.size));
  put_property_list(sink, p);
}

// True when every property may appear in scope, appears at most as often as allowed, and has a
// value the peer accepts (valid UTF-8, at most 65,535 bytes, no Protocol Error value).
bool properties_encodable(const properties &p, property_scope scope) noexcept;

// Reads a Property Length and that many bytes of properties into out (cleared first), checking
// identifiers, placement, repetition, values and UTF-8. A missing Property Length is malformed.
fault read_properties(wire_reader &reader, property_scope scope, properties &out);

} // namespace mqtk::protocol::detail
