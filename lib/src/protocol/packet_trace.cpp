#include "mqtk/protocol/packet_trace.hpp"

#include "mqtk/protocol/reason_code.hpp"

#include <string_view>

namespace mqtk::protocol {

namespace {

// "0x87 (Not authorized)".
void add_code(reason_code code, std::string &out) {
  static const char digits[] = "0123456789ABCDEF";
  const auto value = static_cast<std::uint8_t>(code);
  out += "0x";
  out += digits[value >> 4];
  out += digits[value & 15];
  out += " (";
  out += reason_code_name(code);
  out += ')';
}

void add_reason(reason_code code, std::string &out) {
  out += " rc=";
  add_code(code, out);
}

template <class T> void add_field(std::string &out, std::string_view name, const std::optional<T> &value) {
  if (!value)
    return;
  out += ' ';
  out += name;
  out += '=';
  if constexpr (std::is_same_v<T, std::string_view>) {
    out += '\'';
    out += *value;
    out += '\'';
  } else if constexpr (std::is_same_v<T, bytes_view>) {
    out += std::to_string(value->size()) + " bytes";
  } else {
    out += std::to_string(*value);
  }
}

void add_properties(const properties &p, std::string &out) {
  if (p.empty())
    return;
  out += " props{";
  const std::size_t start = out.size();
  add_field(out, "payload_format_indicator", p.payload_format_indicator);
  add_field(out, "message_expiry_interval", p.message_expiry_interval);
  add_field(out, "content_type", p.content_type);
  add_field(out, "response_topic", p.response_topic);
  add_field(out, "correlation_data", p.correlation_data);
  for (auto id : p.subscription_identifiers)
    out += " subscription_identifier=" + std::to_string(id);
  add_field(out, "session_expiry_interval", p.session_expiry_interval);
  add_field(out, "assigned_client_identifier", p.assigned_client_identifier);
  add_field(out, "server_keep_alive", p.server_keep_alive);
  add_field(out, "authentication_method", p.authentication_method);
  add_field(out, "authentication_data", p.authentication_data);
  add_field(out, "request_problem_information", p.request_problem_information);
  add_field(out, "will_delay_interval", p.will_delay_interval);
  add_field(out, "request_response_information", p.request_response_information);
  add_field(out, "response_information", p.response_information);
  add_field(out, "server_reference", p.server_reference);
  add_field(out, "reason_string", p.reason_string);
  add_field(out, "receive_maximum", p.receive_maximum);
  add_field(out, "topic_alias_maximum", p.topic_alias_maximum);
  add_field(out, "topic_alias", p.topic_alias);
  add_field(out, "maximum_qos", p.maximum_qos);
  add_field(out, "retain_available", p.retain_available);
  for (const auto &pair : p.user_properties)
    out += " user_property='" + std::string(pair.key) + "'='" + std::string(pair.value) + "'";
  add_field(out, "maximum_packet_size", p.maximum_packet_size);
  add_field(out, "wildcard_subscription_available", p.wildcard_subscription_available);
  add_field(out, "subscription_identifier_available", p.subscription_identifier_available);
  add_field(out, "shared_subscription_available", p.shared_subscription_available);
  if (out.size() > start)
    out.erase(start, 1); // the first field's leading space
  out += '}';
}

void describe_body(const connect &p, std::string &out) {
  out += " v" + std::to_string(static_cast<int>(p.version)) + " client_id='" + std::string(p.client_id) +
         "' clean=" + (p.clean_start ? "1" : "0") + " keepalive=" + std::to_string(p.keep_alive);
  if (p.username)
    out += " username='" + std::string(*p.username) + "'";
  if (p.password)
    out += " password=****";
  if (p.will) {
    out += " will{topic='" + std::string(p.will->topic) + "' q" + std::to_string(static_cast<int>(p.will->qos)) +
           " r" + (p.will->retain ? "1" : "0") + " (" + std::to_string(p.will->payload.size()) + " bytes)";
    add_properties(p.will->props, out);
    out += '}';
  }
  add_properties(p.props, out);
}

void describe_body(const connack &p, std::string &out) {
  out += std::string(" session_present=") + (p.session_present ? "1" : "0");
  if (p.return_code) {
    // 3.x: the return code on the wire, then the 5.0 reason code the library maps it to.
    out += " rc=" + std::to_string(*p.return_code) + " (" +
           std::string(v3_connack_return_code_name(*p.return_code)) + "; read as ";
    add_code(p.reason, out);
    out += ')';
  } else {
    add_reason(p.reason, out);
  }
  add_properties(p.props, out);
}

void describe_body(const publish &p, std::string &out) {
  out += " q" + std::to_string(static_cast<int>(p.qos)) + " r" + (p.retain ? "1" : "0") + " d" + (p.dup ? "1" : "0");
  if (p.packet_id != 0)
    out += " id=" + std::to_string(p.packet_id);
  out += " topic='" + std::string(p.topic) + "' (" + std::to_string(p.payload.size()) + " bytes)";
  add_properties(p.props, out);
}

template <packet_type T> void describe_body(const publish_response<T> &p, std::string &out) {
  out += " id=" + std::to_string(p.packet_id);
  add_reason(p.reason, out);
  add_properties(p.props, out);
}

void describe_body(const subscribe &p, std::string &out) {
  out += " id=" + std::to_string(p.packet_id);
  for (const auto &s : p.subscriptions)
    out += " '" + std::string(s.filter) + "' q" + std::to_string(static_cast<int>(s.options.max_qos)) +
           (s.options.no_local ? " nl" : "") + (s.options.retain_as_published ? " rap" : "") + " rh" +
           std::to_string(s.options.retain_handling);
  add_properties(p.props, out);
}

void describe_body(const unsubscribe &p, std::string &out) {
  out += " id=" + std::to_string(p.packet_id);
  for (auto f : p.filters)
    out += " '" + std::string(f) + "'";
  add_properties(p.props, out);
}

template <class Ack> void describe_ack_list(const Ack &p, std::string &out) {
  out += " id=" + std::to_string(p.packet_id);
  for (auto r : p.reasons)
    add_reason(r, out);
  add_properties(p.props, out);
}

void describe_body(const suback &p, std::string &out) { describe_ack_list(p, out); }
void describe_body(const unsuback &p, std::string &out) { describe_ack_list(p, out); }
void describe_body(const pingreq &, std::string &) {}
void describe_body(const pingresp &, std::string &) {}

void describe_body(const disconnect &p, std::string &out) {
  add_reason(p.reason, out);
  add_properties(p.props, out);
}

void describe_body(const auth &p, std::string &out) {
  add_reason(p.reason, out);
  add_properties(p.props, out);
}

} // namespace

void describe_packet(const packet &p, std::string &out) {
  out += packet_type_name(type_of(p));
  std::visit([&](const auto &body) { describe_body(body, out); }, p);
}

} // namespace mqtk::protocol
