#pragma once

// Recycled memory for Asio operation objects, so steady-state reads and writes do not allocate.
// Asio allocates each operation through the completion handler's associated allocator and frees it
// before invoking the handler, so one slot per kind of operation (read, write) is reused forever.

#include <cstddef>
#include <utility>

namespace mqtk::net::detail {

// Counts a slot allocation or growth (warm-up) for operation_memory_stats().
void count_slot_allocation() noexcept;
// Counts an allocation that found the slot busy and went to the heap.
void count_fallback_allocation() noexcept;

// One reusable block; grows to the largest operation it has seen. Not thread-safe (a transport is
// used from one thread).
class handler_memory {
public:
  handler_memory() = default;
  handler_memory(const handler_memory &) = delete;
  handler_memory &operator=(const handler_memory &) = delete;
  ~handler_memory() { ::operator delete(storage_); }

  // Memory for one operation: the slot if free and large enough (grown if free but small), else heap.
  void *allocate(std::size_t size) {
    if (in_use_) {
      count_fallback_allocation();
      return ::operator new(size);
    }
    if (size > capacity_) {
      ::operator delete(storage_);
      storage_ = nullptr;
      storage_ = ::operator new(size);
      capacity_ = size;
      count_slot_allocation();
    }
    in_use_ = true;
    return storage_;
  }

  // Returns memory from allocate().
  void deallocate(void *p) noexcept {
    if (p == storage_)
      in_use_ = false;
    else
      ::operator delete(p);
  }

private:
  void *storage_ = nullptr;
  std::size_t capacity_ = 0;
  bool in_use_ = false;
};

// A standard allocator drawing from a handler_memory.
template <class T> class handler_allocator {
public:
  using value_type = T;

  // Allocates from memory, which must outlive every operation using it.
  explicit handler_allocator(handler_memory &memory) noexcept : memory_(&memory) {}
  // Rebinding copy.
  template <class U> handler_allocator(const handler_allocator<U> &other) noexcept : memory_(other.memory_) {}

  // Memory for n objects of T.
  T *allocate(std::size_t n) { return static_cast<T *>(memory_->allocate(sizeof(T) * n)); }
  // Releases memory from allocate().
  void deallocate(T *p, std::size_t) noexcept { memory_->deallocate(p); }

  // Allocators over the same memory are interchangeable.
  template <class U> bool operator==(const handler_allocator<U> &other) const noexcept {
    return memory_ == other.memory_;
  }

private:
  template <class> friend class handler_allocator;
  handler_memory *memory_;
};

// A completion handler whose operations are allocated from a handler_memory.
template <class Handler> class memory_handler {
public:
  using allocator_type = handler_allocator<std::byte>;

  // Wraps handler; memory must outlive the operation.
  memory_handler(handler_memory &memory, Handler handler) : memory_(&memory), handler_(std::move(handler)) {}

  // The allocator Asio and Beast use for operations completing into this handler.
  allocator_type get_allocator() const noexcept { return allocator_type(*memory_); }

  // Invokes the wrapped handler.
  template <class... Args> void operator()(Args &&...args) { handler_(std::forward<Args>(args)...); }

private:
  handler_memory *memory_;
  Handler handler_;
};

} // namespace mqtk::net::detail
