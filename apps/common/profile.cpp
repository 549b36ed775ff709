#include "common/profile.hpp"

#include "common/file_input.hpp"

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <set>

namespace mqtk::apps {

namespace {

std::string trim(const std::string &text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos)
    return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}


const std::set<std::string> known_keys = {
    "url",         "host",          "port",   "username", "password", "password-file",     "qos",
    "keepalive",   "connect-timeout", "protocol-version", "cafile", "capath", "cert", "key",
    "key-password-file", "tls-version", "sni",
    "auth-method"};

constexpr std::size_t max_profile_bytes = 1 << 20;

} // namespace

profile parse_profile(const std::string &text, const std::string &path) {
  profile result;
  std::size_t pos = 0;
  int number = 0;
  while (pos <= text.size()) {
    auto newline = text.find('\n', pos);
    if (newline == std::string::npos)
      newline = text.size();
    const std::string line = trim(text.substr(pos, newline - pos));
    pos = newline + 1;
    ++number;
    if (line.empty() || line[0] == '#')
      continue;
    const std::string where = "profile " + path + " line " + std::to_string(number);
    const auto eq = line.find('=');
    if (eq == std::string::npos) {
      result.error = where + ": expected key = value";
      return result;
    }
    std::string key = trim(line.substr(0, eq));
    for (char &c : key)
      if (c == '_')
        c = '-';
    std::string value = trim(line.substr(eq + 1));
    if (!value.empty() && value[0] == '"') {
      const auto close = value.find('"', 1);
      if (close == std::string::npos) {
        result.error = where + ": the quoted value has no closing '\"'";
        return result;
      }
      const std::string rest = trim(value.substr(close + 1));
      if (!rest.empty() && rest[0] != '#') {
        result.error = where + ": unexpected text after the quoted value";
        return result;
      }
      value = value.substr(1, close - 1);
    } else {
      for (std::size_t i = 1; i < value.size(); ++i)
        if (value[i] == '#' && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
          value = trim(value.substr(0, i));
          break;
        }
    }
    if (known_keys.count(key) == 0) {
      result.warnings.push_back(where + ": unknown key '" + key + "' ignored");
      continue;
    }
    result.values[key] = value;
  }
  return result;
}

profile load_profile(const std::string &path) {
  profile result;
  std::string text, error;
  if (!read_file(path, "profile", max_profile_bytes, text, error)) {
    result.error = error;
    return result;
  }
  result = parse_profile(text, path);
  if (result.error.empty() && result.values.count("password") != 0 && readable_by_others(path))
    result.error = "profile " + path + " holds a password and others can read it (chmod 600 it)";
  return result;
}

bool readable_by_others(const std::string &path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)) != 0;
}

bool read_secret_file(const std::string &path, std::string &secret, std::string &error) {
  std::string text;
  if (!read_file(path, "password file", max_profile_bytes, text, error))
    return false;
  if (readable_by_others(path)) {
    error = "password file " + path + " can be read by others (chmod 600 it)";
    return false;
  }
  secret = text.substr(0, text.find('\n'));
  if (!secret.empty() && secret.back() == '\r')
    secret.pop_back();
  return true;
}

bool prompt_password(const std::string &prompt, std::string &password) {
  if (!::isatty(STDIN_FILENO))
    return false;
  std::fputs(prompt.c_str(), stderr);
  std::fflush(stderr);
  termios old{};
  ::tcgetattr(STDIN_FILENO, &old);
  termios quiet = old;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::getline(std::cin, password);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fputs("\n", stderr);
  return true;
}

} // namespace mqtk::apps
