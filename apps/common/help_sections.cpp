#include "common/help_sections.hpp"

#include <CLI/App.hpp>
#include <CLI/Formatter.hpp>

#include <memory>
#include <utility>
#include <vector>

namespace mqtk::apps {
namespace {

// Prints each option group as a section of its parent's help, "Heading:" and its flags, with no
// "[Option Group: ...]" banner. It also remembers the sections of its App, so that finding one
// again is a few string comparisons instead of a walk over CLI11's subcommands.
class section_formatter : public CLI::Formatter {
public:
  std::string make_expanded(const CLI::App *sub) const override {
    return "\n" + make_groups(sub, CLI::AppFormatMode::Sub);
  }
  std::vector<std::pair<std::string, CLI::App *>> sections;
};

} // namespace

CLI::App &help_section(CLI::App &app, const std::string &heading) {
  auto formatter = std::dynamic_pointer_cast<section_formatter>(app.get_formatter());
  if (!formatter) {
    formatter = std::make_shared<section_formatter>();
    app.formatter(formatter);
  }
  for (const auto &[name, group] : formatter->sections)
    if (name == heading)
      return *group;
  CLI::App &group = *app.add_option_group(heading);
  group.set_help_flag();
  group.option_defaults()->group(heading);
  formatter->sections.emplace_back(heading, &group);
  return group;
}

} // namespace mqtk::apps
