#pragma once

#include <string>

namespace mqtk::apps {

// The git commit the tools were built from (12 hex digits, "-modified" when the tree had uncommitted
// changes), or "unknown" outside a git checkout. Defined in the generated build_commit.cpp.
const char *build_commit() noexcept;

// What --version prints after the first line: the commit, the TLS library in use (and the one built
// against when they differ), and the build type.
std::string build_description();

} // namespace mqtk::apps
