#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

namespace mqtk::protocol {

// Hands out packet identifiers 1..65535 that are not in use, cycling so a freed id is not reused at
// once. The 8 KiB bitmap is allocated on first use, so sessions that only do QoS 0 pay nothing.
class packet_id_pool {
public:
  // The next free id after the last one handed out; nullopt when all 65,535 are in use.
  std::optional<std::uint16_t> acquire();
  // Marks a specific id as used (resumed session state); false if it already was.
  bool claim(std::uint16_t id);
  // Frees an id; no effect for an id not in use.
  void release(std::uint16_t id) noexcept;
  // True when id is in use.
  bool in_use(std::uint16_t id) const noexcept;
  // Frees every id.
  void clear() noexcept;

private:
  std::unique_ptr<std::array<std::uint64_t, 1024>> bits_;
  std::uint16_t last_ = 0;
  std::uint32_t used_ = 0;
};

} // namespace mqtk::protocol
