#pragma once

// CLI11's App and Option, declared without their headers. Each file that includes CLI11 builds its
// own copies of CLI11's validator objects at start-up and destroys them at exit (they are
// namespace-scope constants), so headers name them this way and only the files that add or read
// flags include <CLI/CLI.hpp>.
namespace CLI {
class App;
class Option;
} // namespace CLI
