#include "common/help_sections.hpp"

#include <CLI/App.hpp>
#include <CLI/Formatter.hpp>

#include <memory>

namespace mqtk::apps {
namespace {

// Prints each option group as a section of its parent's help, "Heading:" and its flags, with no
// "[Option Group: ...]" banner.
class section_formatter : public CLI::Formatter {
public:
  std::string make_expanded(const CLI::App *sub) const override {
    return "\n" + make_groups(sub, CLI::AppFormatMode::Sub);
  }
};

} // namespace

CLI::App &help_section(CLI::App &app, const std::string &heading) {
  for (CLI::App *group : app.get_subcommands([](const CLI::App *sub) { return sub->get_name().empty(); }))
    if (group->get_group() == heading)
      return *group;
  if (!std::dynamic_pointer_cast<section_formatter>(app.get_formatter()))
    app.formatter(std::make_shared<section_formatter>());
  CLI::App &group = *app.add_option_group(heading);
  group.set_help_flag();
  group.option_defaults()->group(heading);
  return group;
}

} // namespace mqtk::apps
