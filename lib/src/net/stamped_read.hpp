#pragma once

// Reads from a socket with recvmsg and the kernel's receive timestamp (SO_TIMESTAMPNS): when the
// newest of the bytes returned entered this host's network stack, CLOCK_REALTIME. Linux only.

#include <cstddef>
#include <cstdint>

namespace mqtk::net::detail {

// Asks the kernel to stamp what socket fd receives; false if it refused (reads then carry no stamp).
bool enable_receive_timestamps(int fd) noexcept;

// The outcome of one read_stamped call.
struct stamped_read {
  std::size_t bytes = 0;       // bytes stored
  int error = 0;               // 0, EAGAIN (nothing to read yet), or the errno of the failure
  bool eof = false;            // the peer closed its side (bytes is 0)
  std::uint64_t arrival_ns = 0; // the kernel's stamp of the newest byte read; 0: none came with them
};

// Reads what is there (at most size bytes into data) without blocking, with its timestamp.
stamped_read read_stamped(int fd, void *data, std::size_t size) noexcept;

} // namespace mqtk::net::detail
