# The Debian package (issue 15). Configure a build directory of its own with -DMQTK_PACKAGE=ON
# (scripts/package does, in build-package/) and `cmake --build DIR --target package` writes
# mqtk_<version>_<arch>.deb. Why it is built this way: ARCHITECTURE.md, "The Debian package".
#
# MQTK_PACKAGE=ON changes the build, never the default one:
# - one multi-call executable, /usr/libexec/mqtk/mqtk, that runs the tool named by argv[0]; each
#   tool is a symbolic link to it (apps/multicall/tools.inc lists them, one line each);
# - the system's libssl is opened with dlopen at the first TLS use (or --version), so a plain
#   mqtt:// run never maps libcrypto (lib/src/net/openssl_dlopen.cpp); Depends names libssl3;
# - libstdc++ and libgcc stay linked statically (start-up), the tests are not built.
option(MQTK_PACKAGE "Build the Debian package: one multi-call executable, system libssl loaded at first TLS use" OFF)

# mqtk_openssl: what mqtk_net links for OpenSSL (normal builds: the libraries, static or shared).
add_library(mqtk_openssl INTERFACE)
set(MQTK_OPENSSL_DLOPEN OFF)
if(MQTK_PACKAGE AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|aarch64|arm64)$")
  set(MQTK_OPENSSL_DLOPEN ON) # the trampolines exist for these two; others link libssl as usual
endif()
if(MQTK_OPENSSL_DLOPEN) # headers only; MQTK_OPENSSL_DLOPEN is defined for openssl_dlopen.cpp alone
  target_include_directories(mqtk_openssl INTERFACE ${OPENSSL_INCLUDE_DIR})
  target_link_libraries(mqtk_openssl INTERFACE ${CMAKE_DL_LIBS})
else()
  target_link_libraries(mqtk_openssl INTERFACE OpenSSL::SSL OpenSSL::Crypto)
endif()

# mqtk_zlib: what mqtk-bench links for zlib (the package build: headers, libz opened at first use by
# apps/bench/zlib_dlopen.cpp).
add_library(mqtk_zlib INTERFACE)
if(MQTK_PACKAGE)
  target_include_directories(mqtk_zlib INTERFACE ${ZLIB_INCLUDE_DIRS})
  target_link_libraries(mqtk_zlib INTERFACE ${CMAKE_DL_LIBS})
else()
  target_link_libraries(mqtk_zlib INTERFACE ZLIB::ZLIB)
endif()

if(NOT MQTK_PACKAGE)
  # `cmake --build build --target package` from a normal build: the package build in build-package/.
  add_custom_target(package COMMAND ${PROJECT_SOURCE_DIR}/scripts/package --no-check
                    COMMENT "Building the Debian package in build-package/ (scripts/package)" USES_TERMINAL)
  return()
endif()

set(MQTK_BUILD_TESTS OFF)
# Compiled exactly as the normal RelWithDebInfo build (-O2 -g, stripped when packaged), so the two
# share ccache's objects: only the dlopen trampolines and build_info.cpp differ. Hardening at link
# time: PIE and read-only relocations (-z relro, Debian's default). Not immediate binding (-z now,
# lintian's info tag hardening-no-bindnow): binding all ~290 libc and (then) libm symbols at start cost 2.4 to
# 4.3% of a one-shot publish against lazy binding, interleaved runs (docs/performance.md).
if(NOT CMAKE_BUILD_TYPE STREQUAL "RelWithDebInfo")
  message(WARNING "MQTK_PACKAGE: configure with -DCMAKE_BUILD_TYPE=RelWithDebInfo (scripts/package does)")
endif()
# The libm functions the tools call are wrapped (apps/multicall/libm_wrap.cpp), so with --as-needed
# libm.so.6 is not loaded at start; scripts/package checks that it is not needed.
set(MQTK_LIBM_WRAPPED ceil round llround ldexp log10 pow)
list(TRANSFORM MQTK_LIBM_WRAPPED PREPEND "-Wl,--wrap=" OUTPUT_VARIABLE MQTK_LIBM_WRAP_OPTIONS)
# Relative relocations are packed (DT_RELR, glibc 2.36 and binutils 2.38 and later): the loader's
# ~5,100 RELA entries (124 KiB, 240,000 cycles in LD_DEBUG=statistics) become 0.85 KiB and 31,000
# cycles, and the executable is 120 KiB smaller (docs/performance.md, "Packed relocations").
set(MQTK_PACKAGE_LINK_OPTIONS -static-libstdc++ -static-libgcc -Wl,--gc-sections -Wl,--as-needed
    -Wl,-z,relro -Wl,-z,pack-relative-relocs ${MQTK_LIBM_WRAP_OPTIONS})

# mqtk_register_tool(NAME LIBRARY): NAME (mqtk-pub) is one of the multi-call executable's tools;
# LIBRARY holds everything of it but main.cpp.
function(mqtk_register_tool name library)
  set_property(GLOBAL APPEND PROPERTY MQTK_PACKAGE_TOOLS ${name})
  set_property(GLOBAL APPEND PROPERTY MQTK_PACKAGE_TOOL_LIBRARIES ${library})
