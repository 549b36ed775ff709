#include "common/file_input.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mqtk::apps {

namespace {

std::string failure(const char *what, const std::string &path, const std::string &reason) {
  return std::string("cannot read ") + what + " '" + path + "': " + reason;
}

// Opens path for reading; -1 with error set when it cannot be read (a directory included).
int open_for_reading(const std::string &path, const char *what, std::string &error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = failure(what, path, std::strerror(errno));
    return -1;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    error = failure(what, path, "is a directory");
    return -1;
  }
  return fd;
}

} // namespace

bool read_file(const std::string &path, const char *what, std::size_t max_bytes, std::string &out,
               std::string &error) {
  out.clear();
  const int fd = open_for_reading(path, what, error);
  if (fd < 0)
    return false;
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error = failure(what, path, std::strerror(errno));
      ::close(fd);
      return false;
    }
    if (n == 0)
      break;
    if (out.size() + static_cast<std::size_t>(n) > max_bytes) {
      error = std::string(what) + " '" + path + "' is larger than " + std::to_string(max_bytes) + " bytes";
      ::close(fd);
      return false;
    }
    out.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return true;
}

std::string unreadable_file_error(const std::string &path, const char *what) {
  std::string error;
  const int fd = open_for_reading(path, what, error);
  if (fd >= 0)
    ::close(fd);
  return error;
}

} // namespace mqtk::apps
