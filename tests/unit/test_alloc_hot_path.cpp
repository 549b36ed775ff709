// The hot path allocates nothing in steady state: decoding a PUBLISH into a packet that already
// holds one, and encoding a PUBLISH into a vector with enough capacity. Counted with replaced global
// operator new/delete; only allocations inside a measured region are counted.
//
// The replacement is global to the unit test binary: every form (plain, array, nothrow, aligned)
// allocates with malloc/aligned_alloc and every delete frees with free, whether counting or not.
#include "mqtk/protocol/codec.hpp"
#include "mqtk/protocol/session.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <span>
#include <vector>

namespace {

bool counting = false;
std::size_t allocation_count = 0;
std::size_t allocated_bytes = 0;

void *allocate(std::size_t size, std::size_t alignment) noexcept {
  if (counting) {
    ++allocation_count;
    allocated_bytes += size;
  }
  if (size == 0) {
    size = 1;
  }
  if (alignment <= alignof(std::max_align_t)) {
    return std::malloc(size);
  }
  return std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
}

void *allocate_or_throw(std::size_t size, std::size_t alignment) {
  void *p = allocate(size, alignment);
  if (p == nullptr) {
    throw std::bad_alloc();
  }
  return p;
}

// Counts the allocations made while it is alive.
class allocation_counter {
public:
  allocation_counter() {
    allocation_count = 0;
    allocated_bytes = 0;
    counting = true;
  }
  ~allocation_counter() { counting = false; }
  allocation_counter(const allocation_counter &) = delete;
  allocation_counter &operator=(const allocation_counter &) = delete;

  // Allocations so far.
  std::size_t count() const { return allocation_count; }
  // Bytes requested so far.
  std::size_t bytes() const { return allocated_bytes; }
};

} // namespace

void *operator new(std::size_t size) {
  return allocate_or_throw(size, alignof(std::max_align_t));
}
void *operator new[](std::size_t size) {
  return allocate_or_throw(size, alignof(std::max_align_t));
}
void *operator new(std::size_t size, std::align_val_t al) {
  return allocate_or_throw(size, static_cast<std::size_t>(al));
}
void *operator new[](std::size_t size, std::align_val_t al) {
  return allocate_or_throw(size, static_cast<std::size_t>(al));
}
void *operator new(std::size_t size, const std::nothrow_t &) noexcept {
  return allocate(size, alignof(std::max_align_t));
}
void *operator new[](std::size_t size, const std::nothrow_t &) noexcept {
  return allocate(size, alignof(std::max_align_t));
}
void *operator new(std::size_t size, std::align_val_t al, const std::nothrow_t &) noexcept {
  return allocate(size, static_cast<std::size_t>(al));
}
void *operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t &) noexcept {
  return allocate(size, static_cast<std::size_t>(al));
}
void operator delete(void *p) noexcept {
  std::free(p);
}
void operator delete[](void *p) noexcept {
  std::free(p);
}
void operator delete(void *p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void *p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void *p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void *p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void *p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void *p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void *p, const std::nothrow_t &) noexcept {
  std::free(p);
}
void operator delete[](void *p, const std::nothrow_t &) noexcept {
  std::free(p);
}
void operator delete(void *p, std::align_val_t, const std::nothrow_t &) noexcept {
  std::free(p);
}
void operator delete[](void *p, std::align_val_t, const std::nothrow_t &) noexcept {
  std::free(p);
}

using namespace mqtk::protocol;

namespace {

constexpr int warm_up = 10;
constexpr int iterations = 1000;

// The PUBLISH of the hot path: QoS 0 with a user property and a content type.
publish hot_publish() {
  publish p;
  p.topic = "bench/topic/0001";
  p.payload = as_bytes("{\"seq\":123456,\"value\":21.5}");
  p.props.user_properties = {{"source", "bench"}};
  p.props.content_type = "application/json";
  return p;
}

} // namespace

TEST_CASE("alloc hot path: encoding a PUBLISH into a vector with capacity allocates nothing") {
  for (protocol_version version : {protocol_version::v311, protocol_version::v5}) {
    const publish p = hot_publish();
    const encode_options options{version};
    std::vector<std::uint8_t> out;
    out.reserve(256);
    int failures = 0;
    for (int i = 0; i < warm_up; ++i) {
      out.clear();
      failures += encode(p, options, out) ? 1 : 0;
    }
    const allocation_counter counter;
    for (int i = 0; i < iterations; ++i) {
      out.clear();
      failures += encode(p, options, out) ? 1 : 0;
    }
    const std::size_t count = counter.count();
    CHECK(failures == 0);
    CHECK(count == 0);
    CHECK_FALSE(out.empty());
  }
}

