#pragma once

#include "mqtk/client/close_reason.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace mqtk::apps::bench {

// The local port range of net.ipv4.ip_local_port_range ("32768\t60999"); nullopt when unreadable.
std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_port_range(const std::string &text);

// The port range this machine uses (read from /proc); nullopt when it cannot be read.
std::optional<std::pair<std::uint32_t, std::uint32_t>> local_port_range();

// One line naming the system limit behind a connection that failed with why (local ports:
// EADDRNOTAVAIL; open files: EMFILE, ENFILE; kernel memory: ENOBUFS, ENOMEM; a source address that
// is not local; with connections already up, the broker's own limit), and how to lift it; "" when
// the failure is not one of those. ports: the local port range; connected: connections up so far.
std::string limit_diagnosis(const client::close_reason &why,
                            std::optional<std::pair<std::uint32_t, std::uint32_t>> ports, std::uint64_t connected);

// A warning when connections to one broker address need more local ports than sources x the port
// range holds (every connection needs its own source address and port pair); "" otherwise.
std::string port_shortage(std::uint64_t connections, std::uint64_t sources,
                          std::optional<std::pair<std::uint32_t, std::uint32_t>> ports);

// Prints the diagnosis of the first failure that has one, once per run.
class limit_reporter {
public:
  // Called for every failed connection.
  void failed(const client::close_reason &why, std::uint64_t connected);

private:
  bool reported_ = false;
};

// Gives the memory that connecting used and freed (TLS handshakes) back to the system, so that the
// RSS of a run holding idle connections is what they hold (glibc's malloc_trim).
void return_free_memory() noexcept;

} // namespace mqtk::apps::bench
