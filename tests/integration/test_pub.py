"""mqtk-pub against a real mosquitto: payload sources, properties, JSON lines, refusals, losses."""

import json
import os
import re
import subprocess
import tempfile
import time
import unittest

import mqtk_testlib as t


class PubTestCase(unittest.TestCase):
    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto())
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def sub(self, topic, count, extra=()):
        """A mosquitto_sub in the background that prints `count` messages (-N: payload only)."""
        bg = t.start_mosquitto_sub([*self.broker.client_args(), "-V", "5", "-t", topic, "-C", str(count),
                                    *extra])
        self.addCleanup(bg.kill)
        self.broker.wait_log(r"Received SUBSCRIBE", timeout=10)
        return bg

    def pub(self, *args, input=None, timeout=30):
        return t.run_tool(["mqtk-pub", *self.broker.client_args(), *args], input=input, timeout=timeout)


class PayloadSources(PubTestCase):
    def test_message(self):
        bg = self.sub("p/m", 1)
        r = self.pub("-t", "p/m", "-m", "hello world", "-q", "1")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(bg.wait(10).stdout, b"hello world\n")

    def test_binary_file_arrives_byte_identical(self):
        data = bytes(range(256)) * 40 + b"\x00\xff\n\r"
        path = os.path.join(self.tmp.name, "blob")
        with open(path, "wb") as f:
            f.write(data)
        bg = self.sub("p/f", 1, ["-N"])
        r = self.pub("-t", "p/f", "-f", path, "-q", "2")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(bg.wait(10).stdout, data)

    def test_stdin_whole(self):
        bg = self.sub("p/s", 1, ["-N"])
        r = self.pub("-t", "p/s", "-s", input=b"line one\nline two\n")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(bg.wait(10).stdout, b"line one\nline two\n")

    def test_stdin_lines(self):
        lines = [f"line {i}" for i in range(500)]
        bg = self.sub("p/l", 500, ["-q", "1"])
        r = self.pub("-t", "p/l", "-l", "-q", "1", input=("\n".join(lines) + "\n").encode())
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(bg.wait(15).stdout.decode().splitlines(), lines)

    def test_null_message(self):
        bg = self.sub("p/n", 1, ["-F", "%t:%l"])
        r = self.pub("-t", "p/n", "-n")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(bg.wait(10).stdout, b"p/n:0\n")

    def test_repeat(self):
        bg = self.sub("p/r", 5)
        r = self.pub("-t", "p/r", "-m", "x", "--repeat", "5", "--repeat-delay", "0.01", "-q", "1")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(bg.wait(10).stdout, b"x\n" * 5)

    def test_retained_message_reaches_a_later_subscriber(self):
        r = self.pub("-t", "p/ret", "-m", "kept", "-r", "-q", "1")
        self.assertEqual(r.status, 0, r.stderr)
        s = t.mosquitto_sub([*self.broker.client_args(), "-t", "p/ret", "-C", "1", "-F", "%r %p"])
        self.assertEqual(s.stdout, b"1 kept\n")


class Properties(PubTestCase):
    def test_every_v5_property_arrives(self):
        bg = self.sub("p/props", 1, ["-F", "%C|%E|%D|%P|%F|%R|%p"])
        r = self.pub("-t", "p/props", "-m", "héllo", "--content-type", "text/plain", "--message-expiry", "100",
                     "--correlation-data", "abc", "--user-property", "a=1", "--user-property", "a=2",
                     "--user-property", "b=3", "--payload-format", "utf8", "--response-topic", "r/t", "-q", "1")
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(bg.wait(10).stdout.decode(), "text/plain|100|abc|a:1 a:2 b:3|1|r/t|héllo\n")

    def test_topic_alias_stream(self):
        bg = self.sub("p/alias", 50)
        r = self.pub("-t", "p/alias", "-l", "--topic-alias", "-d",
                     input=("\n".join(str(i) for i in range(50)) + "\n").encode())
        self.assertEqual(r.status, 0, r.stderr)
        self.assertEqual(bg.wait(10).stdout.decode().split(), [str(i) for i in range(50)])
        self.assertIn(b"topic='' (", r.stderr, "later messages should be sent by alias only")

    def test_v5_property_with_v311_is_a_usage_error(self):
        r = self.pub("-t", "p/x", "-m", "x", "-V", "311", "--content-type", "a/b")
        self.assertEqual(r.status, 2)
        self.assertIn(b"-V 5", r.stderr)


