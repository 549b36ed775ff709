# Warning flags shared by every mqtk target; MQTK_WERROR (on in CI) makes them errors.
option(MQTK_WERROR "Treat compiler warnings as errors" OFF)
add_library(mqtk_warnings INTERFACE)
target_compile_options(mqtk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                               -Wno-sign-conversion -Wnon-virtual-dtor)
if(MQTK_WERROR)
  target_compile_options(mqtk_warnings INTERFACE -Werror)
endif()
