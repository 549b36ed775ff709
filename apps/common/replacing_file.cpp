// Files replaced in one step: a temporary file next to the target, synced, renamed over it.
#include "common/replacing_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace mqtk::apps {

namespace {

std::string directory_of(const std::string &path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string base_of(const std::string &path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool sync_directory(const std::string &dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return false;
  // EINVAL: a file system that cannot sync directories; the rename is as durable as it gets there.
  const bool ok = ::fsync(fd) == 0 || errno == EINVAL;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

mode_t umask_now() {
  const mode_t mask = ::umask(022);
  ::umask(mask);
  return mask;
}

} // namespace

replacing_file::~replacing_file() { discard(); }

int replacing_file::open(const std::string &path, bool private_new) {
  discard();
  failure_ = 0;
  target_ = path;
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && errno != ENOENT)
    return errno;
  if (exists && S_ISDIR(st.st_mode))
    return EISDIR;
  if (exists) {
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr)
      return errno;
    target_ = resolved;
  }
  temporary_ = directory_of(target_) + "/." + base_of(target_) + ".tmp-XXXXXX";
  fd_ = ::mkstemp(temporary_.data()); // mode 0600
  if (fd_ < 0)
    return errno;
  if (exists)
    ::fchmod(fd_, st.st_mode & 07777);
  else if (!private_new)
    ::fchmod(fd_, 0666 & ~umask_now());
  return 0;
}

int replacing_file::write(std::string_view data) {
  if (fd_ < 0)
    return failure_ ? failure_ : EBADF;
  while (failure_ == 0 && !data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      failure_ = n == 0 ? EIO : errno;
    else
      data.remove_prefix(static_cast<std::size_t>(n));
  }
  return failure_;
}

int replacing_file::commit() {
  if (fd_ < 0)
    return failure_ ? failure_ : EBADF;
  if (failure_ == 0 && ::fsync(fd_) != 0)
    failure_ = errno;
  if (::close(fd_) != 0 && failure_ == 0)
    failure_ = errno;
  fd_ = -1;
  if (failure_ == 0 && ::rename(temporary_.c_str(), target_.c_str()) != 0)
    failure_ = errno;
  if (failure_ != 0) {
    ::unlink(temporary_.c_str());
    return failure_;
  }
  return sync_directory(directory_of(target_)) ? 0 : errno;
}

void replacing_file::discard() noexcept {
  if (fd_ < 0)
    return;
  ::close(fd_);
  ::unlink(temporary_.c_str());
  fd_ = -1;
}

int probe_replacement(const std::string &path, bool private_new) {
  replacing_file probe;
  const int failure = probe.open(path, private_new);
  probe.discard();
  return failure;
}

int replace_file(const std::string &path, std::string_view data, bool private_new) {
  replacing_file file;
  if (int failure = file.open(path, private_new); failure != 0)
    return failure;
  if (int failure = file.write(data); failure != 0)
    return failure;
  return file.commit();
}

} // namespace mqtk::apps
