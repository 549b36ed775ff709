"""mqtk-pub's pipelining: a single message goes out with CONNECT (the DISCONNECT after the CONNACK), and
the CONNACK still decides: a refusal, a 3.1.1 fallback and the CONNACK's limits end the run as
they would without pipelining. Against mosquitto, aedes (3.1.1 only) and scripted brokers."""

import json
import re
import signal
import subprocess
import threading
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib import scripted_broker as sb

TIMEOUT = 30


def trace(stderr):
    """The -d packet trace: the packet names in order, "->" sent and "<-" received."""
    return re.findall(rb"(->|<-) ([A-Z]+)", stderr)


class Mosquitto(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto())

    def pub(self, *args):
        return t.run_tool(["mqtk-pub", *self.broker.client_args(), "-d", *args], timeout=TIMEOUT)

    def subscriber(self, topic, count):
        bg = t.start_mosquitto_sub([*self.broker.client_args(), "-V", "5", "-t", topic, "-C", str(count),
                                    "-v", "-W", "10"])
        self.addCleanup(bg.kill)
        self.broker.wait_log(r"Received SUBSCRIBE", timeout=10)
        return bg

    def test_qos0_publish_goes_before_the_connack_and_disconnect_after_it(self):
        bg = self.subscriber("pl/0", 1)
        r = self.pub("-t", "pl/0", "-m", "zero", "--json")
        self.assertEqual(r.status, 0, r)
        self.assertEqual(trace(r.stderr), [(b"->", b"CONNECT"), (b"->", b"PUBLISH"), (b"<-", b"CONNACK"),
                                           (b"->", b"DISCONNECT")])
        self.assertEqual(json.loads(r.stdout)["sequence"], 1)
        self.assertEqual(bg.wait(10).stdout, b"pl/0 zero\n")

    def test_qos1_publish_goes_before_the_connack_and_disconnect_after_the_puback(self):
        bg = self.subscriber("pl/1", 1)
        r = self.pub("-t", "pl/1", "-m", "one", "-q", "1", "--json")
        self.assertEqual(r.status, 0, r)
        self.assertEqual(trace(r.stderr), [(b"->", b"CONNECT"), (b"->", b"PUBLISH"), (b"<-", b"CONNACK"),
                                           (b"<-", b"PUBACK"), (b"->", b"DISCONNECT")])
        self.assertTrue(json.loads(r.stdout)["acknowledged"])
        self.assertEqual(bg.wait(10).stdout, b"pl/1 one\n")

    def test_no_pipeline_waits_for_the_connack(self):
        r = self.pub("-t", "pl/n", "-m", "x", "--no-pipeline")
        self.assertEqual(r.status, 0, r)
        self.assertEqual(trace(r.stderr)[:3], [(b"->", b"CONNECT"), (b"<-", b"CONNACK"), (b"->", b"PUBLISH")])

    def test_repeat_and_large_payloads_wait_for_the_connack(self):
        for extra in (["-m", "x", "--repeat", "2"], ["-m", "x" * (64 * 1024 + 1)]):
            r = self.pub("-t", "pl/r", *extra)
            self.assertEqual(r.status, 0, r)
            self.assertEqual(trace(r.stderr)[:2], [(b"->", b"CONNECT"), (b"<-", b"CONNACK")], extra[:3])


class MosquittoLimits(unittest.TestCase):
    """The CONNACK's limits arrive after the message: the run ends with exit 6 as a local refusal does."""

    def test_maximum_qos(self):
        broker = t.use_broker(self, t.Mosquitto(listener_config=["max_qos 1"]))
        r = t.run_tool(["mqtk-pub", *broker.client_args(), "-t", "pl/q", "-m", "x", "-q", "2"], timeout=TIMEOUT)
        self.assertEqual(r.status, 6, r)
        self.assertIn(b"message 1 on 'pl/q' refused: ", r.stderr)
        self.assertIn(b"maximum QoS 1", r.stderr)
        self.assertNotIn(b"not acknowledged", r.stderr)

    def test_retain_unavailable_at_qos0(self):
        broker = t.use_broker(self, t.Mosquitto(extra_config=["retain_available false"]))
        r = t.run_tool(["mqtk-pub", *broker.client_args(), "-t", "pl/r", "-m", "x", "-r", "--json"],
                       timeout=TIMEOUT)
        self.assertEqual(r.status, 6, r)
        self.assertIn(b"retain unavailable", r.stderr)
        self.assertEqual(r.stdout, b"")  # no result line for a message the broker dropped


