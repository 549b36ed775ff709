#include "common/publish_refusal.hpp"

#include "mqtk/protocol/error.hpp"

namespace mqtk::apps {

std::optional<std::string> broker_limit_refusal(std::error_code ec,
                                                const protocol::negotiated_limits &limits) {
  using protocol::errc;
  std::string limit;
  if (ec == errc::qos_not_supported)
    limit = "maximum QoS " + std::to_string(static_cast<int>(limits.maximum_qos));
  else if (ec == errc::retain_not_supported)
    limit = "retain unavailable";
  else if (ec == errc::topic_alias_above_maximum)
    limit = "topic alias maximum " + std::to_string(limits.topic_alias_maximum);
  else if (ec == errc::packet_too_large && limits.maximum_packet_size == protocol::max_packet_size)
    return "over MQTT's maximum packet size " + std::to_string(limits.maximum_packet_size);
  else if (ec == errc::packet_too_large)
    limit = "maximum packet size " + std::to_string(limits.maximum_packet_size);
  else
    return std::nullopt;
  return "the broker's CONNACK limits: " + limit;
}

} // namespace mqtk::apps
