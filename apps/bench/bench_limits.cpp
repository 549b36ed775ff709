// mqtk-bench: which system limit stopped connections (ports, files, memory) and how to lift it.
#include "bench/bench_limits.hpp"
#include "bench/bench_report.hpp"

#include "common/diagnostics.hpp"
#include "mqtk/net/error.hpp"

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <malloc.h>
#include <sys/resource.h>

namespace mqtk::apps::bench {

namespace {

bool is_system(const std::error_code &code, int value) {
  return code.category() == std::system_category() && code.value() == value;
}

std::string open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return "the limit";
  return grouped(limit.rlim_cur);
}

} // namespace

std::optional<std::pair<std::uint32_t, std::uint32_t>> parse_port_range(const std::string &text) {
  std::istringstream in(text);
  std::uint32_t low = 0, high = 0;
  if (!(in >> low >> high) || low == 0 || high < low || high > 65535)
    return std::nullopt;
  return std::make_pair(low, high);
}

std::optional<std::pair<std::uint32_t, std::uint32_t>> local_port_range() {
  std::ifstream file("/proc/sys/net/ipv4/ip_local_port_range");
  std::stringstream text;
  text << file.rdbuf();
  return parse_port_range(text.str());
}

std::string limit_diagnosis(const client::close_reason &why,
                            std::optional<std::pair<std::uint32_t, std::uint32_t>> ports, std::uint64_t connected) {
  const std::error_code &code = why.code;
  if (code == net::errc::source_address_unavailable)
    return "limit: a --ifaddr source address is not configured on this machine (EADDRNOTAVAIL on bind): "
           "use addresses of its interfaces (ip -brief addr), on loopback any 127.x.y.z";
  if (is_system(code, EADDRNOTAVAIL)) {
    std::string range = "the range";
    if (ports)
      range = std::to_string(ports->first) + "-" + std::to_string(ports->second) + ": " +
              grouped(ports->second - ports->first + 1) + " ports";
    return "limit: local ports ran out (EADDRNOTAVAIL): one source address reaches a broker address through "
           "at most the ports of net.ipv4.ip_local_port_range (" + range +
           "); add source addresses with --ifaddr (on loopback e.g. 127.0.0.2-127.0.0.9) or widen the "
           "range (sysctl -w net.ipv4.ip_local_port_range=\"1024 65535\")";
  }
  if (is_system(code, EMFILE))
    return "limit: open files ran out (EMFILE): this process may open " + open_file_limit() +
           " and every connection needs one; raise the hard limit as root (ulimit -n N, nofile in "
           "/etc/security/limits.conf, LimitNOFILE= in a systemd unit) or split the connections over "
           "several mqtk-bench processes";
  if (is_system(code, ENFILE))
    return "limit: the system's open files ran out (ENFILE): raise fs.file-max (sysctl -w fs.file-max=N)";
  if (is_system(code, ENOBUFS) || is_system(code, ENOMEM))
    return "limit: the kernel ran out of memory for sockets (" + std::string(code.value() == ENOBUFS ? "ENOBUFS" : "ENOMEM") +
           "): free memory, or raise net.ipv4.tcp_mem and net.core.rmem_max/wmem_max";
  if (connected > 0 && why.kind == client::close_kind::connect &&
      (code == net::errc::closed || is_system(code, ECONNRESET) || is_system(code, ECONNREFUSED)))
    return "limit: the broker refused more connections after " + grouped(connected) +
           ": it may be at its own limit (mosquitto: max_connections, and its open-file limit, raised with "
           "ulimit -n before it starts)";
  if (connected > 0 && code == net::errc::connect_timeout)
    return "limit: connecting timed out after " + grouped(connected) +
           " connections: the broker's listen backlog (net.core.somaxconn) or its CPU may be full; lower "
           "--connect-rate or raise --connect-timeout";
  return {};
}

std::string port_shortage(std::uint64_t connections, std::uint64_t sources,
                          std::optional<std::pair<std::uint32_t, std::uint32_t>> ports) {
  if (!ports)
    return {};
  const std::uint64_t per_source = ports->second - ports->first + 1;
  const std::uint64_t available = per_source * (sources == 0 ? 1 : sources);
  if (connections <= available)
    return {};
  return grouped(connections) + " connections to one broker address need more local ports than " +
         (sources <= 1 ? std::string("one source address has") : grouped(sources) + " source addresses have") +
         " (" + grouped(available) + ", net.ipv4.ip_local_port_range " + std::to_string(ports->first) + "-" +
         std::to_string(ports->second) + "): add source addresses with --ifaddr";
}

void limit_reporter::failed(const client::close_reason &why, std::uint64_t connected) {
  if (reported_)
    return;
  const std::string line = limit_diagnosis(why, local_port_range(), connected);
  if (line.empty())
    return;
  reported_ = true;
  print_error(line);
}

void return_free_memory() noexcept {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

} // namespace mqtk::apps::bench
