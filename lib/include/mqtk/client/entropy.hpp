#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mqtk::client {

// 64 random bits from the kernel (getrandom), for client ids, tokens and jitter seeds. One system
// call: std::random_device probes the CPU with cpuid at each construction, about 6 us per cpuid
// in a virtual machine, several times per one-shot tool run.
std::uint64_t random_u64() noexcept;

// digits (1 to 16) random lowercase hex digits.
std::string random_hex(std::size_t digits);

} // namespace mqtk::client
