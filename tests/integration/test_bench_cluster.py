"""mqtk-bench against several brokers: two mosquitto brokers joined by a mosquitto bridge, publishers
on one and subscribers on the other (--sub-url), with exact loss and duplicates; the same run
without the bridge loses everything, so the messages really crossed it; -h/-L lists spread the
connections round robin, as each broker's own log shows."""

import re
import unittest

import mqtk_testlib as t
from mqtk_testlib.bench import summary_of

BRIDGE_ID = "mqtk-bridge-a"



def clients_connected(broker, prefix, start=0):
    """The client ids starting with prefix that connected to broker since log position start."""
    log = broker.log_text()[start:]
    return sorted(re.findall(r"New client connected from \S+ as (" + re.escape(prefix) + r"\S*) ", log))


class Bridged(unittest.TestCase):
    """Broker a bridges mqtk-bench/# both ways (QoS 1) to broker b; broker alone has no bridge."""

    @classmethod
    def setUpClass(cls):
        unlimited = ["max_queued_messages 0"]
        cls.b = t.Mosquitto(extra_config=unlimited)
        cls.b.start()
        cls.a = t.Mosquitto(extra_config=unlimited + [
            "connection to-b", f"address {cls.b.host}:{cls.b.port}", f"remote_clientid {BRIDGE_ID}",
            "cleansession true", "topic mqtk-bench/# both 1"])
        cls.a.start()
        cls.alone = t.Mosquitto(extra_config=unlimited)
        cls.alone.start()
        # The bridge is up once it has subscribed on b (for the b-to-a direction).
        cls.b.wait_subscribed(BRIDGE_ID, timeout=15)

    @classmethod
    def tearDownClass(cls):
        for broker in (cls.a, cls.b, cls.alone):
            broker.close()

    def bench(self, *args, timeout=60):
        return t.run_tool(["mqtk-bench", *args], timeout=timeout)

    def test_publish_on_one_node_subscribe_on_the_other_loses_nothing_at_qos_1(self):
        marks = self.a.log_mark(), self.b.log_mark()
        r = self.bench("-h", f"{self.a.host}:{self.a.port}", "--sub-url", self.b.url(), "pubsub", "-C", "2",
                       "-s", "2", "-q", "1", "-n", "500", "--rate", "1000", "-t", "mqtk-bench/cross/%i", "-I",
                       "cross", "--json", "--quiet", "--max-loss", "0")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["published"]["sent"], 1000)
        self.assertEqual(s["published"]["acknowledged"], 1000)
        self.assertEqual(s["received"]["expected"], 2000)
        self.assertEqual(s["received"]["messages"], 2000)
        self.assertEqual(s["received"]["lost"], 0)
        self.assertEqual(s["received"]["duplicates"], 0)
        self.assertEqual(s["received"]["foreign"], 0)
        self.assertEqual(s["latency_ms"]["samples"], 2000)
        self.assertEqual(s["brokers"], [
            {"url": self.a.url(), "publishers": 2, "subscribers": 0, "connected": 2},
            {"url": self.b.url(), "publishers": 0, "subscribers": 2, "connected": 2}])
        # The brokers saw it the same way: publishers on a, subscribers on b.
        self.assertEqual(clients_connected(self.a, "cross", marks[0]), ["cross0", "cross1"])
        self.assertEqual(clients_connected(self.b, "cross", marks[1]), ["crosss0", "crosss1"])

    def test_without_the_bridge_the_same_run_loses_everything(self):
        r = self.bench("-h", f"{self.alone.host}:{self.alone.port}", "--sub-url", self.b.url(), "pubsub", "-C",
                       "2", "-s", "2", "-q", "1", "-n", "500", "--rate", "1000", "-t", "mqtk-bench/cross/%i",
                       "--drain", "1", "--json", "--quiet", "--max-loss", "0")
        self.assertEqual(r.status, 10, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["published"]["acknowledged"], 1000)
        self.assertEqual(s["received"]["expected"], 2000)
        self.assertEqual(s["received"]["messages"], 0)
        self.assertEqual(s["received"]["lost"], 2000)
        self.assertEqual(s["received"]["loss_percent"], 100.0)
        self.assertIn("check failed: lost messages (%) 100.000", r.stderr.decode())

    def test_both_nodes_publish_and_subscribe_each_subscriber_gets_every_message_once(self):
        # -L twice: publisher 0 and subscriber 0 on a, publisher 1 and subscriber 1 on b; each
        # subscriber gets one publisher directly and the other through the bridge.
        r = self.bench("-L", self.a.url(), "-L", self.b.url(), "pubsub", "-C", "2", "-s", "2", "-q", "1", "-n",
                       "400", "--rate", "1000", "-t", "mqtk-bench/mesh/%i", "--json", "--quiet")
        self.assertEqual(r.status, 0, r.stderr)
        s = summary_of(r)
        self.assertEqual(s["received"]["expected"], 1600)
        self.assertEqual(s["received"]["messages"], 1600)
        self.assertEqual(s["received"]["lost"], 0)
        self.assertEqual(s["received"]["duplicates"], 0)
        self.assertEqual([(b["publishers"], b["subscribers"]) for b in s["brokers"]], [(1, 1), (1, 1)])