class AedesFallback(unittest.TestCase):
    """aedes refuses MQTT 5.0: the message sent with the 5.0 CONNECT goes again, once, in 3.1.1."""

    def setUp(self):
        self.broker = t.use_broker(self, t.Aedes(websockets=False))

    def test_each_qos_arrives_once_after_the_fallback(self):
        # Five runs per QoS: aedes dropped about half of the QoS 0 messages that had a DISCONNECT
        # behind them in CONNECT's write, so five runs catch that with 97% certainty.
        runs = 5
        for qos in ("0", "1", "2"):
            # Our messages, then a sentinel sent after the last run ended; a duplicate would come between.
            bg = t.start_mosquitto_sub([*self.broker.client_args(), "-t", f"fb/{qos}", "-v", "-C", str(runs + 1),
                                        "-W", "20"])
            self.addCleanup(bg.kill)
            self.broker.wait_log(rf"subscribe \S+ fb/{qos} ", timeout=10)
            for run in range(runs):
                r = t.run_tool(["mqtk-pub", *self.broker.client_args(), "-d", "-t", f"fb/{qos}", "-m", f"{qos}.{run}",
                                "-q", qos], timeout=TIMEOUT)
                self.assertEqual(r.status, 0, r)
                self.assertIn(b"retrying with MQTT 3.1.1", r.stderr)
                self.assertEqual(trace(r.stderr).count((b"->", b"PUBLISH")), 2, r.stderr)
            self.assertEqual(t.mosquitto_pub([*self.broker.client_args(), "-t", f"fb/{qos}", "-m", "end"]).status, 0)
            expected = "".join(f"fb/{qos} {qos}.{run}\n" for run in range(runs)) + f"fb/{qos} end\n"
            self.assertEqual(bg.wait(25).stdout, expected.encode())


class ScriptedRefusal(unittest.TestCase):
    def test_refused_connect_reports_the_refusal_not_a_lost_message(self):
        seen = []

        def script(conn):
            conn.expect(sb.CONNECT)
            seen.append(conn.expect(sb.PUBLISH).topic)
            conn.send(sb.connack(0x87))
            conn.wait_closed(5)

        for qos in ("0", "1"):
            seen.clear()
            with sb.ScriptedBroker(script) as broker:
                r = t.run_tool(["mqtk-pub", *broker.client_args(), "-t", "pl/x", "-m", "x", "-q", qos, "--json"],
                               timeout=TIMEOUT)
            broker.check()
            self.assertEqual(seen, ["pl/x"])
            self.assertEqual(r.status, 5, r)
            self.assertIn(b"the broker refused the connection", r.stderr)
            self.assertNotIn(b"not acknowledged", r.stderr)
            self.assertEqual(r.stdout, b"")

    def test_silent_broker_ends_at_the_connect_timeout(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.expect(sb.PUBLISH)
            conn.wait_closed(10)

        with sb.ScriptedBroker(script) as broker:
            r = t.run_tool(["mqtk-pub", *broker.client_args(), "-t", "pl/s", "-m", "x", "--connect-timeout", "1",
                            "--json"], timeout=TIMEOUT)
        broker.check()
        self.assertEqual(r.status, 3, r)
        self.assertIn(b"no CONNACK within the connect timeout", r.stderr)
        self.assertEqual(r.stdout, b"")

    def test_sigint_before_the_connack_ends_at_once(self):
        sent = threading.Event()

        def script(conn):
            conn.expect(sb.CONNECT)
            conn.expect(sb.PUBLISH)
            sent.set()
            conn.wait_closed(20)

        for qos in ("0", "1"):
            sent.clear()
            with sb.ScriptedBroker(script) as broker:
                p = subprocess.Popen([t.find_tool("mqtk-pub"), *broker.client_args(), "-t", "pl/i", "-m", "x", "-q", qos,
                                      "--connect-timeout", "20"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=t.tool_env())
                self.addCleanup(p.kill)
                self.assertTrue(sent.wait(10))
                asked = time.monotonic()
                p.send_signal(signal.SIGINT)
                _, err = p.communicate(timeout=10)
                self.assertLess(time.monotonic() - asked, 5)
            self.assertEqual(p.returncode, 130, err)
            self.assertNotIn(b"not acknowledged", err)  # never accepted: not sent, as without pipelining


if __name__ == "__main__":
    unittest.main()
