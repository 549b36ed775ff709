#pragma once

// Linux turns on receive timestamping for the whole host when the first socket asks for it, and
// does so from a work queue a moment later (net_enable_timestamp): bytes arriving in between carry
// no stamp. Tests that assert stamps call this first: it keeps one stamping socket open for the rest
// of the test binary and waits once for the switch. Header-only test support.

#include <chrono>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace net_test {

// Makes sure the kernel stamps what arrives from now on.
inline void keep_timestamps_on() {
  static const bool on = [] {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &yes, sizeof yes); // never closed: stays on
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return true;
  }();
  (void)on;
}

} // namespace net_test
