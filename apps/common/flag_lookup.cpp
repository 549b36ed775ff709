#include "common/flag_lookup.hpp"

#include "common/help_sections.hpp"

#include <CLI/App.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace mqtk::apps {

namespace {

bool named(const CLI::Option &option, std::string_view name) {
  const bool long_name = name.size() > 2 && name.substr(0, 2) == "--";
  const bool short_name = !long_name && name.size() == 2 && name[0] == '-' && name[1] != '-';
  if (!long_name && !short_name)
    return false;
  const std::vector<std::string> &names = long_name ? option.get_lnames() : option.get_snames();
  const std::string_view bare = name.substr(long_name ? 2 : 1);
  return std::find(names.begin(), names.end(), bare) != names.end();
}

} // namespace

const CLI::Option *find_flag(const CLI::App &app, std::string_view name) {
  for (const CLI::Option *option : app.get_options())
    if (named(*option, name))
      return option;
  for (const CLI::App *group :
       app.get_subcommands([](const CLI::App *sub) { return sub->get_name().empty(); }))
    if (const CLI::Option *option = find_flag(*group, name))
      return option;
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
