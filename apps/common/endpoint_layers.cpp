#include "common/endpoint_layers.hpp"

#include "common/text_checks.hpp"

namespace mqtk::apps {

endpoint_choice resolve_endpoint(const std::vector<endpoint_layer> &layers, bool tls_wanted) {
  endpoint_choice out;
  net::endpoint &ep = out.endpoint;
  ep.kind = tls_wanted ? net::scheme::mqtts : net::scheme::mqtt;
  ep.port = net::default_port(ep.kind);
  std::string &url_from = out.url_source;
  // Apply the lowest layer first, so each higher one overrides what it sets.
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
    const endpoint_layer &layer = *it;
    if (layer.url) {
      auto parsed = net::parse_url(*layer.url);
      if (!parsed) {
        out.error = layer.url_name + ": invalid URL '" + shown(*layer.url) + "': " + parsed.error;
        return out;
      }
      ep = parsed.value;
      url_from = layer.url_name;
      if (ep.username)
        out.username = ep.username;
      if (ep.password)
        out.password = ep.password;
      ep.username.reset();
      ep.password.reset();
    }
    if ((layer.host || layer.port) && ep.kind == net::scheme::unix_socket) {
      out.error = (layer.host ? layer.host_name : layer.port_name) + " cannot apply to the unix:// URL of " +
                  url_from + "; give a whole URL with -L instead";
      return out;
    }
    if (layer.host) {
      if (layer.host->empty()) {
        out.error = layer.host_name + " is empty";
        return out;
      }
      ep.host = *layer.host;
    }
    if (layer.port) {
      const std::string &text = *layer.port;
      unsigned long value = 0;
      const bool digits =
          !text.empty() && text.size() <= 5 && text.find_first_not_of("0123456789") == std::string::npos;
      if (digits)
        value = std::stoul(text);
      if (!digits || value == 0 || value > 65535) {
        out.error = layer.port_name + " '" + shown(text) + "' is not a port number (1-65535)";
        return out;
      }
      ep.port = static_cast<std::uint16_t>(value);
    }
    if (layer.username)
      out.username = layer.username;
    if (layer.password)
      out.password = layer.password;
  }
  return out;
}

} // namespace mqtk::apps
