// mqtk-bench: load-test a broker: connection rate, throughput, latency percentiles, loss.
#include "bench/bench.hpp"

int main(int argc, char **argv) {
  return mqtk::apps::bench::main(argc, argv);
}
