// Process-wide counters of operation memory.
#include "handler_memory.hpp"

#include "mqtk/net/transport.hpp"

#include <atomic>

namespace mqtk::net {
namespace {

std::atomic<std::uint64_t> slot_allocations{0};
std::atomic<std::uint64_t> fallback_allocations{0};

} // namespace

namespace detail {

void count_slot_allocation() noexcept {
  slot_allocations.fetch_add(1, std::memory_order_relaxed);
}

void count_fallback_allocation() noexcept {
  fallback_allocations.fetch_add(1, std::memory_order_relaxed);
}

} // namespace detail

memory_stats operation_memory_stats() noexcept {
  return {slot_allocations.load(std::memory_order_relaxed),
          fallback_allocations.load(std::memory_order_relaxed)};
}

} // namespace mqtk::net
