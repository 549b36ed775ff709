"""mqtk-will-test --end keepalive against a broker that is late: a scripted broker plays one that
notices the silent will client well after 1.5 x keepalive and delivers the will to the observer
then. With the default wait the tool keeps listening long enough and reports the will as "late"
with its latency, not as missing."""

import json
import threading
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib import scripted_broker as sb

TOPIC = "late/will"
PAYLOAD = b"gone late"


def serve_until(conn, deadline):
    """Answers PINGREQs (and drops anything else) until deadline; returns early if the client closes."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        try:
            p = conn.recv_packet(timeout=remaining)
        except sb.ScriptError:  # timed out, or the client closed the connection
            return
        if p.type == sb.PINGREQ:
            conn.send(sb.packet(sb.PINGRESP))


def late_broker(deliver_after, payload=PAYLOAD):
    """A script: connection 0 is the observer, connection 1 the will client; the will reaches the
    observer deliver_after seconds after the will client's CONNACK (None: never)."""
    will_connected = threading.Event()
    connacked_at = []

    def script(conn):
        conn.expect(sb.CONNECT)
        conn.send(sb.connack())
        if conn.index == 0:
            sub = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(sub.packet_id, [2]))
            if not will_connected.wait(10):
                raise sb.ScriptError("the will client never connected")
            if deliver_after is not None:
                serve_until(conn, connacked_at[0] + deliver_after)
                conn.send(sb.publish(TOPIC, payload, qos=0))
            serve_until(conn, time.monotonic() + 15)
        else:
            connacked_at.append(time.monotonic())
            will_connected.set()
            conn.wait_closed(15)  # silent until the tool gives up on it

    return script


class WillLateTest(unittest.TestCase):
    # -k 1 and --tolerance 0.5: the spec's window is 0.5 to 2.0 s after the end. The old default wait
    # (latest + 1 = 3.0 s) gave up before a will at 3.5 s; the wait now covers another 1.5 x
    # keepalive a broker may take to notice: 2.0 + 1.5 + 1 = 4.5 s.
    ARGS = ("--end", "keepalive", "-k", "1", "--tolerance", "0.5", "-V", "5", "--will-topic", TOPIC,
            "--will-payload", PAYLOAD.decode(), "-i", "late-will")

    def run_against(self, deliver_after, *extra, payload=PAYLOAD):
        with sb.ScriptedBroker(late_broker(deliver_after, payload)) as broker:
            started = time.monotonic()
            result = t.run_tool(["mqtk-will-test", *broker.client_args(), *self.ARGS, *extra], timeout=20)
            elapsed = time.monotonic() - started
            broker.check()
        return result, elapsed

    def test_a_late_will_is_reported_late_with_its_latency(self):
        (status, out, err), elapsed = self.run_against(3.5, "--json")
        self.assertEqual(status, 10, err)
        r = json.loads(out)
        self.assertEqual(r["result"], "late")
        self.assertFalse(r["passed"])
        self.assertTrue(r["observed"]["will"])
        self.assertEqual(r["wait_s"], 4.5)
        self.assertGreaterEqual(r["latency_s"], 3.4)
        self.assertLess(r["latency_s"], 4.5)
        self.assertEqual([d["field"] for d in r["differences"]], ["latency"])
        self.assertEqual(r["differences"][0]["expected"], "between 0.500 and 2.000 s")
        self.assertTrue(r["differences"][0]["observed"].endswith(" s (late)"))
        self.assertLess(elapsed, 8)  # the will ended the wait

    def test_a_hostile_will_payload_is_escaped_in_the_table(self):
        # the broker delivers a will whose payload holds terminal control sequences and a newline
        (status, out, err), _ = self.run_against(1.0, payload=b"\x1b]0;pwned\x07\nforged")
        self.assertEqual(status, 10, err)
        self.assertNotIn(b"\x1b", out)
        self.assertIn(b"observed \\x1b]0;pwned\\x07\\nforged\n", out)

    def test_the_table_says_late(self):
        (status, out, err), _ = self.run_against(3.5)
        self.assertEqual(status, 10, err)
        row = [line for line in out.decode().splitlines() if line.startswith("keepalive")][0]
        self.assertTrue(row.endswith("late"), row)
        self.assertIn("will at 1.500 s", row)
        self.assertIn("(late)", out.decode())

    def test_a_will_that_never_comes_is_missing_after_the_whole_wait(self):
        (status, out, err), elapsed = self.run_against(None, "--json", "-W", "2.5")
        self.assertEqual(status, 10, err)
        r = json.loads(out)
        self.assertEqual(r["result"], "FAILED")
        self.assertEqual(r["wait_s"], 2.5)
        self.assertEqual(r["differences"][0]["observed"], "not received within 2.500 s")
        self.assertGreaterEqual(elapsed, 2.5)


if __name__ == "__main__":
    unittest.main()
