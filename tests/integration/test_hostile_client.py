"""The client against hostile brokers (issue 10, items 1 and 4): a broker that sends CONNACK and then
stops reading (a write that never completes must not disable keepalive or Ctrl-C), a broker that
closes the connection on one message every time it is resent (a poison message must not loop
forever), and --reconnect-timeout bounding the whole time spent reconnecting."""

import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib.scripted_broker import CONNECT, PUBLISH, SUBSCRIBE, ScriptedBroker, connack, puback

SMALL_RECV_BUFFER = 4096
LINE = b"x" * 32768 + b"\n"
LINES = 600  # ~19 MiB: far more than the socket buffers of both sides hold


def stalling_script(stalled, release):
    """First connection: CONNACK, then never read again (until release). Reconnects: closed at once."""

    def script(conn):
        if conn.index > 0:
            return
        conn.expect(CONNECT)
        conn.send(connack())
        stalled.set()
        release.wait(30)

    return script


class StalledBroker(unittest.TestCase):
    """Item 1: the broker takes CONNACK's reply and then no more bytes (TCP zero window)."""

    def setUp(self):
        self.stalled, self.release = threading.Event(), threading.Event()
        self.broker = ScriptedBroker(stalling_script(self.stalled, self.release), recv_buffer=SMALL_RECV_BUFFER)
        self.broker.start()
        self.addCleanup(self.broker.stop)
        self.addCleanup(self.release.set)
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.stream = os.path.join(tmp.name, "stream")
        with open(self.stream, "wb") as f:
            f.write(LINE * LINES)

    def start_pub(self, *args):
        """mqtk-pub -q 1 -l with the big stream on stdin (a regular file, so it never blocks us)."""
        command = [t.find_tool("mqtk-pub"), *self.broker.client_args(), "-V", "5", "-t", "stall/s", "-q", "1",
                   "-l", *args]
        bg = t.start_tool(["sh", "-c", 'exec "$@" < "$0"', self.stream, *command])
        self.addCleanup(bg.__exit__, None, None, None)  # kills it if still running, closes its files
        self.assertTrue(self.stalled.wait(10), "the tool never connected")
        return bg

    def test_stalled_write_loses_the_connection_within_the_keepalive(self):
        started = time.monotonic()
        r = self.start_pub("-k", "1", "--no-reconnect").wait(15)
        elapsed = time.monotonic() - started
        err = r.stderr.decode()
        self.assertEqual(r.status, 7, err)
        self.assertLess(elapsed, 6, err)  # a write timeout of 1.5 x the keepalive
        self.assertIn("connection lost: connection to " + f"{self.broker.host}:{self.broker.port}" +
                      " lost: the broker stopped reading (a write did not complete within 1500 ms)", err)
        self.assertRegex(err, r"\d+ message\(s\) were not acknowledged \(0 acknowledged")

    def test_stalled_write_then_refused_reconnects_give_up_at_the_reconnect_timeout(self):
        started = time.monotonic()
        r = self.start_pub("-k", "1", "--reconnect-timeout", "1").wait(15)
        elapsed = time.monotonic() - started
        err = r.stderr.decode()
        self.assertEqual(r.status, 7, err)
        self.assertLess(elapsed, 7, err)
        self.assertIn("the broker stopped reading", err)
        self.assertIn("reconnecting in", err)  # each reconnect is reported
        self.assertIn("gave up reconnecting after 1 s", err)

    def test_sigint_ends_within_two_seconds_with_130_and_the_unacknowledged_count(self):
        bg = self.start_pub("-k", "60")
        time.sleep(1)  # the stream fills the socket buffers; a write is now stuck
        self.assertTrue(bg.running(), bg.stderr_so_far())
        sent = time.monotonic()
        bg.send_signal(signal.SIGINT)
        r = bg.wait(10)
        elapsed = time.monotonic() - sent
        err = r.stderr.decode()
        self.assertEqual(r.status, 130, err)
        self.assertLess(elapsed, 3.5, err)  # DISCONNECT is tried for 2 s at most
        self.assertRegex(err, r"\d+ message\(s\) were not acknowledged \(0 acknowledged, stopped after input line \d+\)")


