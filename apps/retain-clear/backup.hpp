#pragma once

#include "retain-clear/retained_store.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace mqtk::apps::retain_clear {

// The --backup file: opened (and truncated) before connecting, so an unwritable path stops the
// run before anything changes; each pass's messages are appended and synced before they are cleared.
class backup_file {
public:
  backup_file() = default;
  ~backup_file();
  backup_file(const backup_file &) = delete;
  backup_file &operator=(const backup_file &) = delete;

  // Opens path for writing; false with error ("cannot write backup file PATH: reason") on failure.
  bool open(const std::string &path, std::string &error);
  // Appends entries [first, end) as JSON lines (GUIDE §5; mqtk-pub --jsonl restores them), flushes
  // and syncs; false with error on failure.
  bool append(const std::vector<retained_entry> &entries, std::size_t first, std::string &error);
  // True after a successful open().
  bool is_open() const noexcept { return file_ != nullptr; }

private:
  std::FILE *file_ = nullptr;
  std::string path_;
};

} // namespace mqtk::apps::retain_clear
