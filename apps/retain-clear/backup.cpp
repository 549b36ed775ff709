// mqtk-retain-clear: the --backup file, in the JSON lines format mqtk-pub --jsonl reads, replaced
// atomically (common/replacing_file: temporary file, fsync, rename, fsync of the directory).
#include "retain-clear/backup.hpp"

#include "common/json_message.hpp"
#include "common/replacing_file.hpp"
#include "retain-clear/retained_rules.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace mqtk::apps::retain_clear {

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
  if (const int failure = probe_replacement(target, true); failure != 0) {
    error = cannot + std::strerror(failure);
    return false;
  }
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
  // A replaced backup keeps its permissions; a new one stays 0600 (payloads may be secrets).
  const int failure = replace_file(target_, out, true);
  if (failure != 0) {
    error = "cannot write backup file " + path_ + ": " + std::strerror(failure);
    return false;
  }
  written_ = true;
  return true;
}

} // namespace mqtk::apps::retain_clear
