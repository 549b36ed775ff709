// mqtk-sub: subscribe to MQTT topics and print what arrives.
#include "sub/sub.hpp"

int main(int argc, char **argv) { return mqtk::apps::sub::main(argc, argv); }
