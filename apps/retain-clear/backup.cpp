// mqtk-retain-clear: the --backup file, in the JSON lines format mqtk-pub --jsonl reads, replaced
// atomically (temporary file, fsync, rename, fsync of the directory).
#include "retain-clear/backup.hpp"

#include "common/json_message.hpp"
#include "retain-clear/retained_rules.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace mqtk::apps::retain_clear {

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

// Replaces target with data: a temporary file next to it, written, synced, renamed over target,
// then the directory synced. Returns 0, or the errno of the first failure (target untouched unless
// only the directory sync failed).
int replace_with(const std::string &target, const std::string &data) {
  std::string temporary;
  const int fd = create_temporary(target, temporary);
  if (fd < 0)
    return errno;
  struct stat st {};
  // A replaced backup keeps its permissions; a new one stays 0600 (payloads may be secrets).
  if (::stat(target.c_str(), &st) == 0)
    ::fchmod(fd, st.st_mode & 07777);
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

} // namespace

bool backup_file::prepare(const std::string &path, bool force, std::string &error) {
  const std::string cannot = "cannot write backup file " + path + ": ";
  std::string target = path;
  struct stat st {};
  const bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists && errno != ENOENT) {
    error = cannot + std::strerror(errno);
    return false;
  }
  if (exists) {
    backup_target existing{true, S_ISREG(st.st_mode), S_ISDIR(st.st_mode), static_cast<std::uint64_t>(st.st_size)};
    if (auto problem = backup_problem(existing, force); !problem.empty()) {
      error = "backup file " + path + " " + problem;
      return false;
    }
    char resolved[PATH_MAX];
    if (::realpath(path.c_str(), resolved) == nullptr) {
      error = cannot + std::strerror(errno);
      return false;
    }
    target = resolved;
  }
  // Proves that the directory takes a new file, the way write() will create one; FILE is untouched.
  std::string probe;
  const int fd = create_temporary(target, probe);
  if (fd < 0) {
    error = cannot + std::strerror(errno);
    return false;
  }
  ::close(fd);
  ::unlink(probe.c_str());
  path_ = path;
  target_ = target;
  return true;
}

bool backup_file::write(const std::vector<retained_entry> &entries, std::string &error) {
  std::string out;
  out.reserve(entries.size() * 128);
  for (const auto &e : entries) {
    append_message_json(out, e.view(), e.received_at);
    out += '\n';
  }
  const int failure = replace_with(target_, out);
  if (failure != 0) {
    error = "cannot write backup file " + path_ + ": " + std::strerror(failure);
    return false;
  }
  written_ = true;
  return true;
}

} // namespace mqtk::apps::retain_clear
