#pragma once

// Small socket helpers shared by the TCP and Unix transports.

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <array>
#include <cstddef>

namespace mqtk::net::detail {

// The read system call of the reactive transports (plain TCP, Unix): one non-blocking read_some of
// what has arrived into buffer (would_block when nothing has). drained: a short read emptied the
// socket, so the next read waits for readiness.
template <class Socket>
std::size_t read_available(Socket &socket, boost::asio::mutable_buffer buffer, boost::system::error_code &ec,
                           bool &drained) {
  const std::size_t n = socket.read_some(buffer, ec);
  drained = !ec && n < buffer.size();
  return n;
}

// Reads and drops bytes already received (up to 64 KiB) so that closing sends FIN, not RST (Linux
// resets a connection closed with unread data and may drop our last unsent bytes), then closes.
template <class Socket> void discard_and_close(Socket &socket) noexcept {
  if (!socket.is_open())
    return;
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  std::array<char, 2048> sink;
  for (std::size_t total = 0; !ec && total < 65536;) {
    std::size_t n = socket.read_some(boost::asio::buffer(sink), ec);
    if (n == 0)
      break;
    total += n;
  }
  socket.close(ec);
}

} // namespace mqtk::net::detail
