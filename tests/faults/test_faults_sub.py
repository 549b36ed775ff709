"""Fault lab, mqtk-sub: a kept session across broker restarts, stalls and cuts; a broker that
forgets the session; a slow consumer. The anchor mosquitto_pub publishes numbered messages
straight to the broker; mqtk-sub is the tool under test (through the fault proxy where a case
needs it)."""

import os
import re
import signal
import subprocess
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib.fault_lab import Measured, check_at_least_once, check_in_order, numbered_lines, sequence_numbers
from mqtk_testlib.fault_proxy import FaultProxy

RSS_LIMIT_KIB = 64 * 1024


class SubFaults(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto(persistence=True,
                                                     extra_config=["max_queued_messages 0",
                                                                   "max_inflight_messages 0"]))
        self.proxy = FaultProxy(self.broker.port).start()
        self.addCleanup(self.proxy.stop)

    def subscriber(self, topic, *extra, via_proxy=True, client_id="lab-sub", qos=1, stdout=None, keepalive=2):
        target = self.proxy.client_args() if via_proxy else self.broker.client_args()
        sub = Measured(["mqtk-sub", *target, "-t", topic, "-q", str(qos), "-c", "-i", client_id,
                        "-x", "300", "-k", str(keepalive), "--connect-timeout", "2", "--reconnect-timeout", "20",
                        *extra], stdout=stdout)
        self.addCleanup(sub.__exit__)
        self.broker.wait_subscribed(client_id)
        return sub

    def publish(self, topic, count, start=1, qos=1, timeout=30):
        lines = numbered_lines(start + count - 1)
        lines = "".join(lines.splitlines(keepends=True)[start - 1:])
        r = subprocess.run(["mosquitto_pub", *self.broker.client_args(), "-t", topic, "-q", str(qos), "-l"],
                           input=lines.encode(), capture_output=True, timeout=timeout)
        self.assertEqual(r.returncode, 0, r.stderr)

    @staticmethod
    def output(sub):
        sub._out.flush()
        sub._out.seek(0)
        return sub._out.read()

    def wait_numbers(self, sub, count, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(set(sequence_numbers(self.output(sub)))) < count:
            if not sub.running():
                break
            time.sleep(0.1)
        return sequence_numbers(self.output(sub))

    @staticmethod
    def read_until_all(stream, count, timeout):
        """Reads stream until the numbers 1..count were seen in whole lines (or EOF, or timeout);
        returns all bytes read. Counts as it goes: re-scanning everything per chunk would make a
        reader slower than the tool under test."""
        received, seen, scanned = bytearray(), set(), 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(seen) < count:
            chunk = stream.read1(1 << 20)
            if not chunk:
                break
            received += chunk
            end = received.rfind(b"\n") + 1
            if end > scanned:
                seen.update(sequence_numbers(bytes(received[scanned:end])))
                scanned = end
        return bytes(received)

    def publish_numbered(self, topic, count, width=1000):
        publisher = subprocess.Popen(["mosquitto_pub", *self.broker.client_args(), "-t", topic, "-q", "1", "-l"],
                                     stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        publisher.communicate(numbered_lines(count, width=width).encode(), timeout=60)
        self.assertEqual(publisher.returncode, 0)

    def interrupt(self, sub):
        sub.send_signal(signal.SIGINT)
        r = sub.wait(5)
        self.assertEqual(r.status, 130, r.text)
        self.assertLess(r.peak_rss_kib, RSS_LIMIT_KIB)
        return r

    def test_kept_session_across_a_broker_restart_with_persistence(self):
        sub = self.subscriber("lab/s1", via_proxy=False)
        self.publish("lab/s1", 300)
        self.wait_numbers(sub, 300)
        self.broker.restart()
        self.publish("lab/s1", 300, start=301)
        got = self.wait_numbers(sub, 600)
        r = self.interrupt(sub)
        check_at_least_once(self, got, 600)
        check_in_order(self, got)
        self.assertIn(b"reconnected; the broker kept the session", r.stderr)

    def test_messages_published_while_the_link_was_cut_arrive_after_the_reconnect(self):
        sub = self.subscriber("lab/s2")
        self.publish("lab/s2", 200)
        self.wait_numbers(sub, 200)
        self.proxy.refuse(1.5)
        self.proxy.cut()
        self.publish("lab/s2", 200, start=201)  # queued by the broker for the kept session
        got = self.wait_numbers(sub, 400)
        self.interrupt(sub)
        check_at_least_once(self, got, 400)
        self.assertGreater(self.proxy.refused, 0, "the cut did not make the tool reconnect")

    def test_blackholed_link_is_noticed_by_keepalive_and_recovered(self):
        sub = self.subscriber("lab/s3")
        self.publish("lab/s3", 100)
        self.wait_numbers(sub, 100)
        self.proxy.blackhole()
        self.publish("lab/s3", 100, start=101)
        time.sleep(1)
        self.proxy.resume()  # the old link stays dead; keepalive (2 s) must end it and reconnect
        got = self.wait_numbers(sub, 200, timeout=20)
        r = self.interrupt(sub)
        check_at_least_once(self, got, 200)
        self.assertGreaterEqual(self.proxy.accepted, 2, r.text)

    def test_broker_paused_past_the_keepalive_then_resumed(self):
        sub = self.subscriber("lab/s4")
        self.publish("lab/s4", 100)
        self.wait_numbers(sub, 100)
        self.broker.proc.send_signal(signal.SIGSTOP)
        time.sleep(4)
        self.broker.proc.send_signal(signal.SIGCONT)
        self.publish("lab/s4", 100, start=101)
        got = self.wait_numbers(sub, 200, timeout=25)
        self.interrupt(sub)
        check_at_least_once(self, got, 200)

    def test_large_message_cut_mid_packet_arrives_whole_after_the_reconnect(self):
        sub = self.subscriber("lab/s5", "-N")
        payload = b"m000001 " + b"y" * 400000
        self.proxy.drip(bytes_per_chunk=4096, delay=0.005)  # the message takes ~0.5 s to cross
        subprocess.run(["mosquitto_pub", *self.broker.client_args(), "-t", "lab/s5", "-q", "1", "-s"],
                       input=payload, check=True, timeout=10)
        time.sleep(0.2)
        self.proxy.cut()
        self.proxy.resume()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(self.output(sub)) < len(payload):
            time.sleep(0.1)
        r = self.interrupt(sub)
        self.assertTrue(r.stdout.startswith(payload), f"{len(r.stdout)} bytes; {r.text}")
        self.assertEqual(len(r.stdout) % len(payload), 0, "a partial message was printed")
        self.assertGreaterEqual(self.proxy.accepted, 2, r.text)

    def test_broker_restart_without_persistence_says_the_session_was_lost_and_resubscribes(self):
        forgetful = t.use_broker(self, t.Mosquitto(persistence=False))
        sub = Measured(["mqtk-sub", *forgetful.client_args(), "-t", "lab/s6", "-q", "1", "-c", "-i",
                        "lab-forget", "-x", "300", "-k", "2", "--connect-timeout", "2",
                        "--reconnect-timeout", "20"])
        self.addCleanup(sub.__exit__)
        forgetful.wait_subscribed("lab-forget")
        mark = forgetful.log_mark()
        forgetful.restart()
        sub.wait_for_stderr(rb"session was not kept, subscribing again", timeout=15)
        forgetful.wait_subscribed("lab-forget", start=mark)
        subprocess.run(["mosquitto_pub", *forgetful.client_args(), "-t", "lab/s6", "-q", "1", "-m", "m000001"],
                       check=True, timeout=10)
        got = self.wait_numbers(sub, 1)
        self.interrupt(sub)
        self.assertEqual(got, [1])

    def test_slow_consumer_keeps_memory_bounded_and_loses_nothing(self):
        # stdout is a pipe nobody reads for 4 s: the tool must stop reading the socket (TCP pushes
        # back to the broker, which queues) instead of buffering the stream in memory.
        reader = subprocess.Popen(["sh", "-c", "sleep 4; cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.addCleanup(reader.kill)
        sub = self.subscriber("lab/s7", stdout=reader.stdin, via_proxy=False)
        reader.stdin.close()
        count = 20000
        self.publish_numbered("lab/s7", count)
        received = self.read_until_all(reader.stdout, count, 40)
        r = self.interrupt(sub)
        check_at_least_once(self, sequence_numbers(received), count)
        self.assertLess(r.peak_rss_kib, RSS_LIMIT_KIB, "the slow consumer's stream was buffered in memory")

    def test_sigint_while_stdout_is_never_read_ends_in_bounded_time_and_counts_what_was_not_written(self):
        # The reader of stdout never reads: SIGINT still ends mqtk-sub within ~2 s with 130, and
        # says how many received (acknowledged) messages could not be written.
        read_end, write_end = os.pipe()
        self.addCleanup(os.close, read_end)
        with os.fdopen(write_end, "wb") as out:
            sub = self.subscriber("lab/s8", stdout=out, via_proxy=False)
        count = 3000
        self.publish_numbered("lab/s8", count)
        # The pipe (64 KiB) and the output buffer (256 KiB) fill up; then reading the broker pauses.
        self.broker.wait_log(r"Sending PUBLISH to lab-sub \(d0, q1, r0, m3000,", timeout=10)
        time.sleep(1)
        self.assertTrue(sub.running())
        started = time.monotonic()
        sub.send_signal(signal.SIGINT)
        r = sub.wait(5)
        took = time.monotonic() - started
        self.assertEqual(r.status, 130, r.text)
        self.assertLess(took, 3, r.text)
        m = re.search(r"interrupted while stdout took no more output: (\d+) received message\(s\) were not "
                      r"written to stdout; they were already acknowledged to the broker and are lost", r.text)
        self.assertIsNotNone(m, r.text)
        unwritten = int(m.group(1))
        self.assertGreater(unwritten, 0)
        # Every message acknowledged to the broker was either written whole or counted.
        os.set_blocking(read_end, False)
        data = b""
        try:
            while chunk := os.read(read_end, 1 << 16):
                data += chunk
        except BlockingIOError:
            pass
        written = len(data.split(b"\n")) - 1
        acknowledged = self.broker.log_text().count("Received PUBACK from lab-sub")
        self.assertEqual(written + unwritten, acknowledged, r.text)
        self.assertLess(acknowledged, count, "the tool read everything instead of pausing")
        self.assertLess(r.peak_rss_kib, RSS_LIMIT_KIB)

    def test_reader_stopping_for_four_keepalives_loses_neither_connection_nor_messages(self):
        # The reader stops for 4 x the keepalive (the broker drops a client silent for 1.5 x):
        # reading the broker pauses, PINGREQ still goes out, the unread PINGRESPs are not held
        # against the connection, and everything arrives once the reader reads again.
        reader = subprocess.Popen(["sh", "-c", "sleep 4; cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.addCleanup(reader.kill)
        self.addCleanup(reader.stdout.close)
        sub = self.subscriber("lab/s9", stdout=reader.stdin, via_proxy=False, keepalive=1)
        reader.stdin.close()
        count = 3000
        self.publish_numbered("lab/s9", count)
        received = self.read_until_all(reader.stdout, count, 20)
        r = self.interrupt(sub)
        check_at_least_once(self, sequence_numbers(received), count)
        self.assertNotIn("connection lost", r.text)
        self.assertNotIn("reconnect", r.text)
        log = self.broker.log_text()
        self.assertNotIn("exceeded timeout", log)
        self.assertEqual(log.count("New client connected from"), 2, "lab-sub connected again")  # and the publisher
        self.assertGreaterEqual(log.count("Received PINGREQ from lab-sub"), 3, "no keepalive while paused")


if __name__ == "__main__":
    unittest.main()
