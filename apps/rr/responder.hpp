#pragma once

#include "mqtk/client/client.hpp"
#include "rr/rr.hpp"

namespace mqtk::apps::rr {

// --serve: subscribes to the -t filters and answers each request that names a Response Topic with
// the stdout of the command (at most --jobs at once, each killed after --exec-timeout); runs until
// SIGINT/SIGTERM or a failure and returns the exit status.
int serve_requests(rr_options options, client::client_options client_options);

} // namespace mqtk::apps::rr