def poison_script(poison_topic, session_present=True):
    """Acknowledges every PUBLISH, except that one on poison_topic makes it close the connection."""

    def script(conn):
        conn.expect(CONNECT)
        conn.send(connack(session_present=session_present and conn.index > 0))
        while True:
            p = conn.expect(PUBLISH)
            if p.topic == poison_topic:
                return  # closes the connection, as mosquitto does on a message it refuses
            conn.send(puback(p.packet_id, 0))

    return script


class PoisonMessage(unittest.TestCase):
    """Item 4: a message the broker answers by closing the connection, each time it is resent."""

    def run_pub(self, broker, *args, input=None):
        started = time.monotonic()
        r = t.run_tool(["mqtk-pub", *broker.client_args(), "-V", "5", *args], input=input, timeout=20)
        return r, time.monotonic() - started

    def test_a_resent_message_that_closes_the_connection_ends_with_7_naming_it(self):
        with ScriptedBroker(poison_script("cc/a")) as broker:
            r, elapsed = self.run_pub(broker, "-t", "cc/a", "-m", "x", "-q", "1")
        err = r.stderr.decode()
        self.assertEqual(r.status, 7, err)
        self.assertLess(elapsed, 5, err)
        self.assertEqual(broker.connections, 3, err)
        self.assertIn("the broker closed the connection 3 times in a row right after the message on 'cc/a' "
                      "(packet id 1) was sent; giving up on that message", err)
        self.assertEqual(len(re.findall(r"warning: connection lost: .*; reconnecting in ", err)), 2, err)
        self.assertIn("1 message(s) were not acknowledged (0 acknowledged)", err)

    def test_jsonl_stream_stops_at_the_poison_message(self):
        lines = b"".join(b'{"topic":"%s","payload":"%d"}\n' % (topic, i)
                         for i, topic in enumerate([b"cc/ok", b"cc/ok", b"cc/bad", b"cc/ok"]))
        with ScriptedBroker(poison_script("cc/bad")) as broker:
            r, elapsed = self.run_pub(broker, "-q", "1", "--jsonl", input=lines)
        err = r.stderr.decode()
        self.assertEqual(r.status, 7, err)
        self.assertLess(elapsed, 8, err)
        self.assertIn("right after the message on 'cc/bad' (packet id 3) was sent", err)
        self.assertIn("2 message(s) were not acknowledged (2 acknowledged", err)

    def test_a_new_session_each_time_still_counts(self):
        # The broker did not keep the session: the message is sent again as a new one (same id).
        with ScriptedBroker(poison_script("cc/a", session_present=False)) as broker:
            r, elapsed = self.run_pub(broker, "-t", "cc/a", "-m", "x", "-q", "1")
        err = r.stderr.decode()
        self.assertEqual(r.status, 7, err)
        self.assertLess(elapsed, 5, err)
        self.assertIn("3 times in a row right after the message on 'cc/a' (packet id 1)", err)

    def test_a_control_character_in_the_topic_is_shown_escaped(self):
        with ScriptedBroker(poison_script("cc/\x01")) as broker:
            r = run_pub_allowing_control_chars([*broker.client_args(), "-V", "5", "-t", "cc/\x01", "-m", "x",
                                                "-q", "1"])
        err = r.stderr.decode()
        self.assertEqual(r.status, 7, err)
        self.assertIn("right after the message on 'cc/\\x01' (packet id 1)", err)


def run_pub_allowing_control_chars(args, timeout=20):
    """mqtk-pub with --allow-control-chars (the flag that turns off refusing control characters up
    front, from another branch); without it where the flag does not exist yet."""
    r = t.run_tool(["mqtk-pub", *args, "--allow-control-chars"], timeout=timeout)
    if r.status == 2 and b"--allow-control-chars" in r.stderr:
        r = t.run_tool(["mqtk-pub", *args], timeout=timeout)
    return r


