#pragma once

#include <cstddef>
#include <string>

namespace mqtk::apps {

// Reads the whole file at path into out (binary safe). False with error set ("cannot read <what>
// '<path>': is a directory", "...: Permission denied", "... is larger than N bytes") on failure;
// never throws.
bool read_file(const std::string &path, const char *what, std::size_t max_bytes, std::string &out,
               std::string &error);

// "" when path names a regular file (or device) this process can open for reading, else the same
// error line read_file would give.
std::string unreadable_file_error(const std::string &path, const char *what);

} // namespace mqtk::apps
