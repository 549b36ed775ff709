// The packaged build's OpenSSL: libssl opened with dlopen at the first TLS use, its functions
// reached through one trampoline each (named as OpenSSL names them, hidden, so nothing else binds to
// them). Until the library is loaded every trampoline leads to an abort with a message: only
// load_openssl's callers (the TLS context loader and --version) may call OpenSSL first.
#include "openssl_loader.hpp"

#ifndef MQTK_OPENSSL_DLOPEN

namespace mqtk::net::detail {

bool load_openssl(std::string &) { return true; }

} // namespace mqtk::net::detail

#else

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <iterator>

extern "C" {

// Where every trampoline leads before the library is loaded.
[[noreturn]] __attribute__((visibility("hidden"))) void mqtk_openssl_not_loaded() {
  std::fputs("mqtk: internal error: OpenSSL called before libssl was loaded\n", stderr);
  std::abort();
}

// One pointer per function; the trampoline of the same name jumps through it.
#define MQTK_OPENSSL_SYMBOL(name)                                                                    \
  __attribute__((visibility("hidden"), used)) void *mqtk_openssl_ptr_##name =                        \
      reinterpret_cast<void *>(&mqtk_openssl_not_loaded);
#include "openssl_symbols.inc"
#undef MQTK_OPENSSL_SYMBOL

} // extern "C"

#if defined(__x86_64__)
#define MQTK_OPENSSL_SYMBOL(name)                                                                    \
  asm(".pushsection .text.mqtk_openssl_" #name ",\"ax\",@progbits\n"                                \
      ".globl " #name "\n.hidden " #name "\n.type " #name ",@function\n" #name ":\n"                 \
      "\tjmp *mqtk_openssl_ptr_" #name "(%rip)\n"                                                    \
      ".size " #name ",.-" #name "\n.popsection\n");
#elif defined(__aarch64__)
#define MQTK_OPENSSL_SYMBOL(name)                                                                    \
  asm(".pushsection .text.mqtk_openssl_" #name ",\"ax\",@progbits\n"                                \
      ".globl " #name "\n.hidden " #name "\n.type " #name ",%function\n" #name ":\n"                 \
      "\tadrp x16, mqtk_openssl_ptr_" #name "\n"                                                     \
      "\tldr x16, [x16, #:lo12:mqtk_openssl_ptr_" #name "]\n\tbr x16\n"                             \
      ".size " #name ",.-" #name "\n.popsection\n");
#else
#error "MQTK_OPENSSL_DLOPEN has trampolines for x86_64 and aarch64 only (cmake/package.cmake)"
#endif
#include "openssl_symbols.inc"
#undef MQTK_OPENSSL_SYMBOL

namespace mqtk::net::detail {

namespace {

// Opens the library and resolves every function; empty on success, else what went wrong. Nothing
// is published unless every function was found.
std::string open_library() {
  struct entry {
    const char *name;
    void **pointer;
  };
  static const entry entries[] = {
#define MQTK_OPENSSL_SYMBOL(name) {#name, &mqtk_openssl_ptr_##name},
#include "openssl_symbols.inc"
#undef MQTK_OPENSSL_SYMBOL
  };
  void *handle = dlopen(MQTK_OPENSSL_DLOPEN, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *reason = dlerror();
    return std::string("cannot load ") + MQTK_OPENSSL_DLOPEN + ": " + (reason ? reason : "unknown error");
  }
  void *found[std::size(entries)];
  for (std::size_t i = 0; i < std::size(entries); ++i)
    if (!(found[i] = dlsym(handle, entries[i].name)))
      return std::string(MQTK_OPENSSL_DLOPEN) + " has no function " + entries[i].name;
  for (std::size_t i = 0; i < std::size(entries); ++i)
    *entries[i].pointer = found[i];
  return {};
}

} // namespace

bool load_openssl(std::string &error) {
  static const std::string failure = open_library();
  if (failure.empty())
    return true;
  error = failure;
  return false;
}

} // namespace mqtk::net::detail

#endif