class JsonLines(PubTestCase):
    def test_jsonl_round_trip_with_binary_payload_and_repeated_user_properties(self):
        lines = [
            {"topic": "p/j/1", "payload": "AP8AAQ==", "payload_encoding": "base64", "qos": 1, "retain": False,
             "properties": {"user_properties": [["k", "v"], ["k", "v2"]], "content_type": "bin/x"}},
            {"topic": "p/j/2", "payload": "plain text", "payload_encoding": "utf8", "qos": 0, "retain": False,
             "properties": {"correlation_data": "/wA=", "correlation_data_encoding": "base64"}},
        ]
        bg = self.sub("p/j/#", 2, ["-F", "%t|%x|%P|%C|%D"])
        r = self.pub("--jsonl", input=("\n".join(json.dumps(line) for line in lines) + "\n").encode())
        self.assertEqual(r.status, 0, r.stderr)
        got = sorted(bg.wait(10).stdout.split(b"\n")[:2])
        self.assertEqual(got[0], b"p/j/1|00ff0001|k:v k:v2|bin/x|")
        self.assertEqual(got[1], b"p/j/2|706c61696e2074657874|||\xff\x00")

    def test_invalid_json_line_reports_its_number_after_publishing_earlier_lines(self):
        bg = self.sub("p/bad", 2)
        r = self.pub("--jsonl", input=b'{"topic":"p/bad","payload":"1"}\n{"topic":"p/bad","payload":"2"}\n{oops\n'
                                      b'{"topic":"p/bad","payload":"4"}\n')
        self.assertEqual(r.status, 2)
        self.assertIn(b"line 3", r.stderr)
        self.assertEqual(bg.wait(10).stdout, b"1\n2\n")

    def test_json_results(self):
        r = self.pub("-t", "p/res", "-m", "x", "-q", "1", "--json")
        self.assertEqual(r.status, 0, r.stderr)
        result = json.loads(r.stdout)
        self.assertEqual(result["topic"], "p/res")
        self.assertEqual(result["qos"], 1)
        self.assertLess(result["reason_code"], 0x80)  # 0x10 "no matching subscribers" is a success too
        self.assertTrue(result["acknowledged"])
        self.assertGreaterEqual(result["ack_ms"], 0)

    def test_json_results_report_each_lines_own_qos(self):
        r = self.pub("--jsonl", "--json", "-q", "0",
                     input=b'{"topic":"p/q","payload":"a","qos":2}\n{"topic":"p/q","payload":"b"}\n')
        self.assertEqual(r.status, 0, r.stderr)
        results = [json.loads(line) for line in r.stdout.splitlines()]
        self.assertEqual(sorted((x["sequence"], x["qos"], x["acknowledged"]) for x in results),
                         [(1, 2, True), (2, 0, False)])


