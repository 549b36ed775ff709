#pragma once

#include "retain-clear/retained_store.hpp"

#include <string>
#include <vector>

namespace mqtk::apps::retain_clear {

// The --backup file. Nothing touches FILE until there is something to write: prepare() (before
// connecting) only checks that it can be written; write() puts every entry in a temporary file in
// the same directory, syncs it, renames it over FILE and syncs the directory, so FILE is always
// either what it was before or the complete new backup.
class backup_file {
public:
  // Checks that path can be written and that it is not a non-empty file (unless force); a symbolic
  // link is followed, so the link stays and its target is replaced. False with error
  // ("cannot write backup file PATH: reason", or the refusal) when the run must not go on.
  bool prepare(const std::string &path, bool force, std::string &error);
  // Writes entries as JSON lines (GUIDE §5; mqtk-pub --jsonl restores them) and replaces FILE with
  // them, synced to disk (file and directory); on failure FILE is untouched, error says why.
  bool write(const std::vector<retained_entry> &entries, std::string &error);
  // True after a successful prepare().
  bool enabled() const noexcept { return !path_.empty(); }
  // True once a write() succeeded.
  bool written() const noexcept { return written_; }

private:
  std::string path_;   // as given, for messages
  std::string target_; // the file replaced (symbolic links resolved)
  bool written_ = false;
};

} // namespace mqtk::apps::retain_clear
