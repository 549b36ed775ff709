#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mqtk::apps::bench {

// The largest request head the metrics endpoint reads; a longer one is answered 431.
inline constexpr std::size_t metrics_max_request = 8192;

// What a request to the metrics endpoint asks for, judged from the bytes received so far.
enum class metrics_request {
  incomplete,  // no blank line yet: read on
  metrics,     // GET /metrics (any query string)
  not_found,   // any other method or path: 404
  bad_request, // not an HTTP/1.x request line: 400
  too_large,   // no end of the head within metrics_max_request bytes: 431
};

// Classifies the request head in received (everything read from the connection so far).
metrics_request classify_metrics_request(std::string_view received);

// The whole HTTP/1.1 response (status line, headers with Connection: close, body) for what the
// request asked; body is the metrics text, used only for metrics_request::metrics.
std::string metrics_response(metrics_request request, std::string_view body);

} // namespace mqtk::apps::bench
