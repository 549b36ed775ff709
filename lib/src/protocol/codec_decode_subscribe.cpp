// Decoding of SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK bodies.
#include "detail/body_decoders.hpp"
#include "detail/property_codec.hpp"
#include "detail/reason_tables.hpp"
#include "detail/text_rules.hpp"

namespace mqtk::protocol::detail {
namespace {

// Reads packet id and, in 5.0, the properties of one of these four packets.
fault read_header(wire_reader &reader, const body_context &context, packet_type type,
                  std::uint16_t &packet_id, properties &props) {
  if (fault f = read_packet_id(reader, packet_id)) {
    return f;
  }
  if (context.version == protocol_version::v5) {
    return read_properties(reader, scope_of(type), props);
  }
  props.clear();
  return {};
}

fault read_filter(wire_reader &reader, std::string_view &filter) {
  if (!reader.read_string(filter)) {
    return malformed("topic filter is truncated");
  }
  if (filter.empty()) {
    return malformed("topic filter is empty");
  }
  return is_topic_filter_text(filter) ? fault{} : malformed("topic filter is not valid UTF-8");
}

fault read_options(wire_reader &reader, protocol_version version, subscribe_options &options) {
  std::uint8_t byte = 0;
  if (!reader.read_u8(byte)) {
    return malformed("subscription options are missing");
  }
  if ((byte & (version == protocol_version::v5 ? 0xC0 : 0xFC)) != 0) {
    return malformed("reserved subscription option bits are set");
  }
  if ((byte & 0x03) == 0x03) {
    return malformed("maximum QoS is 3");
  }
  if ((byte & 0x30) == 0x30) {
    return malformed("retain handling is 3");
  }
  options.max_qos = static_cast<qos>(byte & 0x03);
  options.no_local = (byte & 0x04) != 0;
  options.retain_as_published = (byte & 0x08) != 0;
  options.retain_handling = static_cast<std::uint8_t>((byte >> 4) & 0x03);
  return {};
}

// Reads the reason codes of SUBACK (any version) or UNSUBACK (5.0).
fault read_reasons(wire_reader &reader, const body_context &context, packet_type type,
                   std::vector<reason_code> &reasons) {
  reasons.clear();
  std::uint8_t code = 0;
  while (reader.read_u8(code)) {
    const bool allowed =
        context.version == protocol_version::v5 ? reason_allowed(type, code) : (code <= 0x02 || code == 0x80);
    if (!allowed) {
      return malformed(context.version == protocol_version::v5 ? "reason code is not allowed here"
                                                               : "return code is not 0, 1, 2 or 0x80");
    }
    reasons.push_back(static_cast<reason_code>(code));
  }
  return reasons.empty() ? protocol_violation("has no reason code") : fault{};
}

} // namespace

fault decode_subscribe(wire_reader &reader, const body_context &context, subscribe &out) {
  out.subscriptions.clear();
  if (fault f = read_header(reader, context, packet_type::subscribe, out.packet_id, out.props)) {
    return f;
  }
  while (!reader.at_end()) {
    subscription s;
    if (fault f = read_filter(reader, s.filter)) {
      return f;
    }
    if (fault f = read_options(reader, context.version, s.options)) {
      return f;
    }
    out.subscriptions.push_back(s);
  }
  return out.subscriptions.empty() ? protocol_violation("has no topic filter") : fault{};
}

fault decode_suback(wire_reader &reader, const body_context &context, suback &out) {
  if (fault f = read_header(reader, context, packet_type::suback, out.packet_id, out.props)) {
    out.reasons.clear();
    return f;
  }
  return read_reasons(reader, context, packet_type::suback, out.reasons);
}

fault decode_unsubscribe(wire_reader &reader, const body_context &context, unsubscribe &out) {
  out.filters.clear();
  if (fault f = read_header(reader, context, packet_type::unsubscribe, out.packet_id, out.props)) {
    return f;
  }
  while (!reader.at_end()) {
    std::string_view filter;
    if (fault f = read_filter(reader, filter)) {
      return f;
    }
    out.filters.push_back(filter);
  }
  return out.filters.empty() ? protocol_violation("has no topic filter") : fault{};
}

fault decode_unsuback(wire_reader &reader, const body_context &context, unsuback &out) {
  out.reasons.clear();
  if (fault f = read_header(reader, context, packet_type::unsuback, out.packet_id, out.props)) {
    return f;
  }
  if (context.version != protocol_version::v5) {
    return check_end(reader); // 3.x UNSUBACK carries only the packet id
  }
  return read_reasons(reader, context, packet_type::unsuback, out.reasons);
}

} // namespace mqtk::protocol::detail
