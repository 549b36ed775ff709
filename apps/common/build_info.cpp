// What a build is: commit, TLS library, build type (for --version).
#include "common/build_info.hpp"

#include "mqtk/net/tls_library.hpp"

namespace mqtk::apps {

std::string build_description() {
  std::string text = "commit " + std::string(build_commit()) + "\n";
  const std::string running = net::tls_library_version(), built = net::tls_library_built_version();
  text += running + (running == built ? "" : " (built with " + built + ")") + "\n";
  text += "build " MQTK_BUILD_TYPE "\n";
  return text;
}

} // namespace mqtk::apps
