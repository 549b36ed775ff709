"""What mqtk-bench's integration tests share: the summary of a --json run, the bench header, and a
test case with one mosquitto for the whole class.

    class Modes(BenchCase):
        def test_x(self):
            summary = summary_of(self.bench("pubsub", "-n", "10", "--json"))
"""

import json
import struct
import unittest

from .mosquitto import Mosquitto
from .tools import run_tool


def summary_of(result):
    """The last JSON line of a --json run (or of merge --json): the summary object."""
    lines = result.stdout.decode().strip().splitlines()
    assert lines, f"no output; stderr: {result.stderr.decode(errors='replace')}"
    summary = json.loads(lines[-1])
    assert summary.get("type") == "summary", lines[-1]
    return summary


def bench_header(run_id, publisher, sequence, written_ns, intended_ns=0):
    """The 32-byte mqb2 header every bench payload starts with (man page, "The bench header")."""
    return b"mqb2" + struct.pack(">IIIQQ", run_id, publisher, sequence, written_ns, intended_ns)


class BenchCase(unittest.TestCase):
    """A test case whose tests share one mosquitto (broker_options: its Mosquitto() arguments) and
    run mqtk-bench against it with bench()."""

    broker_options = {"extra_config": ["max_queued_messages 0"]}
    bench_timeout = 60

    @classmethod
    def setUpClass(cls):
        cls.broker = Mosquitto(**cls.broker_options)
        cls.broker.start()

    @classmethod
    def tearDownClass(cls):
        cls.broker.close()

    def bench(self, *args, timeout=None):
        """Runs mqtk-bench against the class's broker with args and waits for it."""
        return run_tool(["mqtk-bench", *self.broker.client_args(), *args],
                        timeout=timeout or self.bench_timeout)
