// Atomic file replacement: temporary file, fsync, rename, fsync of the directory.
#include "common/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace mqtk::apps {

namespace {

std::string base_of(const std::string &path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Creates a temporary file next to target (mode 0600); -1 with errno on failure.
int create_temporary(const std::string &target, std::string &name) {
  name = directory_of(target) + "/." + base_of(target) + ".tmp-XXXXXX";
  return ::mkstemp(name.data());
}

bool write_all(int fd, const std::string &data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      if (n == 0)
        errno = EIO;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
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

} // namespace

std::string directory_of(const std::string &path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

int replace_file_atomically(const std::string &target, const std::string &data, bool private_file) {
  std::string temporary;
  const int fd = create_temporary(target, temporary);
  if (fd < 0)
    return errno;
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0) {
    ::fchmod(fd, st.st_mode & 07777);
  } else if (!private_file) {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
  }
  int failure = write_all(fd, data) && ::fsync(fd) == 0 ? 0 : errno;
  if (::close(fd) != 0 && failure == 0)
    failure = errno;
  if (failure == 0 && ::rename(temporary.c_str(), target.c_str()) != 0)
    failure = errno;
  if (failure != 0) {
    ::unlink(temporary.c_str());
    return failure;
  }
  return sync_directory(directory_of(target)) ? 0 : errno;
}

int probe_replace_directory(const std::string &target) {
  std::string probe;
  const int fd = create_temporary(target, probe);
  if (fd < 0)
    return errno;
  ::close(fd);
  ::unlink(probe.c_str());
  return 0;
}

} // namespace mqtk::apps
