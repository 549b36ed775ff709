// mqtk-retain-clear: the --backup file, in the JSON lines format mqtk-pub --jsonl reads.
#include "retain-clear/backup.hpp"

#include "common/json_message.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mqtk::apps::retain_clear {

backup_file::~backup_file() {
  if (file_ != nullptr)
    std::fclose(file_);
}

bool backup_file::open(const std::string &path, std::string &error) {
  path_ = path;
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr) {
    error = "cannot write backup file " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool backup_file::append(const std::vector<retained_entry> &entries, std::size_t first, std::string &error) {
  std::string out;
  out.reserve((entries.size() - first) * 128);
  for (std::size_t i = first; i < entries.size(); ++i) {
    append_message_json(out, entries[i].view(), entries[i].received_at);
    out += '\n';
  }
  if (std::fwrite(out.data(), 1, out.size(), file_) != out.size() || std::fflush(file_) != 0 ||
      ::fsync(::fileno(file_)) != 0) {
    error = "cannot write backup file " + path_ + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

} // namespace mqtk::apps::retain_clear
