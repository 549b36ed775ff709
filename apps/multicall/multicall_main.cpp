// The packaged tools' one executable: runs the tool named by the basename of argv[0] (each tool is a
// symbolic link to it), or by the first argument when run as `mqtk TOOL ...`. Built only with
// -DMQTK_PACKAGE=ON (cmake/package.cmake).
#include <cstdio>
#include <cstring>
#include <iterator>

// Each tool's entry point (declared here rather than through the tools' headers, which would add
// their static initialisers to this file).
#define MQTK_TOOL(name, space)                                                                       \
  namespace mqtk::apps::space {                                                                      \
  int main(int argc, char **argv);                                                                   \
  }
#include "tools.inc"
#undef MQTK_TOOL

namespace {

// One tool: the name it is run as and its entry point.
struct tool {
  const char *name;
  int (*main)(int, char **);
};

// Every packaged tool (tools.inc).
constexpr tool tools[] = {
#define MQTK_TOOL(name, space) {#name, mqtk::apps::space::main},
#include "tools.inc"
#undef MQTK_TOOL
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
