#pragma once

#include "common/cli_fwd.hpp"

#include <string_view>

namespace mqtk::apps {

// Whether the flag named name ("--topic", "-q") of app or of one of its help sections was given at
// least once. A name app does not define throws std::logic_error, as CLI::App::count does, except
// when deferred sections were left out (help_sections.hpp): it may then be one of their flags, not
// given, so the answer is false. Where count copies each option's names for every option it tries
// (about 15,000 instructions per lookup among 90 flags), this compares them in place
// (docs/performance.md, "Flag lookups and deferred sections").
bool given(const CLI::App &app, std::string_view name);

// The flag named name ("--topic", "-q") of app or of one of its help sections, or nullptr.
const CLI::Option *find_flag(const CLI::App &app, std::string_view name);

// The same for a flag that only some tools define: false when app does not define name.
bool given_if_defined(const CLI::App &app, std::string_view name);

} // namespace mqtk::apps
