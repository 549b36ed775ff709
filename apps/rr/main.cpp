// mqtk-rr: MQTT 5 request/response: send a request and wait for its response, or serve requests.
#include "rr/rr.hpp"

int main(int argc, char **argv) { return mqtk::apps::rr::main(argc, argv); }
