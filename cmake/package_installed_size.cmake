# Run by CPack after it wrote the .deb (CPACK_POST_BUILD_SCRIPTS, cmake/package.cmake): CPack 3.25
# counts each symbolic link in Installed-Size as the size of the file it points to, so the five
# links to the multi-call executable read as five more copies of it. This recomputes the field as
# dpkg-gencontrol does (each regular file rounded up to KiB, 1 KiB for anything else) and rebuilds
# the package with dpkg-deb.
foreach(deb IN LISTS CPACK_PACKAGE_FILES)
  set(dir "${deb}.d")
  file(REMOVE_RECURSE "${dir}")
  execute_process(COMMAND dpkg-deb -R "${deb}" "${dir}" COMMAND_ERROR_IS_FATAL ANY)
  file(GLOB_RECURSE entries LIST_DIRECTORIES true "${dir}/*")
  set(kib 0)
  foreach(entry IN LISTS entries)
    if(entry MATCHES "/DEBIAN(/|$)")
      continue()
    elseif(NOT IS_SYMLINK "${entry}" AND NOT IS_DIRECTORY "${entry}")
      file(SIZE "${entry}" bytes)
      math(EXPR kib "${kib} + (${bytes} + 1023) / 1024")
    else()
      math(EXPR kib "${kib} + 1")
    endif()
  endforeach()
  file(READ "${dir}/DEBIAN/control" control)
  string(REGEX REPLACE "Installed-Size: [0-9]+" "Installed-Size: ${kib}" control "${control}")
  file(WRITE "${dir}/DEBIAN/control" "${control}")
  execute_process(COMMAND dpkg-deb --root-owner-group -Zxz -b "${dir}" "${deb}" OUTPUT_QUIET COMMAND_ERROR_IS_FATAL ANY)
  file(REMOVE_RECURSE "${dir}")
endforeach()
