// mqtk-retain-clear: list, back up, clear and verify retained MQTT messages under topic filters.
#include "retain-clear/retain_clear.hpp"

int main(int argc, char **argv) {
  return mqtk::apps::retain_clear::main(argc, argv);
}