endfunction()

# Installs FILE gzip -9n compressed as DESTINATION/NAME.gz (Debian wants man pages and
# documentation compressed, reproducibly).
function(mqtk_install_gzipped file destination)
  get_filename_component(name ${file} NAME)
  set(out ${CMAKE_BINARY_DIR}/package/${destination}/${name}.gz)
  add_custom_command(OUTPUT ${out} COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/package/${destination}
                     COMMAND sh -c "gzip -9nc '${file}' > '${out}'" DEPENDS ${file} VERBATIM)
  set_property(GLOBAL APPEND PROPERTY MQTK_PACKAGE_GZIPPED ${out})
  install(FILES ${out} DESTINATION ${destination} COMPONENT deb EXCLUDE_FROM_ALL)
endfunction()

# mqtk_shlibs_depends(VAR LIBRARY SOVERSION PACKAGE): the dependency the shlibs file of PACKAGE
# declares for LIBRARY.so.SOVERSION ("libssl3 (>= 3.0.0)"), else PACKAGE.
function(mqtk_shlibs_depends var library soversion package)
  set(depends ${package})
  file(GLOB shlibs_files /var/lib/dpkg/info/${package}.shlibs /var/lib/dpkg/info/${package}:*.shlibs)
  foreach(shlibs IN LISTS shlibs_files)
    file(STRINGS ${shlibs} line REGEX "^${library} ${soversion} ")
    if(line)
      string(REGEX REPLACE "^${library} ${soversion} " "" depends "${line}")
    endif()
  endforeach()
  set(${var} "${depends}" PARENT_SCOPE)
endfunction()

# mqtk_group_cli11_sources(TARGET...): each TARGET compiles its sources that include CLI11 as one
# unity source. CLI11 2.1 defines eight validator objects (CLI::ExistingFile and its siblings) in
# its headers, so every translation unit that includes it constructs its own copies before main and
# destroys them at exit, touching a page of code and of data each time: 27 such units cost a start
# about 0.04 ms and 15 page faults against one (docs/performance.md, "Flag lookups and deferred
# sections"); grouped, the package has 7.
# The normal build keeps one object per source, which also checks that each compiles on its own.
function(mqtk_group_cli11_sources)
  foreach(target IN LISTS ARGN)
    get_target_property(sources ${target} SOURCES)
    get_target_property(dir ${target} SOURCE_DIR)
    set(grouped "")
    foreach(source IN LISTS sources)
      if(NOT IS_ABSOLUTE ${source})
        set(source ${dir}/${source})
      endif()
      if(source MATCHES "\\.cpp$" AND EXISTS ${source})
        file(STRINGS ${source} cli11 REGEX "^#include <CLI/")
        if(cli11)
          list(APPEND grouped ${source})
        endif()
      endif()
    endforeach()
    list(LENGTH grouped count)
    if(count GREATER 1)
      set_source_files_properties(${grouped} TARGET_DIRECTORY ${target} PROPERTIES UNITY_GROUP cli11)
      set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE GROUP)
    endif()
  endforeach()
endfunction()

