// replacing_file: the target is what it was or the complete new file, never half of one.
#include "../../apps/common/replacing_file.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

using mqtk::apps::replace_file;
using mqtk::apps::replacing_file;

namespace {

struct temp_dir {
  temp_dir() {
    char name[] = "/tmp/mqtk-unit-replace-XXXXXX";
    path = ::mkdtemp(name);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
  std::size_t entries() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator(path))
      ++n;
    return n;
  }
  std::filesystem::path path;
};

std::string read_text(const std::filesystem::path &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

TEST_CASE("replacing_file: the old content stays until commit, then the new one is all there") {
  temp_dir dir;
  const auto target = dir.path / "out.txt";
  std::ofstream(target) << "old";
  ::chmod(target.c_str(), 0640);
  replacing_file file;
  REQUIRE(file.open(target.string(), false) == 0);
  CHECK(file.is_open());
  CHECK(dir.entries() == 2); // the target and the temporary next to it
  CHECK(file.write("new ") == 0);
  CHECK(file.write("content") == 0);
  CHECK(read_text(target) == "old");
  CHECK(file.commit() == 0);
  CHECK_FALSE(file.is_open());
  CHECK(read_text(target) == "new content");
  CHECK(dir.entries() == 1);
  struct stat st {};
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0640); // a replaced file keeps its mode
}

TEST_CASE("replacing_file: discarded or destroyed, nothing changes; bad paths give their errno") {
  temp_dir dir;
  const auto target = dir.path / "keep.txt";
  std::ofstream(target) << "keep";
  {
    replacing_file file;
    REQUIRE(file.open(target.string(), false) == 0);
    file.write("lost");
  }
  CHECK(read_text(target) == "keep");
  CHECK(dir.entries() == 1);
  replacing_file file;
  CHECK(file.open(dir.path.string(), false) == EISDIR);
  CHECK(file.open((dir.path / "missing" / "x").string(), false) == ENOENT);
  CHECK(file.write("x") != 0);
  CHECK(file.commit() != 0);
}

TEST_CASE("replace_file: a new private file is 0600, a symbolic link keeps pointing at the new file") {
  temp_dir dir;
  const auto target = dir.path / "secret.json";
  REQUIRE(replace_file(target.string(), "{}\n", true) == 0);
  struct stat st {};
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const auto link = dir.path / "link.json";
  std::filesystem::create_symlink(target, link);
  REQUIRE(replace_file(link.string(), "[]\n", true) == 0);
  CHECK(std::filesystem::is_symlink(link));
  CHECK(read_text(target) == "[]\n");
}
