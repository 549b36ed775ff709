# Warning flags shared by every mqtk target.
add_library(mqtk_warnings INTERFACE)
target_compile_options(mqtk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                               -Wno-sign-conversion -Wnon-virtual-dtor)
