#include "mqtk/protocol/packet_id_pool.hpp"

namespace mqtk::protocol {

namespace {
constexpr std::uint32_t id_count = 65535;
} // namespace

bool packet_id_pool::in_use(std::uint16_t id) const noexcept {
  return id != 0 && bits_ && (((*bits_)[id / 64] >> (id % 64)) & 1U) != 0;
}

bool packet_id_pool::claim(std::uint16_t id) {
  if (id == 0 || in_use(id))
    return false;
  if (!bits_)
    bits_ = std::make_unique<std::array<std::uint64_t, 1024>>();
  (*bits_)[id / 64] |= std::uint64_t{1} << (id % 64);
  ++used_;
  return true;
}

std::optional<std::uint16_t> packet_id_pool::acquire() {
  if (used_ >= id_count)
    return std::nullopt;
  std::uint16_t candidate = last_;
  for (std::uint32_t tries = 0; tries < id_count; ++tries) {
    candidate = static_cast<std::uint16_t>(candidate == id_count ? 1 : candidate + 1);
    if (claim(candidate)) {
      last_ = candidate;
      return candidate;
    }
  }
  return std::nullopt;
}

void packet_id_pool::release(std::uint16_t id) noexcept {
  if (!in_use(id))
    return;
  (*bits_)[id / 64] &= ~(std::uint64_t{1} << (id % 64));
  --used_;
}

void packet_id_pool::clear() noexcept {
  if (bits_)
    bits_->fill(0);
  used_ = 0;
}

} // namespace mqtk::protocol