TEST_CASE("alloc hot path: decoding a QoS 0 PUBLISH into a publish allocates nothing") {
  for (protocol_version version : {protocol_version::v311, protocol_version::v5}) {
    std::vector<std::uint8_t> wire;
    REQUIRE_FALSE(encode(hot_publish(), {version}, wire));
    decoder d({role::client, version});
    packet p = publish{};
    int failures = 0;
    for (int i = 0; i < warm_up; ++i) {
      d.feed(wire);
      failures += d.next(p) == decode_status::ready ? 0 : 1;
    }
    const allocation_counter counter;
    for (int i = 0; i < iterations; ++i) {
      d.feed(wire);
      failures += d.next(p) == decode_status::ready ? 0 : 1;
      failures += d.next(p) == decode_status::need_more ? 0 : 1;
    }
    const std::size_t count = counter.count();
    CHECK(failures == 0);
    CHECK(count == 0);
    CHECK(std::get<publish>(p).topic == "bench/topic/0001");
  }
}

TEST_CASE("alloc hot path: decoding through prepare/commit and in small chunks allocates nothing") {
  std::vector<std::uint8_t> wire;
  REQUIRE_FALSE(encode(hot_publish(), {}, wire));
  decoder d;
  packet p = publish{};
  int packets = 0;
  auto run = [&](int rounds) {
    for (int i = 0; i < rounds; ++i) {
      // Three packets per round, delivered in 7-byte reads, as a transport would.
      for (int copy = 0; copy < 3; ++copy) {
        for (std::size_t at = 0; at < wire.size(); at += 7) {
          const std::size_t n = std::min<std::size_t>(7, wire.size() - at);
          const std::span<std::uint8_t> space = d.prepare(64);
          std::copy_n(wire.begin() + static_cast<std::ptrdiff_t>(at), n, space.begin());
          d.commit(n);
          while (d.next(p) == decode_status::ready) {
            ++packets;
          }
        }
      }
    }
  };
  run(warm_up);
  const allocation_counter counter;
  run(iterations);
  const std::size_t count = counter.count();
  CHECK(count == 0);
  CHECK(packets == 3 * (warm_up + iterations));
}

TEST_CASE("alloc hot path: a large remaining length allocates nothing before the bytes arrive") {
  decoder d;
  packet p = publish{};
  const allocation_counter counter;
  const std::uint8_t header[] = {0x30, 0xFF, 0xFF, 0xFF, 0x7F}; // PUBLISH of 268,435,455 bytes
  d.feed(header);
  const decode_status status = d.next(p);
  const std::size_t requested = counter.bytes();
  CHECK(status == decode_status::need_more);
  CHECK(requested < 1024);
}

namespace {

// Counts deliveries without keeping anything.
struct counting_handler : session_handler {
  std::size_t messages = 0;
  void on_message(const publish &) override { ++messages; }
};

} // namespace

TEST_CASE("session hot path: receiving and sending QoS 0 PUBLISH allocates nothing in steady state") {
  session_options options;
  options.client_id = "hot";
  counting_handler handler;
  session s(options, handler);
  const time_point now{};
  s.start(now);
  const std::vector<std::uint8_t> connack{0x20, 0x03, 0x00, 0x00, 0x00};
  s.receive(connack, now);
  REQUIRE(s.state() == session_state::connected);
  // PUBLISH QoS 0, topic "a/b", a user property, payload "hi".
  const std::vector<std::uint8_t> inbound{0x30, 0x0F,                         // PUBLISH QoS 0, length 15
                                          0x00, 0x03, 'a', '/', 'b',          // topic "a/b"
                                          0x07,                               // properties length 7
                                          0x26, 0x00, 0x01, 'k', 0x00, 0x01, 'v', // user property k=v
                                          'h', 'i'};                          // payload
  publish outbound;
  outbound.topic = "c/d";
  outbound.payload = as_bytes("payload");
  std::vector<std::uint8_t> written;
  written.reserve(4096);
  auto round = [&] {
    s.receive(inbound, now);
    s.publish(outbound, now);
    s.take_output(written);
  };
  for (int i = 0; i < warm_up; ++i)
    round();
  allocation_counter counter;
  for (int i = 0; i < iterations; ++i)
    round();
  CHECK(counter.count() == 0);
  CHECK(handler.messages == warm_up + iterations);
}
