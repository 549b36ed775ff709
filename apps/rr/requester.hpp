#pragma once

#include "mqtk/client/client.hpp"
#include "rr/rr.hpp"

#include <cstdint>
#include <vector>

namespace mqtk::apps::rr {

// Request mode: subscribes to the response topic, then sends the requests (--repeat, --in-flight,
// --interval), prints each matched response; returns the exit status.
int run_requests(rr_options options, client::client_options client_options, std::vector<std::uint8_t> payload);

} // namespace mqtk::apps::rr
