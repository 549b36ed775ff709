#include "common/tls_info_output.hpp"

#include "common/diagnostics.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <mutex>
#include <set>

namespace mqtk::apps {

namespace {

std::string joined(const std::vector<std::string> &parts) {
  std::string out;
  for (const auto &part : parts)
    out += (out.empty() ? "" : ", ") + part;
  return out.empty() ? "none" : out;
}

void write_stdout(const std::string &line) {
  std::fflush(stdout); // after whatever the tool printed through stdio
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return; // a closed stdout: the tool notices it on its own writes
    done += static_cast<std::size_t>(n);
  }
}

} // namespace

std::vector<std::string> tls_report_lines(const net::tls_report &r) {
  std::vector<std::string> lines;
  std::string head = "TLS " + r.target + ": " + r.protocol + ", cipher " + r.cipher + ", ALPN " +
                     (r.alpn.empty() ? "none" : r.alpn) + ", SNI " + (r.sni.empty() ? "none" : r.sni);
  if (!r.psk_identity.empty())
    head += ", PSK identity " + r.psk_identity + " (no certificate)";
  else
    head += r.verified ? ", verified" : ", NOT verified (--insecure)";
  lines.push_back(std::move(head));
  for (std::size_t i = 0; i < r.chain.size(); ++i) {
    const auto &c = r.chain[i];
    lines.push_back("TLS certificate " + std::to_string(i) + ": subject " + c.subject);
    lines.push_back("TLS   issuer " + c.issuer);
    lines.push_back("TLS   SANs " + joined(c.sans));
    lines.push_back("TLS   not after " + c.not_after);
    lines.push_back("TLS   SPKI sha256//" + c.spki_sha256);
  }
  return lines;
}

std::string tls_report_json(const net::tls_report &r) {
  nlohmann::ordered_json j = {{"type", "tls_info"}, {"broker", r.target}, {"protocol", r.protocol},
                              {"cipher", r.cipher}};
  if (!r.alpn.empty())
    j["alpn"] = r.alpn;
  if (!r.sni.empty())
    j["sni"] = r.sni;
  if (!r.psk_identity.empty())
    j["psk_identity"] = r.psk_identity;
  j["verified"] = r.verified;
  j["chain"] = nlohmann::ordered_json::array();
  for (const auto &c : r.chain)
    j["chain"].push_back({{"subject", c.subject},
                          {"issuer", c.issuer},
                          {"sans", c.sans},
                          {"not_after", c.not_after},
                          {"spki_sha256", c.spki_sha256}});
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::function<void(const net::tls_report &)> make_tls_info_printer(tls_info_style style) {
  struct state {
    std::mutex lock;
    std::set<std::string> reported; // targets, with once_per_target
  };
  auto shared = std::make_shared<state>();
  return [style, shared](const net::tls_report &report) {
    std::lock_guard<std::mutex> guard(shared->lock);
    if (style.once_per_target && !shared->reported.insert(report.target).second)
      return;
    if (style.json) {
      write_stdout(tls_report_json(report) + "\n");
      return;
    }
    for (const auto &line : tls_report_lines(report))
      print_debug(line);
  };
}

} // namespace mqtk::apps
