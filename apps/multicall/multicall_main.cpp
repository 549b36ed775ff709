// The packaged tools' one executable: runs the tool named by the basename of argv[0] (each tool is a
// symbolic link to it), or by the first argument when run as `mqtk TOOL ...`. Built only with
// -DMQTK_PACKAGE=ON (cmake/package.cmake).
#include "bench/bench.hpp"
#include "pub/pub.hpp"
#include "retain-clear/retain_clear.hpp"
#include "sub/sub.hpp"
#include "will-test/will_test.hpp"

#include <cstdio>
#include <cstring>
#include <iterator>

namespace {

// One tool: the name it is run as and its entry point.
struct tool {
  const char *name;
  int (*main)(int, char **);
};

// Every packaged tool; a new tool is one line here (and its mqtk_add_tool in apps/<tool>/).
constexpr tool tools[] = {
    {"mqtk-pub", mqtk::apps::pub::main},
    {"mqtk-sub", mqtk::apps::sub::main},
    {"mqtk-retain-clear", mqtk::apps::retain_clear::main},
    {"mqtk-will-test", mqtk::apps::will_test::main},
    {"mqtk-bench", mqtk::apps::bench::main},
};

// The tool called name ("mqtk-pub", or "pub" for `mqtk pub`), or null.
const tool *find_tool(const char *name) {
  for (const auto &t : tools)
    if (std::strcmp(t.name, name) == 0 || std::strcmp(t.name + 5, name) == 0)
      return &t;
  return nullptr;
}

} // namespace

int main(int argc, char **argv) {
  const char *slash = argc > 0 ? std::strrchr(argv[0], '/') : nullptr;
  const char *name = argc > 0 ? (slash ? slash + 1 : argv[0]) : "mqtk";
  if (const tool *t = find_tool(name))
    return t->main(argc, argv);
  if (argc > 1)
    if (const tool *t = find_tool(argv[1]))
      return t->main(argc - 1, argv + 1);
  std::fputs("mqtk: run one of the tools:", stderr);
  for (std::size_t i = 0; i < std::size(tools); ++i)
    std::fprintf(stderr, "%s %s", i ? "," : "", tools[i].name);
  std::fputs(" (or mqtk TOOL ARGS...)\n", stderr);
  return 2;
}
