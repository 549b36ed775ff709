# Finds every dependency; a missing one stops configure naming the Debian package that provides it.
macro(mqtk_require package debian_package)
  find_package(${package} ${ARGN} QUIET)
  if(NOT ${package}_FOUND)
    message(FATAL_ERROR "mqtk needs ${package}: install it with `apt-get install ${debian_package}` "
                        "(or run scripts/test, which installs everything)")
  endif()
endmacro()

mqtk_require(CLI11 libcli11-dev)
mqtk_require(nlohmann_json nlohmann-json3-dev)
# Static OpenSSL and C++ runtime: a one-shot publish starts about 1 ms faster without the dynamic
# symbol lookups (docs/performance.md). Sanitizer and fuzz builds keep the shared libraries.
option(MQTK_STATIC_RUNTIME "Link OpenSSL, libstdc++ and libgcc statically into the tools" ON)
if(MQTK_STATIC_RUNTIME AND NOT MQTK_SANITIZE AND NOT MQTK_FUZZ AND NOT MQTK_PACKAGE)
  set(OPENSSL_USE_STATIC_LIBS TRUE)
endif()
mqtk_require(OpenSSL libssl-dev)
mqtk_require(Boost libboost-dev)
mqtk_require(ZLIB zlib1g-dev) # mqtk-bench --hdr-log: HdrHistogram's compressed histograms are zlib DEFLATE
if(MQTK_BUILD_TESTS)
  mqtk_require(doctest doctest-dev)
endif()
find_package(Threads REQUIRED)