class BadInput(PubTestCase):
    def test_bad_input_is_refused_before_anything_is_sent(self):
        path = os.path.join(self.tmp.name, "missing")
        cases = [
            ["-t", "a/+", "-m", "x"],
            ["-t", "a/#", "-m", "x"],
            ["-t", "", "-m", "x"],
            ["-t", "a" * 65536, "-m", "x"],
            ["-t", "a\x00b", "-m", "x"] if False else ["-t", "a/b", "-m", "x", "-q", "3"],
            ["-t", "a/b", "-m", "x", "-n"],
            ["-t", "a/b", "-f", path],
            ["-t", "a/b"],
            ["-t", "a/b", "-m", "x", "-p", "70000"],
            ["-t", "a/b", "-m", "x", "--user-property", "novalue"],
        ]
        mark = self.broker.log_mark()
        for args in cases:
            with self.subTest(args=args[:4]):
                r = self.pub(*args)
                self.assertEqual(r.status, 2, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertNotIn("New client connected", self.broker.log_text()[mark:])

    def test_invalid_utf8_topic(self):
        r = subprocess.run([t.find_tool("mqtk-pub"), *self.broker.client_args(), "-t", b"a\xffb", "-m", "x"],
                           capture_output=True, timeout=30)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(b"not valid UTF-8", r.stderr)


class Refusals(unittest.TestCase):
    def test_acl_refused_publish_gives_exit_6(self):
        broker = t.use_broker(self, t.Mosquitto(acl=["topic readwrite ok/#"]))
        r = t.run_tool(["mqtk-pub", *broker.client_args(), "-t", "denied/x", "-m", "x", "-q", "1"])
        self.assertEqual(r.status, 6, r.stderr)
        self.assertIn(b"Not authorized", r.stderr)
        ok = t.run_tool(["mqtk-pub", *broker.client_args(), "-t", "ok/x", "-m", "x", "-q", "1"])
        self.assertEqual(ok.status, 0, ok.stderr)


class Loss(unittest.TestCase):
    def test_broker_killed_mid_stream_reports_the_unacknowledged_messages(self):
        broker = t.use_broker(self, t.Mosquitto())
        total = 200000
        data = "".join(f"{i}\n" for i in range(total)).encode()
        bg = t.start_tool(["mqtk-pub", *broker.client_args(), "-t", "loss/x", "-q", "1", "-l", "--json",
                           "--no-reconnect"], input=data)
        self.addCleanup(bg.kill)
        bg.wait_for_output(b'"sequence":1000,', timeout=20)
        broker.kill()
        result = bg.wait(30)
        self.assertEqual(result.status, 7, result.stderr)
        acked = sum(1 for line in result.stdout.splitlines() if b'"acknowledged":true' in line)
        m = re.search(rb"(\d+) message\(s\) were not acknowledged \((\d+) acknowledged, stopped after input line (\d+)",
                      result.stderr)
        self.assertIsNotNone(m, result.stderr)
        lost, acked_reported, last_line = (int(x) for x in m.groups())
        self.assertEqual(acked, acked_reported)
        self.assertGreater(lost, 0)
        self.assertLess(last_line, total)
        self.assertEqual(acked + lost + (1 if acked + lost < last_line else 0), last_line)

    def restart_mid_stream(self, topic, pub_args):
        """Streams 3,000 QoS 1 lines at 1,000/s to a persistent mosquitto_sub, restarts the broker
        (with persistence) after line 500, and checks that every line arrived at least once
        (duplicates allowed). Returns mqtk-pub's result.

        max_queued_messages 0: mosquitto's default of 1,000 would drop (and log) messages queued
        for the subscriber while it reconnects, which is not what these tests are about."""
        broker = t.use_broker(self, t.Mosquitto(persistence=True, extra_config=["max_queued_messages 0"]))
        total = 3000
        keeper = "keeper-" + topic.replace("/", "-")
        sub = t.start_mosquitto_sub([*broker.client_args(), "-t", topic, "-q", "1", "-c", "-i", keeper])
        self.addCleanup(sub.kill)
        broker.wait_subscribed(keeper)
        data = "".join(f"{i}\n" for i in range(total)).encode()
        pub = t.start_tool(["mqtk-pub", *broker.client_args(), "-t", topic, "-q", "1", "-l", "--json",
                            "--rate", "1000", *pub_args], input=data)
        self.addCleanup(pub.kill)
        pub.wait_for_output(b'"sequence":500,', timeout=20)
        broker.stop()
        time.sleep(0.5)
        broker.start()
        result = pub.wait(60)
        self.assertEqual(result.status, 0, result.stderr[-2000:])
        want = {str(i) for i in range(total)}
        t.wait_until(lambda: set(sub.stdout_so_far().decode().split()) >= want, timeout=30)
        got = set(sub.stdout_so_far().decode().split())
        self.assertEqual(want - got, set(), "every line arrives at least once (duplicates allowed)")
        self.assertNotIn("Outgoing messages are being dropped", broker.log_text())
        results = [json.loads(line) for line in result.stdout.decode().splitlines()]
        self.assertEqual(len(results), total)
        self.assertTrue(all(r["acknowledged"] for r in results))
        return result

    def test_broker_restart_with_persistent_session_loses_nothing(self):
        # -c: mosquitto 2.0 persists only sessions that did not start clean.
        self.restart_mid_stream("keep/x", ["-c", "-i", "pubber"])

    def test_broker_restart_that_loses_the_session_gets_qos1_messages_again(self):
        # Without -c the publisher's session starts clean, and mosquitto 2.0 does not persist such a
        # session across a restart: the reconnect finds no session and the QoS 1 messages in flight
        # must be published again as new ones.
        result = self.restart_mid_stream("again/x", ["-d"])
        trace = result.stderr.decode()
        self.assertRegex(trace, r"-> CONNECT v5 [^\n]*clean=0", "the reconnect asks to resume")
        self.assertEqual(trace.count("<- CONNACK session_present=0"), 2, "the broker had lost the session")


if __name__ == "__main__":
    unittest.main()
