#include "common/profile.hpp"

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace mqtk::apps {

namespace {

std::string trim(const std::string &text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos)
    return {};
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// True when the group or others may read path.
bool readable_by_others(const std::string &path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)) != 0;
}

} // namespace

profile load_profile(const std::string &path) {
  profile result;
  std::ifstream in(path);
  if (!in) {
    result.error = "cannot read profile " + path;
    return result;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::string text = trim(line);
    if (text.empty() || text[0] == '#')
      continue;
    const auto eq = text.find('=');
    if (eq == std::string::npos) {
      result.error = "profile " + path + " line " + std::to_string(number) + ": expected key = value";
      return result;
    }
    result.values[trim(text.substr(0, eq))] = trim(text.substr(eq + 1));
  }
  if (result.values.count("password") != 0 && readable_by_others(path))
    result.error = "profile " + path + " holds a password and others can read it (chmod 600 it)";
  return result;
}

bool read_secret_file(const std::string &path, std::string &secret, std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read password file " + path;
    return false;
  }
  if (readable_by_others(path)) {
    error = "password file " + path + " can be read by others (chmod 600 it)";
    return false;
  }
  std::getline(in, secret);
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
