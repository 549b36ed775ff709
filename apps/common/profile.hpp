#pragma once

#include <map>
#include <string>

namespace mqtk::apps {

// A profile: "key = value" lines (keys are long flag names without dashes: url, host, port,
// username, password, cafile, ...); '#' starts a comment line.
struct profile {
  std::map<std::string, std::string> values;
  std::string error; // non-empty: the profile could not be used (unreadable, bad line, readable by others)
};

// Reads a profile file. A file that holds a password and that the group or others may read is refused.
profile load_profile(const std::string &path);

// Reads a password file: its first line. Refused when the group or others may read it.
// Returns false and sets error on failure.
bool read_secret_file(const std::string &path, std::string &secret, std::string &error);

// Asks for a password on the terminal without echo; false when there is no terminal.
bool prompt_password(const std::string &prompt, std::string &password);

} // namespace mqtk::apps
