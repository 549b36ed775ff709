#pragma once

// Recycled memory for Asio operation objects, so steady-state reads and writes do not allocate.
// Asio allocates each operation through the completion handler's associated allocator and frees it
// before invoking the handler, so blocks go back to a per-thread pool and are reused forever.

#include <cstddef>
#include <utility>

namespace mqtk::net::detail {

// Counts a block taken from the heap for operation_memory_stats() (warm-up).
void count_slot_allocation() noexcept;
// Counts an allocation that found the slot busy and went to the heap.
void count_fallback_allocation() noexcept;

// Memory blocks for operations, recycled per thread by size class, so that an operation costs no
// heap allocation once the thread has seen its size, and a connection holds a block only while its
// operation is pending (an idle connection keeps its readiness wait, not its last write's block).
struct operation_blocks {
  // A block of at least size bytes; capacity receives its real size (pass it back to give).
  static void *take(std::size_t size, std::size_t &capacity);
  // Returns a block from take.
  static void give(void *block, std::size_t capacity) noexcept;
};

// The memory of one kind of operation (read, write) of one transport: one block at a time from
// operation_blocks. Not thread-safe (a transport is used from one thread).
class handler_memory {
public:
  handler_memory() = default;
  handler_memory(const handler_memory &) = delete;
  handler_memory &operator=(const handler_memory &) = delete;
  ~handler_memory() {
    if (storage_)
      operation_blocks::give(storage_, capacity_);
  }

  // Memory for one operation: a recycled block when none is in use, else the heap.
  void *allocate(std::size_t size) {
    if (storage_) {
      count_fallback_allocation();
      return ::operator new(size);
    }
    storage_ = operation_blocks::take(size, capacity_);
    return storage_;
  }

  // Returns memory from allocate().
  void deallocate(void *p) noexcept {
    if (p == storage_) {
      operation_blocks::give(storage_, capacity_);
      storage_ = nullptr;
    } else {
      ::operator delete(p);
    }
  }

private:
  void *storage_ = nullptr; // the block of the pending operation
  std::size_t capacity_ = 0;
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
