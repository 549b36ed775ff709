// mqtk-pub: publish MQTT messages from the command line, files, stdin lines or JSON lines.
#include "pub/pub.hpp"

int main(int argc, char **argv) { return mqtk::apps::pub::main(argc, argv); }
