// Stamped reads: recvmsg with the SCM_TIMESTAMPNS control message.
#include "stamped_read.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/socket.h>
#include <sys/uio.h>

namespace mqtk::net::detail {

bool enable_receive_timestamps(int fd) noexcept {
  const int on = 1;
  return ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0;
}

stamped_read read_stamped(int fd, void *data, std::size_t size) noexcept {
  stamped_read result;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  iovec iov{data, size};
  msghdr message{};
  message.msg_iov = &iov;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  ssize_t n;
  do
    n = ::recvmsg(fd, &message, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    result.error = errno == EWOULDBLOCK ? EAGAIN : errno;
    return result;
  }
  if (n == 0) {
    result.eof = size > 0;
    return result;
  }
  result.bytes = static_cast<std::size_t>(n);
  for (cmsghdr *c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS && c->cmsg_len >= CMSG_LEN(sizeof(timespec))) {
      timespec stamp;
      std::memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
      result.arrival_ns = static_cast<std::uint64_t>(stamp.tv_sec) * 1'000'000'000u +
                          static_cast<std::uint64_t>(stamp.tv_nsec);
    }
  return result;
}

} // namespace mqtk::net::detail
