#pragma once

#include <string>

namespace mqtk::net {

// The TLS library in use, as it names itself ("OpenSSL 3.0.17 1 Jul 2025").
std::string tls_library_version();

// The TLS library the build was compiled against, in the same form.
std::string tls_library_built_version();

} // namespace mqtk::net
