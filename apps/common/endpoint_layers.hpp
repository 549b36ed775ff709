#pragma once

#include "mqtk/net/url.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mqtk::apps {

// What one source of settings (the command line, the environment, a profile) says about where and
// as whom to connect. Unset fields say nothing; the *_name fields name the setting in messages.
struct endpoint_layer {
  std::optional<std::string> url;  // sets scheme, host, port (given or the scheme's default), path,
                                   // and the user name and password when it holds them
  std::optional<std::string> host; // overrides the host of this or a lower source's URL
  std::optional<std::string> port; // overrides the port likewise (text, checked here)
  std::optional<std::string> username, password;
  std::string url_name, host_name, port_name; // e.g. "MQTK_URL", "MQTK_HOST", "MQTK_PORT"
};

// The endpoint and credentials the layers resolve to, or one usage-error line.
struct endpoint_choice {
  net::endpoint endpoint; // username/password left unset: see the fields below
  std::optional<std::string> username, password;
  std::string url_source; // url_name of the layer whose URL is in use; "" when none
  std::string error;
};

// Resolves settings field by field: layers come highest precedence first; a field takes the value
// of the highest layer that sets it, where a URL sets all of its fields (so -p only changes the
// port of MQTK_URL's endpoint). Without any URL the scheme is mqtts when tls_wanted, else mqtt, and
// the host localhost. A host or port on top of a unix:// URL is an error. Pure: no I/O.
endpoint_choice resolve_endpoint(const std::vector<endpoint_layer> &layers, bool tls_wanted);

} // namespace mqtk::apps