# After apps/ registered its tools: the executable, its links, the package contents and CPack.
macro(mqtk_package_finish)
  if(MQTK_OPENSSL_DLOPEN)
    set_source_files_properties(${PROJECT_SOURCE_DIR}/lib/src/net/openssl_dlopen.cpp DIRECTORY ${PROJECT_SOURCE_DIR}/lib PROPERTIES
                                COMPILE_DEFINITIONS MQTK_OPENSSL_DLOPEN="libssl.so.${OPENSSL_VERSION_MAJOR}")
  endif()
  set_source_files_properties(${PROJECT_SOURCE_DIR}/apps/bench/zlib_dlopen.cpp DIRECTORY ${PROJECT_SOURCE_DIR}/apps/bench
                              PROPERTIES COMPILE_DEFINITIONS MQTK_ZLIB_DLOPEN="libz.so.1")
  get_property(tools GLOBAL PROPERTY MQTK_PACKAGE_TOOLS)
  get_property(tool_libraries GLOBAL PROPERTY MQTK_PACKAGE_TOOL_LIBRARIES)
  file(STRINGS ${PROJECT_SOURCE_DIR}/apps/multicall/tools.inc listed REGEX "^MQTK_TOOL\\(")
  foreach(tool IN LISTS tools)
    if(NOT listed MATCHES "MQTK_TOOL\\(${tool},")
      message(FATAL_ERROR "${tool} is built but not in apps/multicall/tools.inc: add its MQTK_TOOL line")
    endif()
  endforeach()
  mqtk_group_cli11_sources(mqtk_app_common ${tool_libraries})
  add_executable(mqtk ${PROJECT_SOURCE_DIR}/apps/multicall/multicall_main.cpp
                      ${PROJECT_SOURCE_DIR}/apps/multicall/libm_wrap.cpp)
  target_link_libraries(mqtk PRIVATE ${tool_libraries} mqtk_warnings)
  target_link_options(mqtk PRIVATE ${MQTK_PACKAGE_LINK_OPTIONS})
  set_target_properties(mqtk PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/apps/multicall)
  set(libexec ${CMAKE_INSTALL_LIBEXECDIR}/mqtk)
  install(TARGETS mqtk RUNTIME DESTINATION ${libexec} COMPONENT deb EXCLUDE_FROM_ALL)
  foreach(tool IN LISTS tools)
    # In the build tree apps/<tool>/mqtk-<tool> (where tests/perf looks), in the package /usr/bin.
    string(REGEX REPLACE "^mqtk-" "" dir ${tool})
    file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/apps/${dir} ${CMAKE_BINARY_DIR}/package/bin)
    file(CREATE_LINK ../multicall/mqtk ${CMAKE_BINARY_DIR}/apps/${dir}/${tool} SYMBOLIC)
    file(CREATE_LINK ../${libexec}/mqtk ${CMAKE_BINARY_DIR}/package/bin/${tool} SYMBOLIC)
    install(FILES ${CMAKE_BINARY_DIR}/package/bin/${tool} DESTINATION ${CMAKE_INSTALL_BINDIR}
            COMPONENT deb EXCLUDE_FROM_ALL)
    mqtk_install_gzipped(${PROJECT_SOURCE_DIR}/man/${tool}.1 ${CMAKE_INSTALL_MANDIR}/man1)
    install(FILES ${PROJECT_SOURCE_DIR}/completions/bash/${tool}
            DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT deb EXCLUDE_FROM_ALL)
    install(FILES ${PROJECT_SOURCE_DIR}/completions/zsh/_${tool}
            DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT deb EXCLUDE_FROM_ALL)
    install(FILES ${PROJECT_SOURCE_DIR}/completions/fish/${tool}.fish
            DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d COMPONENT deb EXCLUDE_FROM_ALL)
  endforeach()

  set(doc ${CMAKE_INSTALL_DATADIR}/doc/mqtk)
  # The changelog's date: the commit's (the same package from the same commit), else now.
  string(TIMESTAMP MQTK_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
  find_package(Git QUIET)
  if(GIT_FOUND)
    execute_process(COMMAND ${CMAKE_COMMAND} -E env LC_ALL=C ${GIT_EXECUTABLE} -C ${PROJECT_SOURCE_DIR} log -1 "--date=format:%a, %d %b %Y %H:%M:%S %z" --format=%cd
                    OUTPUT_VARIABLE commit_date OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE git_failed ERROR_QUIET)
    if(NOT git_failed AND commit_date)
      set(MQTK_PACKAGE_DATE "${commit_date}")
    endif()
  endif()
  configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/changelog.in ${CMAKE_BINARY_DIR}/package/changelog @ONLY)
  mqtk_install_gzipped(${CMAKE_BINARY_DIR}/package/changelog ${doc})
  mqtk_install_gzipped(${PROJECT_SOURCE_DIR}/README.md ${doc})
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/copyright DESTINATION ${doc} COMPONENT deb EXCLUDE_FROM_ALL)
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
          RENAME mqtk COMPONENT deb EXCLUDE_FROM_ALL)
  get_property(gzipped GLOBAL PROPERTY MQTK_PACKAGE_GZIPPED)
  add_custom_target(mqtk_package_files ALL DEPENDS ${gzipped})

  # libssl and libz are opened with dlopen, so dpkg-shlibdeps cannot see them: their dependencies
  # come from the libraries' own shlibs files, as dpkg-shlibdeps would read them.
  mqtk_shlibs_depends(ssl_depends libssl ${OPENSSL_VERSION_MAJOR} libssl${OPENSSL_VERSION_MAJOR})
  mqtk_shlibs_depends(zlib_depends libz 1 zlib1g)

  set(CPACK_GENERATOR DEB)
  set(CPACK_PACKAGE_NAME mqtk)
  set(CPACK_PACKAGE_VENDOR "the mqtk developers")
  set(CPACK_PACKAGE_CONTACT "mqtk developers <mqtk@users.noreply.github.com>")
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "command-line MQTT toolkit: publish, subscribe, retained, wills, load tests")
  set(CPACK_PACKAGE_DESCRIPTION "mqtk is a set of command-line tools for MQTT 3.1, 3.1.1 and 5.0 brokers over
TCP, TLS, WebSocket and Unix sockets, with mosquitto_pub-style flags and JSON
lines output: mqtk-pub publishes, mqtk-sub subscribes, mqtk-retain-clear lists,
backs up and clears retained messages, mqtk-will-test checks Last Will
delivery, and mqtk-bench load-tests brokers.")
  set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
  set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
  set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};mqtk;deb;/")
  set(CPACK_STRIP_FILES ON)
  set(CPACK_DEBIAN_PACKAGE_SECTION net)
  set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${ssl_depends}, ${zlib_depends}")
  set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
  set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR})
  set(CPACK_POST_BUILD_SCRIPTS ${PROJECT_SOURCE_DIR}/cmake/package_installed_size.cmake)
  include(CPack)
endmacro()
cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL mqtk_package_finish)
