#pragma once

#include <string>
#include <string_view>

namespace mqtk::apps {

// A file replaced in one step: open() creates a temporary file next to the target (so proving that
// the directory takes a new file, before anything else happens), write() appends to it, and
// commit() syncs it, renames it over the target and syncs the directory, so the target is always
// either what it was before or the complete new file. Uncommitted, the temporary is removed.
class replacing_file {
public:
  replacing_file() = default;
  ~replacing_file();
  replacing_file(const replacing_file &) = delete;
  replacing_file &operator=(const replacing_file &) = delete;

  // Starts replacing path; a symbolic link is followed (the link stays, its target is replaced). A
  // new file gets mode 0600 when private_new, else 0666 less the umask; a replaced one keeps its
  // mode. Returns 0, or the errno that stops it (EISDIR when path is a directory).
  int open(const std::string &path, bool private_new);
  // Appends data to the temporary file; returns 0, or the errno of this or an earlier failed write.
  int write(std::string_view data);
  // Replaces the target with what was written; returns 0, or the errno of the first failure (the
  // target untouched unless only the directory sync failed).
  int commit();
  // Removes the temporary file; the target stays as it was.
  void discard() noexcept;
  // True between a successful open() and commit() or discard().
  bool is_open() const noexcept { return fd_ >= 0; }

private:
  std::string target_, temporary_;
  int fd_ = -1;
  int failure_ = 0;
};

// Checks that path can be replaced (replacing_file::open, then discard: the directory takes a new
// file) without touching it; returns 0 or the errno.
int probe_replacement(const std::string &path, bool private_new);

// Replaces path with data in one step (replacing_file); returns 0 or the errno of the failure.
int replace_file(const std::string &path, std::string_view data, bool private_new);

} // namespace mqtk::apps
