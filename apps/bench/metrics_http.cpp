// mqtk-bench: the few HTTP/1.1 rules the metrics endpoint needs (GET /metrics, else 404).
#include "bench/metrics_http.hpp"

#include <algorithm>

namespace mqtk::apps::bench {

metrics_request classify_metrics_request(std::string_view received) {
  const auto head_end = received.find("\r\n\r\n");
  const auto bare_end = received.find("\n\n"); // tolerated, as most servers do
  const auto end = std::min(head_end, bare_end);
  if (end == std::string_view::npos)
    return received.size() > metrics_max_request ? metrics_request::too_large : metrics_request::incomplete;
  if (end > metrics_max_request)
    return metrics_request::too_large;
  const std::string_view line = received.substr(0, received.find_first_of("\r\n"));
  const auto first_space = line.find(' ');
  const auto last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space)
    return metrics_request::bad_request;
  const std::string_view method = line.substr(0, first_space);
  const std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = line.substr(last_space + 1);
  if (version.substr(0, 7) != "HTTP/1." || version.size() != 8 || target.empty() ||
      target.find(' ') != std::string_view::npos)
    return metrics_request::bad_request;
  const std::string_view path = target.substr(0, target.find('?'));
  return method == "GET" && path == "/metrics" ? metrics_request::metrics : metrics_request::not_found;
}

std::string metrics_response(metrics_request request, std::string_view body) {
  std::string status = "200 OK", type = "text/plain; version=0.0.4; charset=utf-8";
  std::string text(body);
  switch (request) {
  case metrics_request::metrics:
    break;
  case metrics_request::not_found:
    status = "404 Not Found";
    text = "mqtk-bench serves GET /metrics only\n";
    break;
  case metrics_request::too_large:
    status = "431 Request Header Fields Too Large";
    text = "request head larger than " + std::to_string(metrics_max_request) + " bytes\n";
    break;
  case metrics_request::bad_request:
  case metrics_request::incomplete:
    status = "400 Bad Request";
    text = "not an HTTP/1.x request\n";
    break;
  }
  if (request != metrics_request::metrics)
    type = "text/plain; charset=utf-8";
  return "HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(text.size()) +
         "\r\nConnection: close\r\n\r\n" + text;
}

} // namespace mqtk::apps::bench
