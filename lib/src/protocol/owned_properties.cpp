#include "mqtk/protocol/owned_properties.hpp"

#include <cstring>

namespace mqtk::protocol {

std::string_view owned_properties::keep(std::string_view text) {
  return as_chars(keep(as_bytes(text)));
}

bytes_view owned_properties::keep(bytes_view bytes) {
  if (bytes.empty())
    return {};
  auto copy = std::make_unique<std::uint8_t[]>(bytes.size());
  std::memcpy(copy.get(), bytes.data(), bytes.size());
  bytes_view view{copy.get(), bytes.size()};
  data_->storage.push_back(std::move(copy));
  return view;
}

const properties &owned_properties::get() const noexcept {
  static const properties none;
  return data_ ? data_->props : none;
}

void owned_properties::assign(const properties &src) {
  // src may point into this object's storage: the old data goes only after the copy.
  std::unique_ptr<data> old = std::move(data_);
  if (src.empty())
    return;
  data_ = std::make_unique<data>();
  properties &props = data_->props;
  props = src;
  auto keep_text = [this](std::optional<std::string_view> &field) {
    if (field)
      field = keep(*field);
  };
  auto keep_data = [this](std::optional<bytes_view> &field) {
    if (field)
      field = keep(*field);
  };
  keep_text(props.content_type);
  keep_text(props.response_topic);
  keep_data(props.correlation_data);
  keep_text(props.assigned_client_identifier);
  keep_text(props.authentication_method);
  keep_data(props.authentication_data);
  keep_text(props.response_information);
  keep_text(props.server_reference);
  keep_text(props.reason_string);
  for (auto &pair : props.user_properties) {
    pair.key = keep(pair.key);
    pair.value = keep(pair.value);
  }
}

void owned_properties::add_user_property(std::string_view key, std::string_view value) {
  if (!data_)
    data_ = std::make_unique<data>();
  data_->props.user_properties.push_back({keep(key), keep(value)});
}

} // namespace mqtk::protocol
