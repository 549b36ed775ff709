// Process-wide counters of operation memory.
#include "handler_memory.hpp"

#include "mqtk/net/transport.hpp"

#include <algorithm>
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

namespace {

constexpr std::size_t block_unit = 64;     // size classes: multiples of 64 bytes
constexpr std::size_t pooled_classes = 16; // up to 1 KiB; larger operations use the heap directly

// Free blocks of each size class, linked through their first bytes.
struct block_pool {
  void *free[pooled_classes] = {};
  block_pool();
  ~block_pool();
};

enum class pool_state : unsigned char { unborn, alive, gone };
thread_local pool_state state = pool_state::unborn; // gone: destroyed at thread exit, do not touch
thread_local block_pool pool;

block_pool::block_pool() {
  state = pool_state::alive;
}

block_pool::~block_pool() {
  state = pool_state::gone;
  for (void *&head : free)
    while (head) {
      void *next = *static_cast<void **>(head);
      ::operator delete(head);
      head = next;
    }
}

} // namespace

void *operation_blocks::take(std::size_t size, std::size_t &capacity) {
  const std::size_t index = (std::max<std::size_t>(size, 1) - 1) / block_unit;
  capacity = (index + 1) * block_unit;
  if (index < pooled_classes && state != pool_state::gone) {
    if (void *head = pool.free[index]) { // the first use constructs the pool
      pool.free[index] = *static_cast<void **>(head);
      return head;
    }
  } else {
    capacity = size;
  }
  count_slot_allocation();
  return ::operator new(capacity);
}

void operation_blocks::give(void *block, std::size_t capacity) noexcept {
  const std::size_t index = capacity / block_unit - 1;
  if (capacity % block_unit != 0 || index >= pooled_classes || state != pool_state::alive) {
    ::operator delete(block);
    return;
  }
  *static_cast<void **>(block) = pool.free[index];
  pool.free[index] = block;
}

} // namespace detail

memory_stats operation_memory_stats() noexcept {
  return {slot_allocations.load(std::memory_order_relaxed),
          fallback_allocations.load(std::memory_order_relaxed)};
}

} // namespace mqtk::net
