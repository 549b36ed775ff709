#include "common/runtime.hpp"

#include "common/diagnostics.hpp"
#include "common/exit_status.hpp"
#include "common/fd_wait.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <optional>

namespace mqtk::apps {

namespace {

// How long a tool may take to end cleanly after the first signal before it exits anyway.
constexpr std::chrono::seconds interrupt_backstop{5};

// Set by note_signal, which runs before Asio's own handler: Asio hands a signal to the loop, and a
// loop that finishes first (Ctrl-C also ends the command feeding our stdin, and its EOF can win)
// never sees it.
volatile std::sig_atomic_t signal_arrived = 0;
using signal_handler = void (*)(int);
signal_handler asio_sigint = nullptr, asio_sigterm = nullptr;

void note_signal(int signo) {
  signal_arrived = 1;
  const signal_handler next = signo == SIGINT ? asio_sigint : asio_sigterm;
  if (next != nullptr)
    next(signo);
}

// Puts note_signal in front of the handler Asio installed for signo.
void chain_signal(int signo, signal_handler &asio_handler) {
  struct sigaction current{};
  if (::sigaction(signo, nullptr, &current) != 0 || (current.sa_flags & SA_SIGINFO) != 0 ||
      current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN || current.sa_handler == note_signal)
    return;
  asio_handler = current.sa_handler;
  current.sa_handler = note_signal;
  ::sigaction(signo, &current, nullptr);
}

} // namespace

struct runtime::impl {
  boost::asio::io_context io{1};
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  boost::asio::steady_timer backstop{io};
  std::function<void()> interrupt;
  bool interrupted = false;
  bool finished = false;
  int status = 0;

  void wait_signal() {
    signals.async_wait([this](const boost::system::error_code &ec, int) {
      if (ec)
        return;
      if (interrupted || !interrupt)
        std::_Exit(130);
      interrupted = true;
      wait_signal();
      backstop.expires_after(interrupt_backstop);
      backstop.async_wait([this](const boost::system::error_code &wait_error) {
        if (wait_error || finished)
          return;
        print_error("interrupted, but ending cleanly took more than 5 s: exiting now");
        std::_Exit(130);
      });
      interrupt();
    });
  }
};

bool interrupt_signal_arrived() noexcept {
  return signal_arrived != 0;
}

runtime::runtime() : impl_(std::make_unique<impl>()) {
  std::signal(SIGPIPE, SIG_IGN);
  signal_arrived = 0;
  chain_signal(SIGINT, asio_sigint);
  chain_signal(SIGTERM, asio_sigterm);
  impl_->wait_signal();
}

runtime::~runtime() = default;
boost::asio::io_context &runtime::io() noexcept { return impl_->io; }
void runtime::on_interrupt(std::function<void()> handler) { impl_->interrupt = std::move(handler); }
bool runtime::finished() const noexcept { return impl_->finished; }

int runtime::run() {
  while (!impl_->finished) {
    if (impl_->io.run_one() == 0)
      break;
  }
  return signal_arrived != 0 ? exit_interrupted : impl_->status;
}

void runtime::finish(int status) {
  if (impl_->finished)
    return;
  impl_->finished = true;
  impl_->status = status;
  impl_->signals.cancel();
  impl_->backstop.cancel();
  impl_->io.stop();
}

// The generation counter is shared with the pending handler: a timer destroyed after its expiry
// was already queued (the handler then runs with success) leaves the handler a counter that says
// "stale" instead of freed memory.
struct runtime::timer::impl {
  explicit impl(boost::asio::io_context &io) : t(io) {}
  boost::asio::steady_timer t;
  std::shared_ptr<std::uint64_t> generation = std::make_shared<std::uint64_t>(0);
};

runtime::timer::timer(runtime &rt) : impl_(std::make_unique<impl>(rt.io())) {}

runtime::timer::~timer() {
  if (impl_)
    ++*impl_->generation;
}

void runtime::timer::start(std::chrono::steady_clock::duration delay, std::function<void()> fn) {
  const auto generation = ++*impl_->generation;
  impl_->t.expires_after(delay);
  impl_->t.async_wait(
      [current = impl_->generation, generation, fn = std::move(fn)](const boost::system::error_code &ec) {
        if (!ec && *current == generation)
          fn();
      });
}

void runtime::timer::cancel() {
  ++*impl_->generation;
  impl_->t.cancel();
}

struct line_reader::impl {
  impl(runtime &loop, std::size_t max) : rt(loop), io(loop.io()), max_line(max) {}
  runtime &rt;
  boost::asio::io_context &io;
  // Readiness without touching stdin's flags (an Asio descriptor sets O_NONBLOCK); made at the first
  // start, so that a tool which never reads lines does not open an epoll instance for stdin.
  std::optional<fd_wait> wait;
  std::size_t max_line;
  bool use_async = false;
  bool paused = false;
  bool reading = false;
  bool ended = false;
  std::string buffer;
  std::size_t scan_from = 0;
  std::function<bool(std::string_view)> on_line;
  std::function<void(const std::string &)> on_end;
  char chunk[64 * 1024];

