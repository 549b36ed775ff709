#include "mqtk/protocol/owned_properties.hpp"

#include <cstring>

namespace mqtk::protocol {

std::string_view owned_properties::keep(std::string_view text) {
  return as_chars(keep(as_bytes(text)));
}

bytes_view owned_properties::keep(bytes_view data) {
  if (data.empty())
    return {};
  auto copy = std::make_unique<std::uint8_t[]>(data.size());
  std::memcpy(copy.get(), data.data(), data.size());
  bytes_view view{copy.get(), data.size()};
  storage_.push_back(std::move(copy));
  return view;
}

void owned_properties::assign(const properties &src) {
  std::vector<std::unique_ptr<std::uint8_t[]>> old = std::move(storage_);
  storage_.clear();
  props_ = src;
  auto keep_text = [this](std::optional<std::string_view> &field) {
    if (field)
      field = keep(*field);
  };
  auto keep_data = [this](std::optional<bytes_view> &field) {
    if (field)
      field = keep(*field);
  };
  keep_text(props_.content_type);
  keep_text(props_.response_topic);
  keep_data(props_.correlation_data);
  keep_text(props_.assigned_client_identifier);
  keep_text(props_.authentication_method);
  keep_data(props_.authentication_data);
  keep_text(props_.response_information);
  keep_text(props_.server_reference);
  keep_text(props_.reason_string);
  for (auto &pair : props_.user_properties) {
    pair.key = keep(pair.key);
    pair.value = keep(pair.value);
  }
}

void owned_properties::add_user_property(std::string_view key, std::string_view value) {
  props_.user_properties.push_back({keep(key), keep(value)});
}

} // namespace mqtk::protocol
