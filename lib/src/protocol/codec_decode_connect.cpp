// Decoding of CONNECT and CONNACK bodies.
#include "detail/body_decoders.hpp"
#include "detail/property_codec.hpp"
#include "detail/reason_tables.hpp"
#include "detail/text_rules.hpp"

#include "mqtk/protocol/utf8.hpp"

namespace mqtk::protocol::detail {
namespace {

// Reads protocol name and level (spec 3.1.2.1, 3.1.2.2).
fault read_protocol(wire_reader &reader, protocol_version &version) {
  std::string_view name;
  std::uint8_t level = 0;
  if (!reader.read_string(name) || !reader.read_u8(level)) {
    return malformed("protocol name or level is truncated");
  }
  if (name != "MQTT" && name != "MQIsdp") {
    return malformed("protocol name is not MQTT or MQIsdp");
  }
  const bool known = name == "MQTT" ? (level == 4 || level == 5) : level == 3;
  if (!known) {
    return protocol_violation("protocol level is not supported");
  }
  version = static_cast<protocol_version>(level);
  return {};
}

fault check_connect_flags(std::uint8_t flags, protocol_version version) {
  if ((flags & 0x01) != 0) {
    return malformed("reserved connect flag is set");
  }
  const bool will = (flags & 0x04) != 0;
  if (!will && (flags & 0x38) != 0) {
    return malformed("will QoS or will retain is set without the will flag");
  }
  if (((flags >> 3) & 0x03) == 0x03) {
    return malformed("will QoS is 3");
  }
  if (version != protocol_version::v5 && (flags & 0xC0) == 0x40) {
    return malformed("password flag is set without the user name flag");
  }
  return {};
}

fault read_will(wire_reader &reader, std::uint8_t flags, protocol_version version, will_message &will) {
  will.qos = static_cast<qos>((flags >> 3) & 0x03);
  will.retain = (flags & 0x20) != 0;
  if (version == protocol_version::v5) {
    if (fault f = read_properties(reader, will_scope, will.props)) {
      return f;
    }
  } else {
    will.props.clear();
  }
  if (!reader.read_string(will.topic)) {
    return malformed("will topic is truncated");
  }
  if (will.topic.empty()) {
    return malformed("will topic is empty");
  }
  if (!is_valid_mqtt_string(will.topic)) {
    return malformed("will topic is not valid UTF-8");
  }
  if (!is_topic_name_text(will.topic)) {
    return malformed("will topic contains a wildcard");
  }
  return reader.read_binary(will.payload) ? fault{} : malformed("will payload is truncated");
}

fault read_credentials(wire_reader &reader, std::uint8_t flags, connect &out) {
  out.username.reset();
  out.password.reset();
  if ((flags & 0x80) != 0) {
    std::string_view username;
    if (!reader.read_string(username)) {
      return malformed("user name is truncated");
    }
    if (!is_valid_mqtt_string(username)) {
      return malformed("user name is not valid UTF-8");
    }
    out.username = username;
  }
  if ((flags & 0x40) != 0) {
    bytes_view password;
    if (!reader.read_binary(password)) {
      return malformed("password is truncated");
    }
    out.password = password;
  }
  return {};
}

} // namespace

fault decode_connect(wire_reader &reader, connect &out) {
  std::uint8_t flags = 0;
  if (fault f = read_protocol(reader, out.version)) {
    return f;
  }
  if (!reader.read_u8(flags) || !reader.read_u16(out.keep_alive)) {
    return malformed("connect flags or keep alive are truncated");
  }
  if (fault f = check_connect_flags(flags, out.version)) {
    return f;
  }
  out.clean_start = (flags & 0x02) != 0;
  if (out.version == protocol_version::v5) {
    if (fault f = read_properties(reader, scope_of(packet_type::connect), out.props)) {
      return f;
    }
  } else {
    out.props.clear();
  }
  if (!reader.read_string(out.client_id)) {
    return malformed("client identifier is truncated");
  }
  if (!is_valid_mqtt_string(out.client_id)) {
    return malformed("client identifier is not valid UTF-8");
  }
  if ((flags & 0x04) != 0) {
    if (!out.will) {
      out.will.emplace();
    }
    if (fault f = read_will(reader, flags, out.version, *out.will)) {
      return f;
    }
  } else {
    out.will.reset();
  }
  if (fault f = read_credentials(reader, flags, out)) {
    return f;
  }
  return check_end(reader);
}

fault decode_connack(wire_reader &reader, const body_context &context, connack &out) {
  std::uint8_t flags = 0;
  std::uint8_t code = 0;
  if (!reader.read_u8(flags) || !reader.read_u8(code)) {
    return malformed("is shorter than 2 bytes");
  }
  if ((flags & 0xFE) != 0) {
    return malformed("reserved acknowledge flags are set");
  }
  out.session_present = flags != 0;
  if (context.version != protocol_version::v5) {
    if (code > 5) {
      return malformed("return code is over 5");
    }
    out.reason = from_v3_connack_return_code(code);
    out.return_code = code;
    out.props.clear();
  } else if (reader.at_end() && flags == 0 && code == 0x01) {
    // A broker that only speaks 3.x answers a 5.0 CONNECT with its own CONNACK, return code 1
    // ("unacceptable protocol version"): report it as 0x84 so the client can fall back.
    out.reason = reason_code::unsupported_protocol_version;
    out.return_code = code;
    out.props.clear();
  } else {
    out.return_code.reset();
    if (!reason_allowed(packet_type::connack, code)) {
      return malformed("reason code is not allowed here");
    }
    out.reason = static_cast<reason_code>(code);
    if (fault f = read_properties(reader, scope_of(packet_type::connack), out.props)) {
      return f;
    }
  }
  if (out.session_present && out.reason != reason_code::success) {
    return malformed("session present is set with a failure code");
  }
  return check_end(reader);
}

} // namespace mqtk::protocol::detail
