#include "common/flag_lookup.hpp"

#include "common/help_sections.hpp"

#include <CLI/App.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace mqtk::apps {

namespace {

// The option of app or of its sections whose long (or short) names include bare.
const CLI::Option *find_named(const CLI::App &app, bool long_name, std::string_view bare) {
  for (const CLI::Option *option : app.get_options()) {
    const std::vector<std::string> &names = long_name ? option->get_lnames() : option->get_snames();
    if (std::find(names.begin(), names.end(), bare) != names.end())
      return option;
  }
  for (const CLI::App *group :
       app.get_subcommands([](const CLI::App *sub) { return sub->get_name().empty(); }))
    if (const CLI::Option *option = find_named(*group, long_name, bare))
      return option;
  return nullptr;
}

} // namespace

const CLI::Option *find_flag(const CLI::App &app, std::string_view name) {
  if (name.size() > 2 && name.substr(0, 2) == "--")
    return find_named(app, true, name.substr(2));
  if (name.size() == 2 && name[0] == '-' && name[1] != '-')
    return find_named(app, false, name.substr(1));
  return nullptr;
}

bool given(const CLI::App &app, std::string_view name) {
  const CLI::Option *option = find_flag(app, name);
  if (option == nullptr && left_out_sections(app))
    return false;
  if (option == nullptr)
    throw std::logic_error("no flag " + std::string(name));
  return option->count() > 0;
}

bool given_if_defined(const CLI::App &app, std::string_view name) {
  const CLI::Option *option = find_flag(app, name);
  return option != nullptr && option->count() > 0;
}

} // namespace mqtk::apps
