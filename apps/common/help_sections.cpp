#include "common/help_sections.hpp"

#include "common/flag_lookup.hpp"

#include <CLI/App.hpp>
#include <CLI/Formatter.hpp>

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace mqtk::apps {
namespace {

// Prints each option group as a section of its parent's help, "Heading:" and its flags, with no
// "[Option Group: ...]" banner. It also holds the App's sections, so that finding one again is a
// few string comparisons instead of a walk over CLI11's subcommands, and the deferred ones.
class section_formatter : public CLI::Formatter {
public:
  std::string make_expanded(const CLI::App *sub) const override {
    return "\n" + make_groups(sub, CLI::AppFormatMode::Sub);
  }
  std::vector<std::pair<std::string, CLI::App *>> sections;
  std::vector<std::function<void()>> deferred;
  bool left_out = false;
};

section_formatter &formatter_of(CLI::App &app) {
  auto formatter = std::dynamic_pointer_cast<section_formatter>(app.get_formatter());
  if (!formatter) {
    formatter = std::make_shared<section_formatter>();
    app.formatter(formatter);
  }
  return *formatter;
}

} // namespace

CLI::App &help_section(CLI::App &app, const std::string &heading) {
  section_formatter &formatter = formatter_of(app);
  for (const auto &[name, group] : formatter.sections)
    if (name == heading)
      return *group;
  CLI::App &group = *app.add_option_group(heading);
  group.set_help_flag();
  group.option_defaults()->group(heading);
  formatter.sections.emplace_back(heading, &group);
  return group;
}

void deferred_section(CLI::App &app, const std::string &heading, std::function<void()> add) {
  help_section(app, heading);
  formatter_of(app).deferred.push_back(std::move(add));
}

void add_needed_sections(CLI::App &app, int argc, const char *const *argv) {
  section_formatter &formatter = formatter_of(app);
  if (formatter.deferred.empty())
    return;
  bool needed = false;
  for (int i = 1; i < argc && !needed; ++i) {
    const std::string_view word = argv[i];
    needed = !word.empty() && word[0] == '-' &&
             (word == "--help" || !find_flag(app, word.substr(0, word.find('='))));
  }
  std::vector<std::function<void()>> deferred = std::move(formatter.deferred);
  formatter.deferred.clear();
  formatter.left_out = !needed;
  if (needed)
    for (const auto &add : deferred)
      add();
}

bool left_out_sections(const CLI::App &app) {
  const auto formatter = std::dynamic_pointer_cast<section_formatter>(app.get_formatter());
  return formatter && formatter->left_out;
}

} // namespace mqtk::apps