  // Delivers complete lines; returns false when paused.
  bool deliver() {
    std::size_t start = 0;
    while (true) {
      const auto nl = buffer.find('\n', scan_from);
      if (nl == std::string::npos)
        break;
      std::size_t end = nl;
      if (end > start && buffer[end - 1] == '\r')
        --end;
      std::string_view line(buffer.data() + start, end - start);
      start = nl + 1;
      scan_from = start;
      if (!on_line(line)) {
        buffer.erase(0, start);
        scan_from = 0;
        paused = true;
        return false;
      }
    }
    buffer.erase(0, start);
    scan_from = buffer.size();
    if (buffer.size() > max_line) {
      finish("a line is longer than " + std::to_string(max_line) + " bytes");
      return false;
    }
    return true;
  }

  void finish(const std::string &error) {
    if (ended)
      return;
    ended = true;
    on_end(error);
  }

  void at_eof() {
    if (!buffer.empty()) {
      std::string last = std::move(buffer);
      buffer.clear();
      if (!last.empty() && last.back() == '\r')
        last.pop_back();
      if (!on_line(last)) {
        // The last line was taken; report the end once resumed.
        paused = true;
        buffer.clear();
        ended_after_resume = true;
        return;
      }
    }
    finish("");
  }
  bool ended_after_resume = false;

  // stdin is ready: reads no more than it holds (FIONREAD), so the blocking read returns at once.
  void read_ready() {
    int available = 0;
    std::size_t want = sizeof chunk;
    if (::ioctl(STDIN_FILENO, FIONREAD, &available) == 0 && available > 0)
      want = std::min(want, static_cast<std::size_t>(available));
    const ssize_t n = ::read(STDIN_FILENO, chunk, want);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
      pump(); // O_NONBLOCK set by another process, or a signal: wait again
      return;
    }
    if (n <= 0) {
      const std::string error = n < 0 ? std::string("cannot read stdin: ") + std::strerror(errno) : std::string();
      if (!deliver())
        return;
      if (!error.empty()) {
        finish(error);
        return;
      }
      at_eof();
      return;
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
    pump();
  }

  void pump() {
    if (paused || ended || reading)
      return;
    if (!deliver())
      return;
    if (ended_after_resume) {
      finish("");
      return;
    }
    if (use_async) {
      reading = true;
      wait->readable([this] {
        reading = false;
        read_ready();
      });
      return;
    }
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0) {
      finish(std::string("cannot read stdin: ") + std::strerror(errno));
      return;
    }
    if (n == 0) {
      at_eof();
      return;
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
    boost::asio::post(io, [this] { pump(); });
  }
};

line_reader::line_reader(runtime &rt, std::size_t max_line) : impl_(std::make_unique<impl>(rt, max_line)) {}

line_reader::~line_reader() = default;

void line_reader::start(std::function<bool(std::string_view)> on_line, std::function<void(const std::string &)> on_end) {
  impl_->on_line = std::move(on_line);
  impl_->on_end = std::move(on_end);
  impl_->ended = impl_->paused = impl_->ended_after_resume = false; // started again: from the top
  impl_->buffer.clear();
  impl_->scan_from = 0;
  struct stat st{};
  const bool regular = ::fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode);
  if (!regular && !impl_->wait)
    impl_->wait.emplace(impl_->rt, STDIN_FILENO);
  impl_->use_async = !regular && impl_->wait->usable();
  boost::asio::post(impl_->io, [this] { impl_->pump(); });
}

void line_reader::resume() {
  if (!impl_->paused)
    return;
  impl_->paused = false;
  boost::asio::post(impl_->io, [this] { impl_->pump(); });
}

bool read_all_stdin(std::string &out, std::string &error) {
  char chunk[64 * 1024];
  while (true) {
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      error = std::string("cannot read stdin: ") + std::strerror(errno);
      return false;
    }
    if (n == 0)
      return true;
    out.append(chunk, static_cast<std::size_t>(n));
  }
}

} // namespace mqtk::apps
