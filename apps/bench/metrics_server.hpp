#pragma once

#include "bench/listen_address.hpp"
#include "common/runtime.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace mqtk::apps::bench {

// How long one scrape may take (reading the request, then writing the answer) before the
// connection is closed, and how many connections are served at once (more are closed at once).
inline constexpr std::chrono::seconds metrics_scrape_timeout{5};
inline constexpr std::size_t metrics_max_connections = 16;

// A small HTTP/1.1 server on the runtime's loop for the metrics endpoint: GET /metrics answers
// render(), anything else 404, one request per connection. Nothing it does waits: a scraper that
// sends slowly or never reads costs one connection slot until metrics_scrape_timeout.
class metrics_server {
public:
  // A server on rt's loop whose metrics text is render() at each scrape.
  metrics_server(runtime &rt, std::function<std::string()> render);
  ~metrics_server();
  metrics_server(const metrics_server &) = delete;
  metrics_server &operator=(const metrics_server &) = delete;

  // Listens on address; "" or why it cannot ("Address already in use").
  std::string listen(const listen_address &address);
  // The address listened on, with the port the system chose when 0 was asked.
  listen_address bound() const;
  // Stops listening and closes every connection; render() is not called again.
  void stop();

private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

} // namespace mqtk::apps::bench
