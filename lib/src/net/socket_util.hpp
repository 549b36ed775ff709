#pragma once

// Small socket helpers shared by the TCP and Unix transports.

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <array>
#include <cstddef>

namespace mqtk::net::detail {

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
