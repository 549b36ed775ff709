#include "common/child_process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>

extern char **environ;

namespace mqtk::apps {

std::vector<std::string> shell_command(const std::string &command) { return {"/bin/sh", "-c", command}; }

std::string child_result::describe() const {
  if (!started)
    return "could not start: " + error;
  if (timed_out)
    return "timed out (process group killed)";
  if (signal != 0) {
    const char *name = ::sigabbrev_np(signal);
    return "killed by signal " + std::to_string(signal) + (name ? std::string(" (SIG") + name + ")" : "");
  }
  return "exit status " + std::to_string(exit_code);
}

namespace {

// The environment for the child: ours with spec.env added or replaced.
std::vector<std::string> child_environment(const std::vector<std::pair<std::string, std::string>> &extra,
                                           const std::string &drop_prefix) {
  std::map<std::string, std::string> overrides(extra.begin(), extra.end());
  std::vector<std::string> out;
  for (char **e = environ; e && *e; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string::npos && overrides.count(entry.substr(0, eq)))
      continue;
    if (!drop_prefix.empty() && entry.compare(0, drop_prefix.size(), drop_prefix) == 0)
      continue;
    out.push_back(entry);
  }
  for (const auto &[name, value] : overrides)
    out.push_back(name + "=" + value);
  return out;
}

std::vector<char *> c_strings(std::vector<std::string> &strings) {
  std::vector<char *> out;
  for (auto &s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

} // namespace

struct child_process::impl : std::enable_shared_from_this<child_process::impl> {
  impl(boost::asio::io_context &io, child_spec s, std::function<void(child_result)> done)
      : io_(io), spec(std::move(s)), on_done(std::move(done)), in(io), out(io), exit_fd(io), timer(io),
        kill_timer(io), poll_timer(io) {}
  boost::asio::io_context &io_;
  child_spec spec;
  std::function<void(child_result)> on_done;
  boost::asio::posix::stream_descriptor in, out, exit_fd;
  boost::asio::steady_timer timer, kill_timer, poll_timer;
  pid_t pid = -1;
  bool reaped = false, out_done = false, finished = false, killing = false;
  child_result result;
  std::array<char, 16384> buffer{};

  void spawn() {
    int in_pipe[2], out_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0)
      return fail(std::strerror(errno));
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
      ::close(in_pipe[0]);
      ::close(in_pipe[1]);
      return fail(std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults, empty;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigemptyset(&empty);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    auto args = spec.argv;
    auto env = child_environment(spec.env, spec.drop_inherited_prefix);
    auto argv = c_strings(args);
    auto envp = c_strings(env);
    const int rc = args.empty() ? EINVAL : ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    if (rc != 0) {
      ::close(in_pipe[1]);
      ::close(out_pipe[0]);
      return fail(args.empty() ? std::string("empty command") : args[0] + ": " + std::strerror(rc));
    }
    result.started = true;
    set_nonblocking(in_pipe[1]);
    set_nonblocking(out_pipe[0]);
    in.assign(in_pipe[1]);
    out.assign(out_pipe[0]);
    write_stdin();
    read_stdout();
    watch_exit();
    if (spec.timeout.count() > 0) {
      timer.expires_after(spec.timeout);
      timer.async_wait([weak = weak_from_this()](const boost::system::error_code &ec) {
        if (auto self = weak.lock(); self && !ec && !self->finished) {
          self->result.timed_out = true;
          if (self->reaped)
            self->end_leftovers(); // it exited, but what it started still holds stdout open
          else
            self->terminate();
        }
      });
    }
  }

  void fail(std::string why) {
    result.error = std::move(why);
    reaped = out_done = true;
    boost::asio::post(io_, [weak = weak_from_this()] {
      if (auto self = weak.lock())
        self->maybe_finish();
    });
  }

  void write_stdin() {
    if (spec.stdin_data.empty()) {
      in.close();
      return;
    }
    boost::asio::async_write(in, boost::asio::buffer(spec.stdin_data),
                             [weak = weak_from_this()](const boost::system::error_code &, std::size_t) {
                               if (auto self = weak.lock()) {
                                 boost::system::error_code ignored;
                                 self->in.close(ignored); // EPIPE: the child did not read it all
                               }
                             });
  }

  void read_stdout() {
    out.async_read_some(boost::asio::buffer(buffer),
                        [weak = weak_from_this()](const boost::system::error_code &ec, std::size_t n) {
                          auto self = weak.lock();
                          if (!self)
                            return;
                          if (n > 0) {
                            const auto room = self->spec.max_output - std::min(self->spec.max_output,
                                                                               self->result.output.size());
                            self->result.output.append(self->buffer.data(), std::min(room, n));
                            if (n > room)
                              self->result.output_truncated = true;
                          }
                          if (ec) {
                            boost::system::error_code ignored;
                            self->out.close(ignored);
                            self->out_done = true;
                            self->maybe_finish();
                            return;
                          }
                          self->read_stdout();
                        });
  }

  void watch_exit() {
    const int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (fd >= 0) {
      exit_fd.assign(fd);
      exit_fd.async_wait(boost::asio::posix::descriptor_base::wait_read,
                         [weak = weak_from_this()](const boost::system::error_code &ec) {
                           if (auto self = weak.lock(); self && !ec && !self->try_reap())
                             self->poll_exit(); // readable before waitpid could reap it: look again
                         });
      return;
    }
    poll_exit();
  }

  void poll_exit() { // no pidfd (old kernel or seccomp): look every 10 ms
    poll_timer.expires_after(std::chrono::milliseconds(10));
    poll_timer.async_wait([weak = weak_from_this()](const boost::system::error_code &ec) {
      if (auto self = weak.lock(); self && !ec && !self->try_reap())
        self->poll_exit();
    });
  }

  bool try_reap() {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == 0)
      return false;
    reaped = true;
    if (r == pid) {
      if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
      else if (WIFSIGNALED(status))
        result.signal = WTERMSIG(status);
    }
    if (killing || result.timed_out)
      ::kill(-pid, SIGKILL); // what is left of the group (and it holds stdout open)
    maybe_finish();
    return true;
  }

  void terminate() {
    if (killing || reaped)
      return;
    killing = true;
    ::kill(-pid, SIGTERM);
    kill_timer.expires_after(spec.kill_grace);
    kill_timer.async_wait([weak = weak_from_this()](const boost::system::error_code &ec) {
      if (auto self = weak.lock(); self && !ec) {
        ::kill(-self->pid, SIGKILL);
        boost::system::error_code ignored;
        self->out.close(ignored); // a grandchild outside the group may hold it open
      }
    });
  }

  // The command exited but its group (a background child) keeps stdout open: kill the group and
  // stop reading, so that on_done follows.
  void end_leftovers() {
    ::kill(-pid, SIGKILL);
    boost::system::error_code ignored;
    out.close(ignored);
  }

  void maybe_finish() {
    if (finished || !reaped || !out_done)
      return;
    finished = true;
    timer.cancel();
    kill_timer.cancel();
    poll_timer.cancel();
    boost::system::error_code ignored;
    exit_fd.close(ignored);
    in.close(ignored);
    if (auto done = std::move(on_done))
      done(std::move(result));
  }

  void abandon() {
    on_done = nullptr;
    if (result.started && !reaped) {
      ::kill(-pid, SIGKILL);
      int status = 0;
      ::waitpid(pid, &status, 0);
      reaped = true;
    }
    finished = true;
  }
};

child_process::child_process(runtime &rt, child_spec spec, std::function<void(child_result)> on_done)
    : impl_(std::make_shared<impl>(rt.io(), std::move(spec), std::move(on_done))) {
  impl_->spawn();
}

child_process::~child_process() { impl_->abandon(); }

void child_process::kill() { impl_->terminate(); }

bool child_process::running() const noexcept { return !impl_->finished; }

job_limiter::job_limiter(std::size_t limit) : limit_(limit == 0 ? 1 : limit) {}

void job_limiter::submit(std::function<void(std::function<void()> done)> task) {
  if (running_ < limit_)
    start(std::move(task));
  else
    waiting_.push_back(std::move(task));
}

void job_limiter::start(std::function<void(std::function<void()> done)> task) {
  ++running_;
  task([this, alive = std::weak_ptr<bool>(alive_), called = std::make_shared<bool>(false)] {
    if (alive.expired() || *called)
      return;
    *called = true;
    --running_;
    if (!waiting_.empty() && running_ < limit_) {
      auto next = std::move(waiting_.front());
      waiting_.pop_front();
      start(std::move(next));
    }
  });
}

} // namespace mqtk::apps
