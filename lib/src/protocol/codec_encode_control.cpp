// Encoding of PINGREQ, PINGRESP, DISCONNECT and AUTH, and of the packet variant.
#include "detail/encode_frame.hpp"
#include "detail/property_codec.hpp"
#include "detail/reason_tables.hpp"

#include "mqtk/protocol/codec.hpp"

#include <variant>

namespace mqtk::protocol {
namespace {

using namespace detail;

} // namespace

std::error_code encode(const packet &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  return std::visit([&](const auto &alternative) { return encode(alternative, options, out); }, p);
}

std::error_code encode(const pingreq &, const encode_options &options, std::vector<std::uint8_t> &out) {
  return encode_frame(0xC0, options, out, [](auto &) {});
}

std::error_code encode(const pingresp &, const encode_options &options, std::vector<std::uint8_t> &out) {
  return encode_frame(0xD0, options, out, [](auto &) {});
}

std::error_code encode(const disconnect &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  const bool v5 = options.version == protocol_version::v5;
  if (v5 && (!reason_allowed(packet_type::disconnect, static_cast<std::uint8_t>(p.reason)) ||
             !properties_encodable(p.props, scope_of(packet_type::disconnect)))) {
    return detail::invalid_argument();
  }
  return encode_frame(0xE0, options, out, [&](auto &sink) {
    if (!v5 || (p.reason == reason_code::success && p.props.empty())) {
      return; // 3.x has no variable header; 5.0 may omit a Success code without properties
    }
    sink.put(static_cast<std::uint8_t>(p.reason));
    if (!p.props.empty()) {
      put_properties(sink, p.props);
    }
  });
}

std::error_code encode(const auth &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  if (options.version != protocol_version::v5 ||
      !reason_allowed(packet_type::auth, static_cast<std::uint8_t>(p.reason)) ||
      !properties_encodable(p.props, scope_of(packet_type::auth))) {
    return detail::invalid_argument();
  }
  return encode_frame(0xF0, options, out, [&](auto &sink) {
    if (p.reason == reason_code::success && p.props.empty()) {
      return; // Remaining Length 0 means Success without properties
    }
    sink.put(static_cast<std::uint8_t>(p.reason));
    put_properties(sink, p.props);
  });
}

} // namespace mqtk::protocol
