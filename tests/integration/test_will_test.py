"""mqtk-will-test against a real mosquitto: every way to end the will client (abrupt, keepalive,
graceful, disconnect-with-will, takeover), --all as JSON lines and as a table, the will delay,
retained wills and the later subscriber, will properties, MQTT 3.1.1, a broker that withholds the
will (exit 10), usage and connection errors."""

import json
import os
import time
import unittest

import mqtk_testlib as t

# mosquitto 2.0.11 closes a silent connection seconds after 1.5 x keepalive (about 4.7 s with
# -k 1 on the test machine, see mqtk-will-test(1)), so the keepalive scenario gets a wide tolerance.
KEEPALIVE_ARGS = ("-k", "1", "--tolerance", "8")


def unique(name):
    return f"wt-{name}-{os.getpid()}-{time.monotonic_ns() % 10**9}"


class WillTestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mosquitto = t.Mosquitto(log_type=("error", "warning"))
        cls.mosquitto.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.mosquitto.__exit__(None, None, None)

    def will_test(self, *args, broker=None, timeout=60):
        """Runs mqtk-will-test --json; returns (status, list of scenario dicts, stderr text)."""
        broker = broker or self.mosquitto
        status, out, err = t.run_tool(["mqtk-will-test", *broker.client_args(), "--json", *args], timeout=timeout)
        return status, [json.loads(line) for line in out.decode().splitlines()], err.decode(errors="replace")

    def single(self, *args, **kwargs):
        status, results, err = self.will_test(*args, **kwargs)
        self.assertEqual(len(results), 1, err)
        return status, results[0], err

    def test_abrupt_end_publishes_the_will_at_once(self):
        topic = f"wt/{unique('abrupt')}"
        status, r, err = self.single("--end", "abrupt", "--will-topic", topic, "--will-payload", "gone",
                                     "--will-qos", "1")
        self.assertEqual(status, 0, err)
        self.assertEqual((r["scenario"], r["result"], r["passed"]), ("abrupt", "ok", True))
        self.assertTrue(r["expected"]["will"])
        self.assertTrue(r["observed"]["will"])
        message = r["observed"]["message"]
        self.assertEqual((message["topic"], message["payload"], message["qos"]), (topic, "gone", 1))
        self.assertLess(r["latency_s"], 2)
        self.assertEqual(r["differences"], [])
        self.assertEqual(r["will_topic"], topic)

    def test_graceful_disconnect_publishes_no_will(self):
        status, r, err = self.single("--end", "graceful", "-W", "1")
        self.assertEqual(status, 0, err)
        self.assertFalse(r["expected"]["will"])
        self.assertFalse(r["observed"]["will"])
        self.assertIsNone(r["latency_s"])

    def test_disconnect_with_will_message_publishes_the_will(self):
        status, r, err = self.single("--end", "disconnect-with-will", "-i", unique("dww"))
        self.assertEqual(status, 0, err)
        self.assertTrue(r["observed"]["will"])
        self.assertEqual(r["client_id"][:7], "wt-dww-")

    def test_takeover_publishes_the_will(self):
        status, r, err = self.single("--end", "takeover")
        self.assertEqual(status, 0, err)
        self.assertTrue(r["observed"]["will"])
        self.assertLess(r["latency_s"], 2)

    def test_takeover_with_clean_start_0_and_a_delay_withholds_the_will(self):
        status, r, err = self.single("--end", "takeover", "-c", "-i", unique("tk"), "--will-delay", "5", "-W", "2")
        self.assertEqual(status, 0, err)
        self.assertFalse(r["expected"]["will"])
        self.assertFalse(r["observed"]["will"])

    def test_all_scenarios_as_json_lines(self):
        status, results, err = self.will_test("--all", *KEEPALIVE_ARGS, "-I", unique("all"))
        self.assertEqual(status, 0, err)
        self.assertEqual([r["scenario"] for r in results],
                         ["abrupt", "keepalive", "graceful", "disconnect-with-will", "takeover"])
        by_name = {r["scenario"]: r for r in results}
        for name, will in (("abrupt", True), ("keepalive", True), ("graceful", False),
                           ("disconnect-with-will", True), ("takeover", True)):
            with self.subTest(scenario=name):
                self.assertEqual(by_name[name]["observed"]["will"], will)
                self.assertTrue(by_name[name]["passed"], by_name[name])
        keepalive = by_name["keepalive"]
        self.assertEqual(keepalive["expected"]["latency_s"], 1.5)  # 1.5 x keepalive
        self.assertGreaterEqual(keepalive["latency_s"], 0.5)
        # Each scenario has its own client id and will topic.
        self.assertEqual(len({r["client_id"] for r in results}), 5)
        self.assertEqual(len({r["will_topic"] for r in results}), 5)
        self.assertTrue(all(r["will_topic"].endswith("/" + r["scenario"]) for r in results))

    def test_all_scenarios_as_a_table_over_mqtt_311(self):
        status, out, err = t.run_tool(["mqtk-will-test", *self.mosquitto.client_args(), "--all", "-V", "311",
                                       *KEEPALIVE_ARGS], timeout=60)
        self.assertEqual(status, 0, err)
        lines = out.decode().splitlines()
        self.assertTrue(lines[0].startswith("scenario"))
        rows = {line.split()[0]: line for line in lines[1:] if not line.startswith(" ")}
        self.assertEqual(set(rows), {"abrupt", "keepalive", "graceful", "disconnect-with-will", "takeover"})
        self.assertTrue(rows["abrupt"].endswith("ok"))
        self.assertTrue(rows["graceful"].endswith("ok"))
        self.assertTrue(rows["disconnect-with-will"].endswith("skipped"))
        self.assertIn(b"needs MQTT 5", out)

    def test_will_delay_is_measured(self):
        status, r, err = self.single("--end", "abrupt", "--will-delay", "2")
        self.assertEqual(status, 0, err)
        self.assertEqual(r["expected"]["latency_s"], 2.0)
        self.assertGreaterEqual(r["latency_s"], 2.0)
        self.assertTrue(r["passed"], r)

    def test_retained_will_reaches_a_later_subscriber_and_is_cleared(self):
        topic = f"wt/{unique('ret')}"
        status, r, err = self.single("--end", "abrupt", "--will-topic", topic, "--will-retain", "--will-qos", "2")
        self.assertEqual(status, 0, err)
        self.assertTrue(r["observed"]["retained_copy"])
        self.assertTrue(r["observed"]["message"]["retain"])  # Retain As Published
        sub = t.mosquitto_sub([*self.mosquitto.client_args(), "-t", topic, "--retained-only", "-W", "1"])
        self.assertEqual(sub.stdout, b"")

        status, r, err = self.single("--end", "abrupt", "--will-topic", topic, "--will-retain",
                                     "--will-payload", "kept", "--keep-retained")
        self.assertEqual(status, 0, err)
        sub = t.mosquitto_sub([*self.mosquitto.client_args(), "-t", topic, "--retained-only", "-C", "1", "-W", "5"])
        self.assertEqual(sub.stdout, b"kept\n")
        t.mosquitto_pub([*self.mosquitto.client_args(), "-t", topic, "-r", "-n"])

    def test_will_properties_arrive_unchanged(self):
        status, r, err = self.single(
            "--end", "disconnect-with-will", "--will-payload", "{\"state\":\"offline\"}",
            "--will-content-type", "application/json", "--will-message-expiry", "300",
            "--will-user-property", "site=b\u00e4ckerei", "--will-user-property", "site=2",
            "--will-response-topic", "wt/reply", "--will-correlation-data", "req-42",
            "--will-payload-format", "utf8")
        self.assertEqual(status, 0, err)
        self.assertEqual(r["differences"], [])
        props = r["observed"]["message"]["properties"]
        self.assertEqual(props["content_type"], "application/json")
        self.assertEqual(props["user_properties"], [["site", "b\u00e4ckerei"], ["site", "2"]])
        self.assertEqual(props["response_topic"], "wt/reply")
        self.assertEqual(props["correlation_data"], "req-42")
        self.assertEqual(props["payload_format_indicator"], 1)
        self.assertLessEqual(props["message_expiry_interval"], 300)

    def test_withheld_will_fails_the_check(self):
        broker = t.use_broker(self, t.Mosquitto(acl="topic read wt/#", log_type=("error",)))
        status, r, err = self.single("--end", "abrupt", "--will-topic", "wt/denied", "-W", "1", broker=broker)
        self.assertEqual(status, 10, err)
        self.assertEqual(r["result"], "FAILED")
        self.assertEqual(r["differences"][0]["field"], "will")
        self.assertEqual(r["differences"][0]["observed"], "not received within 1.000 s")

    def test_usage_errors_exit_2(self):
        for args, message in ((["--end", "sudden"], b"is not one of"),
                              (["--all", "--end", "abrupt"], b"only one of"),
                              (["--end", "disconnect-with-will", "-V", "311"], b"needs MQTT 5"),
                              (["--will-content-type", "x", "-V", "311"], b"need MQTT 5"),
                              (["--end", "keepalive", "-k", "0"], b"keepalive above 0"),
                              (["--will-user-property", "novalue"], b"KEY=VALUE"),
                              (["--will-payload-format", "json"], b"utf8 or bytes")):
            with self.subTest(args=args):
                status, out, err = t.run_tool(["mqtk-will-test", "-p", "1", *args])
                self.assertEqual(status, 2, err)
                self.assertIn(message, err)

    def test_unreachable_broker_exits_3(self):
        status, out, err = t.run_tool(["mqtk-will-test", "-p", str(t.free_port()), "--json"])
        self.assertEqual(status, 3, err)
        self.assertIn(b"cannot connect", err)
        self.assertIn("error", json.loads(out)["result"])


if __name__ == "__main__":
    unittest.main()
