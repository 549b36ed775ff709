#pragma once

#include "retain-clear/retain_clear.hpp"

#include "mqtk/client/client.hpp"

namespace mqtk::apps::retain_clear {

// Runs one list / back up / clear / verify pass with resolved client options; returns the exit status.
int run(retain_clear_options options, client::client_options client_options);

} // namespace mqtk::apps::retain_clear
