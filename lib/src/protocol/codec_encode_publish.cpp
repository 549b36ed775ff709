// Encoding of PUBLISH and its acknowledgements PUBACK, PUBREC, PUBREL and PUBCOMP.
#include "detail/encode_frame.hpp"
#include "detail/property_codec.hpp"
#include "detail/reason_tables.hpp"
#include "detail/text_rules.hpp"

#include "mqtk/protocol/codec.hpp"

namespace mqtk::protocol {
namespace {

using namespace detail;

bool publish_encodable(const publish &p, bool v5) {
  if (p.qos > qos::exactly_once || (p.qos != qos::at_most_once && p.packet_id == 0) ||
      (p.qos == qos::at_most_once && p.dup) || !is_topic_name_text(p.topic)) {
    return false;
  }
  if (!v5) {
    return !p.topic.empty();
  }
  return (!p.topic.empty() || p.props.topic_alias) &&
         properties_encodable(p.props, scope_of(packet_type::publish));
}

template <packet_type Type>
std::error_code encode_response(const publish_response<Type> &p, const encode_options &options,
                                std::vector<std::uint8_t> &out) {
  const bool v5 = options.version == protocol_version::v5;
  const auto code = static_cast<std::uint8_t>(p.reason);
  if (p.packet_id == 0 ||
      (v5 && (!reason_allowed(Type, code) || !properties_encodable(p.props, scope_of(Type))))) {
    return invalid_argument();
  }
  const auto first_byte = static_cast<std::uint8_t>((static_cast<unsigned>(Type) << 4) |
                                                    (Type == packet_type::pubrel ? 0x02 : 0x00));
  return encode_frame(first_byte, options, out, [&](auto &sink) {
    put_u16(sink, p.packet_id);
    if (!v5 || (p.reason == reason_code::success && p.props.empty())) {
      return; // 3.x form, or the 5.0 short form: Remaining Length 2 means Success without properties
    }
    sink.put(code);
    if (!p.props.empty()) {
      put_properties(sink, p.props);
    }
  });
}

} // namespace

std::error_code encode(const publish &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  const bool v5 = options.version == protocol_version::v5;
  if (!publish_encodable(p, v5)) {
    return detail::invalid_argument();
  }
  const auto first_byte = static_cast<std::uint8_t>(
      0x30 | (p.dup ? 0x08 : 0) | (static_cast<unsigned>(p.qos) << 1) | (p.retain ? 0x01 : 0));
  return encode_frame(first_byte, options, out, [&](auto &sink) {
    put_string(sink, p.topic);
    if (p.qos != qos::at_most_once) {
      put_u16(sink, p.packet_id);
    }
    if (v5) {
      put_properties(sink, p.props);
    }
    sink.put(p.payload);
  });
}

std::error_code encode(const puback &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  return encode_response(p, options, out);
}

std::error_code encode(const pubrec &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  return encode_response(p, options, out);
}

std::error_code encode(const pubrel &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  return encode_response(p, options, out);
}

std::error_code encode(const pubcomp &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  return encode_response(p, options, out);
}

} // namespace mqtk::protocol
