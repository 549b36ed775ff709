// The packaged build's zlib (cmake/package.cmake): only mqtk-bench --hdr-log compresses, so the
// multi-call executable opens libz with dlopen at the first compression instead of making every
// tool's start-up map it. Other builds link zlib and compile nothing here.
#ifdef MQTK_ZLIB_DLOPEN

#include <dlfcn.h>
#include <zlib.h>

namespace {

// The library's function called name, or null when libz cannot be loaded.
template <class F> F *zlib_function(const char *name) {
  static void *const handle = dlopen(MQTK_ZLIB_DLOPEN, RTLD_NOW | RTLD_LOCAL);
  return handle ? reinterpret_cast<F *>(dlsym(handle, name)) : nullptr;
}

} // namespace

extern "C" uLong compressBound(uLong source_length) {
  static auto *const real = zlib_function<uLong(uLong)>("compressBound");
  return real ? real(source_length) : source_length + source_length / 1000 + 64;
}

extern "C" int compress2(Bytef *dest, uLongf *dest_length, const Bytef *source, uLong source_length, int level) {
  static auto *const real = zlib_function<int(Bytef *, uLongf *, const Bytef *, uLong, int)>("compress2");
  return real ? real(dest, dest_length, source, source_length, level) : Z_ERRNO;
}

#endif
