// Encoding of SUBSCRIBE, SUBACK, UNSUBSCRIBE and UNSUBACK.
#include "detail/encode_frame.hpp"
#include "detail/property_codec.hpp"
#include "detail/reason_tables.hpp"
#include "detail/text_rules.hpp"

#include "mqtk/protocol/codec.hpp"

#include <algorithm>

namespace mqtk::protocol {
namespace {

using namespace detail;

bool subscription_encodable(const subscription &s) {
  return is_topic_filter_text(s.filter) && s.options.max_qos <= qos::exactly_once &&
         s.options.retain_handling <= 2;
}

std::uint8_t options_byte(const subscribe_options &o, bool v5) {
  unsigned byte = static_cast<unsigned>(o.max_qos);
  if (v5) {
    byte |=
        (o.no_local ? 0x04U : 0U) | (o.retain_as_published ? 0x08U : 0U) | (unsigned{o.retain_handling} << 4);
  }
  return static_cast<std::uint8_t>(byte);
}

// The 3.x SUBACK return code for a reason: the granted QoS, or 0x80 for any failure; 0xFF if none.
std::uint8_t v3_suback_code(reason_code reason) {
  const auto code = static_cast<std::uint8_t>(reason);
  return code <= 0x02 ? code : is_error(reason) ? 0x80 : 0xFF;
}

bool reasons_allowed(packet_type type, const std::vector<reason_code> &reasons) {
  return std::ranges::all_of(
      reasons, [type](reason_code r) { return reason_allowed(type, static_cast<std::uint8_t>(r)); });
}

} // namespace

std::error_code encode(const subscribe &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  const bool v5 = options.version == protocol_version::v5;
  if (p.packet_id == 0 || p.subscriptions.empty() ||
      !std::ranges::all_of(p.subscriptions, subscription_encodable) ||
      (v5 && !properties_encodable(p.props, scope_of(packet_type::subscribe)))) {
    return detail::invalid_argument();
  }
  return encode_frame(0x82, options, out, [&](auto &sink) {
    put_u16(sink, p.packet_id);
    if (v5) {
      put_properties(sink, p.props);
    }
    for (const subscription &s : p.subscriptions) {
      put_string(sink, s.filter);
      sink.put(options_byte(s.options, v5));
    }
  });
}

std::error_code encode(const suback &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  const bool v5 = options.version == protocol_version::v5;
  const bool reasons_ok =
      v5 ? reasons_allowed(packet_type::suback, p.reasons)
         : std::ranges::none_of(p.reasons, [](reason_code r) { return v3_suback_code(r) == 0xFF; });
  if (p.packet_id == 0 || p.reasons.empty() || !reasons_ok ||
      (v5 && !properties_encodable(p.props, scope_of(packet_type::suback)))) {
    return detail::invalid_argument();
  }
  return encode_frame(0x90, options, out, [&](auto &sink) {
    put_u16(sink, p.packet_id);
    if (v5) {
      put_properties(sink, p.props);
    }
    for (reason_code r : p.reasons) {
      sink.put(v5 ? static_cast<std::uint8_t>(r) : v3_suback_code(r));
    }
  });
}

std::error_code encode(const unsubscribe &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  const bool v5 = options.version == protocol_version::v5;
  if (p.packet_id == 0 || p.filters.empty() || !std::ranges::all_of(p.filters, is_topic_filter_text) ||
      (v5 && !properties_encodable(p.props, scope_of(packet_type::unsubscribe)))) {
    return detail::invalid_argument();
  }
  return encode_frame(0xA2, options, out, [&](auto &sink) {
    put_u16(sink, p.packet_id);
    if (v5) {
      put_properties(sink, p.props);
    }
    for (std::string_view filter : p.filters) {
      put_string(sink, filter);
    }
  });
}

std::error_code encode(const unsuback &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  const bool v5 = options.version == protocol_version::v5;
  if (p.packet_id == 0 || (v5 && (p.reasons.empty() || !reasons_allowed(packet_type::unsuback, p.reasons) ||
                                  !properties_encodable(p.props, scope_of(packet_type::unsuback))))) {
    return detail::invalid_argument();
  }
  return encode_frame(0xB0, options, out, [&](auto &sink) {
    put_u16(sink, p.packet_id);
    if (v5) {
      put_properties(sink, p.props);
      for (reason_code r : p.reasons) {
        sink.put(static_cast<std::uint8_t>(r));
      }
    }
  });
}

} // namespace mqtk::protocol
