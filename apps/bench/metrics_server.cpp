// mqtk-bench: the --metrics-listen HTTP endpoint on Asio (kept out of the header).
#include "bench/metrics_server.hpp"

#include "bench/metrics_http.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <list>

namespace mqtk::apps::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::milliseconds accept_retry{100};

// One scrape: read the request head, write the answer, close; all within the deadline.
struct scrape : std::enable_shared_from_this<scrape> {
  scrape(tcp::socket s, std::function<std::string()> &render_fn)
      : socket(std::move(s)), deadline(socket.get_executor()), render(render_fn) {}

  void start() {
    deadline.expires_after(metrics_scrape_timeout);
    deadline.async_wait([self = shared_from_this()](const boost::system::error_code &ec) {
      if (!ec)
        self->close();
    });
    read();
  }

  void read() {
    socket.async_read_some(asio::buffer(chunk), [self = shared_from_this()](const boost::system::error_code &ec,
                                                                            std::size_t n) {
      if (self->closed)
        return;
      if (ec)
        return self->close();
      self->received.append(self->chunk.data(), n);
      const auto request = classify_metrics_request(self->received);
      if (request == metrics_request::incomplete)
        return self->read();
      self->answer(request);
    });
  }

  void answer(metrics_request request) {
    response = metrics_response(request, request == metrics_request::metrics ? render() : std::string());
    received.clear();
    asio::async_write(socket, asio::buffer(response),
                      [self = shared_from_this()](const boost::system::error_code &ec, std::size_t) {
                        if (self->closed)
                          return;
                        if (ec)
                          return self->close();
                        boost::system::error_code ignored;
                        self->socket.shutdown(tcp::socket::shutdown_send, ignored);
                        self->drain();
                      });
  }

  // After the answer: reads until the scraper closes its side (or the deadline), so that closing
  // never resets a connection whose answer the scraper has not read yet.
  void drain() {
    socket.async_read_some(asio::buffer(chunk), [self = shared_from_this()](const boost::system::error_code &ec,
                                                                            std::size_t) {
      if (self->closed)
        return;
      if (ec)
        return self->close();
      self->drain();
    });
  }

  void close() {
    if (closed)
      return;
    closed = true;
    boost::system::error_code ignored;
    deadline.cancel();
    socket.close(ignored);
  }

  tcp::socket socket;
  asio::steady_timer deadline;
  std::function<std::string()> &render;
  std::array<char, 2048> chunk{};
  std::string received, response;
  bool closed = false;
};

} // namespace

struct metrics_server::impl : std::enable_shared_from_this<metrics_server::impl> {
  impl(asio::io_context &io_context, std::function<std::string()> render_fn)
      : acceptor(io_context), retry(io_context), render(std::move(render_fn)) {}

  void accept() {
    acceptor.async_accept([self = shared_from_this()](const boost::system::error_code &ec, tcp::socket socket) {
      if (self->stopped)
        return;
      if (ec) { // out of file descriptors, say: try again a little later rather than spin
        self->retry.expires_after(accept_retry);
        self->retry.async_wait([self](const boost::system::error_code &wait_error) {
          if (!wait_error && !self->stopped)
            self->accept();
        });
        return;
      }
      self->scrapes.remove_if([](const std::weak_ptr<scrape> &s) { return s.expired(); });
      if (self->scrapes.size() < metrics_max_connections) {
        auto s = std::make_shared<scrape>(std::move(socket), self->render);
        self->scrapes.push_back(s);
        s->start();
      } // else: the socket closes as it goes out of scope
      self->accept();
    });
  }

  void stop() {
    if (stopped)
      return;
    stopped = true;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    retry.cancel();
    for (auto &weak : scrapes)
      if (auto s = weak.lock())
        s->close();
    scrapes.clear();
  }

  tcp::acceptor acceptor;
  asio::steady_timer retry;
  std::function<std::string()> render;
  std::list<std::weak_ptr<scrape>> scrapes;
  bool stopped = false;
};

metrics_server::metrics_server(runtime &rt, std::function<std::string()> render)
    : impl_(std::make_shared<impl>(rt.io(), std::move(render))) {}

metrics_server::~metrics_server() { stop(); }

std::string metrics_server::listen(const listen_address &address) {
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address.host, ec);
  if (ec)
    return ec.message();
  const tcp::endpoint endpoint(ip, address.port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec)
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec)
    impl_->acceptor.bind(endpoint, ec);
  if (!ec)
    impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
    return ec.message();
  }
  impl_->accept();
  return {};
}

listen_address metrics_server::bound() const {
  boost::system::error_code ec;
  const auto endpoint = impl_->acceptor.local_endpoint(ec);
  if (ec)
    return {};
  return {endpoint.address().to_string(), endpoint.port()};
}

void metrics_server::stop() { impl_->stop(); }

} // namespace mqtk::apps::bench
