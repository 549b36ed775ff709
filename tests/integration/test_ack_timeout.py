"""A broker that keeps the connection alive (answers PINGREQ) but never acknowledges: every tool ends
after --ack-timeout with one line naming the acknowledgement that never came, exit 7 when messages
stay unacknowledged and 9 otherwise, instead of waiting forever. Scripted brokers
(tests/support/mqtk_testlib/scripted_broker.py); the healthy case against a real mosquitto."""

import time
import unittest

import mqtk_testlib as t
from mqtk_testlib import scripted_broker as sb

TIMEOUT = 15  # every tool run; a hang fails the test with ToolTimeout


def keeps_alive_never_acks(conn):
    """CONNACK, then answers PINGREQ and nothing else until the client goes away."""
    conn.expect(sb.CONNECT)
    conn.send(sb.connack())
    while True:
        try:
            p = conn.recv_packet(timeout=20)
        except sb.ScriptError:
            return
        if p.type == sb.PINGREQ:
            conn.send(sb.packet(sb.PINGRESP))


class NoAcknowledgement(unittest.TestCase):
    def run_against_silent_broker(self, *args, keepalive="1"):
        with sb.ScriptedBroker(keeps_alive_never_acks) as broker:
            started = time.monotonic()
            r = t.run_tool([args[0], *broker.client_args(), "-k", keepalive, "--ack-timeout", "1.5", *args[1:]],
                           timeout=TIMEOUT)
            elapsed = time.monotonic() - started
        # with -k 1 PINGREQ/PINGRESP pass while the clock runs; they must not reset it
        self.assertGreaterEqual(elapsed, 1.4, r)
        self.assertLess(elapsed, 6, r)
        return r

    def test_pub_qos1_without_puback_exits_7(self):
        r = self.run_against_silent_broker("mqtk-pub", "-t", "a", "-m", "x", "-q", "1")
        self.assertEqual(r.status, 7, r)
        err = r.stderr.decode()
        self.assertIn("acknowledged nothing for 1.5 s (no PUBACK for packet id 1)", err)
        self.assertIn("1 message(s) were not acknowledged", err)

    def test_the_timeout_does_not_wait_for_the_keepalive_timer(self):
        # keepalive 60 s and 0 (no keepalive timer at all): the 1.5 s clock still ends the run
        for keepalive in ("60", "0"):
            r = self.run_against_silent_broker("mqtk-pub", "-t", "a", "-m", "x", "-q", "1", keepalive=keepalive)
            self.assertEqual(r.status, 7, (keepalive, r))
            self.assertIn("no PUBACK for packet id 1", r.stderr.decode())

    def test_pub_qos2_without_pubrec_exits_7(self):
        r = self.run_against_silent_broker("mqtk-pub", "-t", "a", "-m", "x", "-q", "2")
        self.assertEqual(r.status, 7, r)
        self.assertIn("no PUBREC for packet id 1", r.stderr.decode())

    def test_sub_without_suback_exits_9(self):
        r = self.run_against_silent_broker("mqtk-sub", "-t", "a/#")
        self.assertEqual(r.status, 9, r)
        self.assertIn("no SUBACK for packet id 1", r.stderr.decode())
        self.assertEqual(r.stdout, b"")

    def test_retain_clear_without_suback_exits_9(self):
        r = self.run_against_silent_broker("mqtk-retain-clear", "-t", "a/#", "--dry-run")
        self.assertEqual(r.status, 9, r)
        self.assertIn("no SUBACK", r.stderr.decode())

    def test_bad_values_are_usage_errors(self):
        for value in ("-1", "nan", "100000"):
            r = t.run_tool(["mqtk-pub", "-h", "127.0.0.1", "-p", "1", "-t", "a", "-m", "x", "--ack-timeout", value],
                           timeout=TIMEOUT)
            self.assertEqual(r.status, 2, (value, r))
            self.assertIn("--ack-timeout", r.stderr.decode())


class HealthyBroker(unittest.TestCase):
    def test_acknowledged_messages_are_not_affected(self):
        with t.Mosquitto() as broker:
            r = t.run_tool(["mqtk-pub", *broker.client_args(), "-t", "a", "-m", "x", "-q", "2", "--repeat", "200",
                            "--ack-timeout", "1"], timeout=TIMEOUT)
            self.assertEqual(r.status, 0, r)


if __name__ == "__main__":
    unittest.main()