class PoisonMessageMosquitto(unittest.TestCase):
    """Item 4 against a real mosquitto 2.0, which closes the connection on a control character in a
    user property (and sends DISCONNECT "malformed packet" for one in the topic)."""

    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto())

    def test_control_character_in_a_user_property(self):
        started = time.monotonic()
        r = run_pub_allowing_control_chars([*self.broker.client_args(), "-t", "cc/a", "-m", "x", "-q", "1",
                                            "--user-property", "k=\x01x"])
        elapsed = time.monotonic() - started
        err = r.stderr.decode()
        self.assertEqual(r.status, 7, err)
        self.assertLess(elapsed, 8, err)
        self.assertIn("3 times in a row right after the message on 'cc/a' (packet id 1) was sent", err)
        self.assertEqual(err.count("reconnecting in"), 2, err)

    def test_control_character_in_the_topic(self):
        r = run_pub_allowing_control_chars([*self.broker.client_args(), "-t", "cc/\x01", "-m", "x", "-q", "1"])
        err = r.stderr.decode()
        self.assertEqual(r.status, 7, err)
        self.assertIn("right after the message on 'cc/\\x01' (packet id 1) was sent", err)
        self.assertIn("(last: the broker sent DISCONNECT: Malformed Packet (0x81))", err)


def connack_then_close(conn):
    """CONNACK, then the connection is closed at once, every time (nothing is ever acknowledged)."""
    conn.expect(CONNECT)
    conn.send(connack(session_present=False))


class ReconnectTimeout(unittest.TestCase):
    """Item 4c: --reconnect-timeout counts from the first loss; a CONNACK followed by an immediate
    loss does not reset it."""

    def test_sub_gives_up_although_every_reconnect_gets_a_connack(self):
        with ScriptedBroker(connack_then_close) as broker:
            started = time.monotonic()
            r = t.run_tool(["mqtk-sub", *broker.client_args(), "-t", "r/t", "--reconnect-timeout", "2"], timeout=20)
            elapsed = time.monotonic() - started
        err = r.stderr.decode()
        self.assertEqual(r.status, 3, err)
        self.assertLess(elapsed, 6, err)
        self.assertGreaterEqual(broker.connections, 3, err)
        self.assertIn("gave up reconnecting after 2 s", err)
        self.assertGreaterEqual(err.count("reconnecting in"), 2, err)

    def test_pub_qos0_stream_gives_up_although_every_reconnect_gets_a_connack(self):
        # An endless stream (`yes`): a fixed number of lines can all be written into the socket
        # buffers within the moments each connection lasts, and the stream then ends before the
        # timeout does.
        with ScriptedBroker(connack_then_close) as broker, \
                subprocess.Popen(["yes", "a"], stdout=subprocess.PIPE) as lines:
            started = time.monotonic()
            r = t.run_tool(["mqtk-pub", *broker.client_args(), "-t", "r/t", "-l", "--reconnect-timeout", "2"],
                           stdin=lines.stdout, timeout=20)
            elapsed = time.monotonic() - started
            lines.kill()
        err = r.stderr.decode()
        self.assertIn(r.status, (3, 7), err)  # 7 when a line was read but could not be sent
        self.assertLess(elapsed, 6, err)
        self.assertIn("gave up reconnecting after 2 s", err)
        self.assertIn("reconnecting in", err)

    def test_a_reconnect_that_hangs_is_cut_at_the_reconnect_timeout(self):
        release = threading.Event()

        def script(conn):
            if conn.index == 0:
                connack_then_close(conn)
                return
            release.wait(30)  # accepted, but no CONNACK ever: only --connect-timeout (10 s) would end it

        broker = ScriptedBroker(script)
        with broker:
            try:
                started = time.monotonic()
                r = t.run_tool(["mqtk-sub", *broker.client_args(), "-t", "r/t", "--reconnect-timeout", "1"],
                               timeout=20)
                elapsed = time.monotonic() - started
            finally:
                release.set()
        err = r.stderr.decode()
        self.assertEqual(r.status, 3, err)
        self.assertLess(elapsed, 4, err)
        self.assertIn("gave up reconnecting after 1 s", err)


if __name__ == "__main__":
    unittest.main()