class RoundRobin(unittest.TestCase):
    def test_connections_alternate_between_the_brokers_as_their_logs_show(self):
        one = t.use_broker(self, t.Mosquitto())
        two = t.use_broker(self, t.Mosquitto())
        r = t.run_tool(["mqtk-bench", "-h", f"{one.host}:{one.port},{two.host}", "-p", str(two.port), "conn",
                        "-C", "6", "-D", "0", "-I", "rr", "--json", "--quiet"])
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(clients_connected(one, "rr"), ["rr0", "rr2", "rr4"])
        self.assertEqual(clients_connected(two, "rr"), ["rr1", "rr3", "rr5"])
        self.assertEqual(summary_of(r)["brokers"], [
            {"url": one.url(), "connections": 3, "connected": 3},
            {"url": two.url(), "connections": 3, "connected": 3}])
        text = t.run_tool(["mqtk-bench", "-L", f"{one.url()},{two.url()}", "conn", "-C", "3", "-D", "0", "-I",
                           "rt", "--quiet"])
        self.assertEqual(text.status, 0, text.stderr)
        self.assertIn(f"brokers      {one.url()}  2 connections, 2 connected\n"
                      f"             {two.url()}  1 connection, 1 connected\n", text.stdout.decode())

    def test_a_broker_that_is_down_counts_against_its_share_only(self):
        up = t.use_broker(self, t.Mosquitto())
        down = t.free_port()
        r = t.run_tool(["mqtk-bench", "-h", f"{up.host}:{up.port},{up.host}:{down}", "conn", "-C", "4", "-D", "0",
                        "--json", "--quiet"])
        self.assertEqual(r.status, 3, r.stderr)
        self.assertIn(f"cannot connect to {up.host}:{down}", r.stderr.decode())
        s = summary_of(r)
        self.assertEqual(s["connections"]["failed"], 2)
        self.assertEqual([(b["connections"], b["connected"]) for b in s["brokers"]], [(2, 2), (2, 0)])


class Usage(unittest.TestCase):
    def test_bad_lists_are_refused_before_connecting(self):
        broker = t.use_broker(self, t.Mosquitto())
        here = f"{broker.host}:{broker.port}"
        cases = [
            (["-h", f"{here},{broker.host}:x", "-n", "1"],
             "-h/--host entry 2 ('127.0.0.1:x'): port 'x' is not a port"),
            (["-h", f"{here},,{here}", "-n", "1"], "has an empty entry"),
            (["-L", f"{broker.url()},http://x", "-n", "1"], "-L/--url entry 2: invalid URL 'http://x'"),
            (["-h", here, "--sub-url", "mqtt://x:0", "-n", "1"], "--sub-url: invalid URL 'mqtt://x:0'"),
            (["-h", here, "--sub-url", broker.url(), "sub"], "--sub-url is for pubsub mode, not sub"),
            (["-L", broker.url(), "-h", here, "-n", "1"], "give only one of -L/--url, -h/-p and --unix"),
        ]
        mark = broker.log_mark()
        for args, message in cases:
            with self.subTest(args=args):
                r = t.run_tool(["mqtk-bench", *args])
                self.assertEqual(r.status, 2, r.stderr)
                self.assertEqual(len(r.stderr.decode().strip().splitlines()), 1, r.stderr)
                self.assertIn(message, r.stderr.decode())
                self.assertEqual(r.stdout, b"")
        self.assertNotIn("New client connected", broker.log_text()[mark:])

    def test_the_other_tools_take_one_broker(self):
        for tool, args in (("mqtk-pub", ["-t", "a", "-m", "x"]), ("mqtk-sub", ["-t", "a"]),
                           ("mqtk-retain-clear", ["-t", "a/#"]), ("mqtk-will-test", [])):
            for broker_args, flag in ((["-h", "a,b"], "-h/--host"), (["-h", "a", "-h", "b"], "-h/--host"),
                                      (["-L", "mqtt://a,mqtt://b"], "-L/--url")):
                with self.subTest(tool=tool, args=broker_args):
                    r = t.run_tool([tool, *broker_args, *args], timeout=15)
                    self.assertEqual(r.status, 2, r.stderr)
                    err = r.stderr.decode()
                    self.assertEqual(len(err.strip().splitlines()), 1, err)
                    self.assertIn(f"{flag} ", err)
                    self.assertIn("takes one broker", err)


if __name__ == "__main__":
    unittest.main()
