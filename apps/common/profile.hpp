#pragma once

#include <map>
#include <string>
#include <vector>

namespace mqtk::apps {

// A profile: "key = value" lines. Keys are long flag names without the dashes (url, host, port,
// username, password, password-file, protocol-version, qos, keepalive, connect-timeout, cafile,
// capath, cert, key, key-password-file, tls-version, sni; '_' may stand for '-'). '#' starts a
// comment at the start of a line or after a blank; a value in double quotes is taken verbatim.
struct profile {
  std::map<std::string, std::string> values; // keys normalized to dashes
  std::vector<std::string> warnings;         // e.g. an unknown key (ignored)
  std::string error; // non-empty: the profile could not be used (unreadable, bad line, readable by others)
};

// Parses the text of a profile read from path (path only names it in messages). Pure.
profile parse_profile(const std::string &text, const std::string &path);

// Reads and parses a profile file. A file that holds a password and that the group or others may
// read is refused.
profile load_profile(const std::string &path);

// Reads a password file: its first line. Refused when the group or others may read it.
// Returns false and sets error on failure.
bool read_secret_file(const std::string &path, std::string &secret, std::string &error);

// True when the group or others may read or write path.
bool readable_by_others(const std::string &path);

// Asks for a password on the terminal without echo; false when there is no terminal.
bool prompt_password(const std::string &prompt, std::string &password);

} // namespace mqtk::apps
