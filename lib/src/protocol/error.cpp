#include "mqtk/protocol/error.hpp"

#include <string>

namespace mqtk::protocol {
namespace {

class mqtk_error_category final : public std::error_category {
public:
  const char *name() const noexcept override { return "mqtk"; }

  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
    case errc::malformed_packet:
      return "malformed packet";
    case errc::protocol_error:
      return "protocol error";
    case errc::packet_too_large:
      return "packet too large";
    case errc::receive_maximum_exceeded:
      return "receive maximum exceeded";
    case errc::topic_alias_invalid:
      return "topic alias invalid";
    case errc::timeout:
      return "timed out";
    case errc::connection_refused:
      return "connection refused";
    case errc::not_connected:
      return "not connected";
    case errc::would_block:
      return "in-flight window full";
    case errc::invalid_argument:
      return "invalid argument";
    case errc::connection_closed:
      return "connection closed";
    case errc::session_lost:
      return "session lost";
    case errc::qos_not_supported:
      return "QoS above the broker's maximum QoS";
    case errc::retain_not_supported:
      return "retain not available on this broker";
    case errc::topic_alias_above_maximum:
      return "topic alias above the broker's topic alias maximum";
    case errc::not_mqtt:
      return "the peer does not speak MQTT";
    case errc::no_response:
      return "no acknowledgement from the broker in time";
    }
    return "unknown mqtk error";
  }

  std::error_condition default_error_condition(int value) const noexcept override {
    switch (static_cast<errc>(value)) {
    case errc::timeout:
    case errc::no_response:
      return std::errc::timed_out;
    case errc::invalid_argument:
      return std::errc::invalid_argument;
    default:
      return {value, *this};
    }
  }
};

} // namespace

const std::error_category &mqtk_category() noexcept {
  static const mqtk_error_category category;
  return category;
}

reason_code disconnect_reason_for(std::error_code ec) {
  if (ec.category() != mqtk_category()) {
    return reason_code::unspecified_error;
  }
  switch (static_cast<errc>(ec.value())) {
  case errc::malformed_packet:
    return reason_code::malformed_packet;
  case errc::protocol_error:
    return reason_code::protocol_error;
  case errc::receive_maximum_exceeded:
    return reason_code::receive_maximum_exceeded;
  case errc::topic_alias_invalid:
    return reason_code::topic_alias_invalid;
  case errc::packet_too_large:
    return reason_code::packet_too_large;
  default:
    return reason_code::unspecified_error;
  }
}

} // namespace mqtk::protocol
