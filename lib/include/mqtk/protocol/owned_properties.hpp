#pragma once

#include "mqtk/protocol/properties.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace mqtk::protocol {

// A properties object that owns the bytes its views point to, so it can outlive the caller's
// strings (session options, wills). Copies are deep; moves keep the views valid. An empty one is a
// null pointer (8 bytes): every session holds two, and a fleet of idle sessions pays for each byte.
class owned_properties {
public:
  // No properties.
  owned_properties() = default;
  // Deep copy of src.
  explicit owned_properties(const properties &src) { assign(src); }
  // Deep copy.
  owned_properties(const owned_properties &other) {
    if (other.data_)
      assign(other.data_->props);
  }
  // Deep copy.
  owned_properties &operator=(const owned_properties &other) {
    if (this != &other)
      assign(other.get());
    return *this;
  }
  // Takes over the storage; views stay valid.
  owned_properties(owned_properties &&) noexcept = default;
  // Takes over the storage; views stay valid.
  owned_properties &operator=(owned_properties &&) noexcept = default;

  // Replaces the contents with a deep copy of src.
  void assign(const properties &src);
  // The properties; views point into this object.
  const properties &get() const noexcept;
  // Sets one user property (copied) at the end of the list.
  void add_user_property(std::string_view key, std::string_view value);

private:
  struct data {
    properties props;
    std::vector<std::unique_ptr<std::uint8_t[]>> storage;
  };
  std::string_view keep(std::string_view text);
  bytes_view keep(bytes_view bytes);

  std::unique_ptr<data> data_; // null: no properties
};

} // namespace mqtk::protocol
