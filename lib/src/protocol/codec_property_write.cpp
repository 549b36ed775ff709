#include "detail/property_codec.hpp"
#include "detail/text_rules.hpp"

#include "mqtk/protocol/utf8.hpp"

namespace mqtk::protocol::detail {
namespace {

bool value_ok(property_id id, std::uint8_t value) {
  return property_value_error(id, value).empty();
}
bool value_ok(property_id id, std::uint16_t value) {
  return property_value_error(id, value).empty();
}
bool value_ok(property_id id, std::uint32_t value) {
  return property_value_error(id, value).empty();
}
bool value_ok(property_id id, std::string_view value) {
  return id == property_id::response_topic ? is_topic_name_text(value) : is_valid_mqtt_string(value);
}
bool value_ok(property_id, bytes_view value) {
  return value.size() <= 65'535;
}
bool value_ok(property_id, const user_property &value) {
  return is_valid_mqtt_string(value.key) && is_valid_mqtt_string(value.value);
}

} // namespace

bool properties_encodable(const properties &p, property_scope scope) noexcept {
  if (p.empty())
    return true;
  bool ok = true;
  for_each_property(p, [&](property_id id, const auto &value) {
    ok = ok && property_allowed(id, scope) && value_ok(id, value);
  });
  if (p.subscription_identifiers.size() > 1 &&
      !property_repeatable(property_id::subscription_identifier, scope)) {
    return false;
  }
  const bool auth_ok =
      scope != scope_of(packet_type::connect) || !p.authentication_data || p.authentication_method;
  return ok && auth_ok; // CONNECT: Authentication Data needs an Authentication Method (spec 3.1.2.11.10)
}

} // namespace mqtk::protocol::detail
