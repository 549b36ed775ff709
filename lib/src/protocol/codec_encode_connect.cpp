// Encoding of CONNECT and CONNACK.
#include "detail/encode_frame.hpp"
#include "detail/property_codec.hpp"
#include "detail/reason_tables.hpp"
#include "detail/text_rules.hpp"

#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/utf8.hpp"

namespace mqtk::protocol {
namespace {

using namespace detail;

bool will_encodable(const will_message &will, bool v5) {
  return !will.topic.empty() && is_topic_name_text(will.topic) && will.qos <= qos::exactly_once &&
         fits_length_prefix(will.payload.size()) && (!v5 || properties_encodable(will.props, will_scope));
}

bool connect_encodable(const connect &p) {
  const bool v5 = p.version == protocol_version::v5;
  if (p.version != protocol_version::v31 && p.version != protocol_version::v311 && !v5) {
    return false;
  }
  if (!is_valid_mqtt_string(p.client_id) || (p.will && !will_encodable(*p.will, v5))) {
    return false;
  }
  if ((p.username && !is_valid_mqtt_string(*p.username)) ||
      (p.password && !fits_length_prefix(p.password->size()))) {
    return false;
  }
  if (!v5 && p.password && !p.username) {
    return false; // 3.x: a password needs a user name [MQTT-3.1.2-22]
  }
  return !v5 || properties_encodable(p.props, scope_of(packet_type::connect));
}

std::uint8_t connect_flags(const connect &p) {
  unsigned flags = 0;
  if (p.username) {
    flags |= 0x80;
  }
  if (p.password) {
    flags |= 0x40;
  }
  if (p.will) {
    flags |= 0x04 | (static_cast<unsigned>(p.will->qos) << 3) | (p.will->retain ? 0x20 : 0);
  }
  if (p.clean_start) {
    flags |= 0x02;
  }
  return static_cast<std::uint8_t>(flags);
}

} // namespace

std::error_code encode(const connect &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  if (!connect_encodable(p)) {
    return invalid_argument();
  }
  const bool v5 = p.version == protocol_version::v5;
  return encode_frame(0x10, options, out, [&](auto &sink) {
    put_string(sink, p.version == protocol_version::v31 ? "MQIsdp" : "MQTT");
    sink.put(static_cast<std::uint8_t>(p.version));
    sink.put(connect_flags(p));
    put_u16(sink, p.keep_alive);
    if (v5) {
      put_properties(sink, p.props);
    }
    put_string(sink, p.client_id);
    if (p.will) {
      if (v5) {
        put_properties(sink, p.will->props);
      }
      put_string(sink, p.will->topic);
      put_binary(sink, p.will->payload);
    }
    if (p.username) {
      put_string(sink, *p.username);
    }
    if (p.password) {
      put_binary(sink, *p.password);
    }
  });
}

std::error_code encode(const connack &p, const encode_options &options, std::vector<std::uint8_t> &out) {
  const auto code = static_cast<std::uint8_t>(p.reason);
  const bool v5 = options.version == protocol_version::v5;
  if (!reason_allowed(packet_type::connack, code) || (p.session_present && is_error(p.reason)) ||
      (v5 && !properties_encodable(p.props, scope_of(packet_type::connack)))) {
    return invalid_argument();
  }
  return encode_frame(0x20, options, out, [&](auto &sink) {
    sink.put(static_cast<std::uint8_t>(p.session_present ? 1 : 0));
    if (v5) {
      sink.put(code);
      put_properties(sink, p.props);
    } else {
      sink.put(to_v3_connack_return_code(p.reason));
    }
  });
}

} // namespace mqtk::protocol
