// mqtk-will-test: prove end to end that a broker publishes (or withholds) Last Will messages as the spec
// says.
#include "will-test/will_test.hpp"

int main(int argc, char **argv) {
  return mqtk::apps::will_test::main(argc, argv);
}
