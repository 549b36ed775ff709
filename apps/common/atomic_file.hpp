#pragma once

#include <string>

namespace mqtk::apps {

// Writing a file so that it is always either what it was before or the complete new content: a
// temporary file next to it, written, synced, renamed over it, then the directory synced. Used by
// retain-clear's --backup and bench's --output.

// The directory part of path ("." when there is none, "/" for a file in the root).
std::string directory_of(const std::string &path);

// Replaces target with data as described above. A replaced file keeps its permissions; a new one
// gets 0600 when private_file, else 0666 minus the umask. Returns 0, or the errno of the first
// failure (target untouched unless only the directory sync failed).
int replace_file_atomically(const std::string &target, const std::string &data, bool private_file);

// Checks that target's directory takes a new file, the way replace_file_atomically will create
// one (target itself is not touched). Returns 0 or the errno.
int probe_replace_directory(const std::string &target);

} // namespace mqtk::apps
