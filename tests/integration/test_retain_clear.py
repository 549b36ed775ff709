"""mqtk-retain-clear against a real mosquitto: listing (the sentinel marks the end of the retained
burst), dry run, backup + restore through mqtk-pub --jsonl, $-topics, excludes, a clear the broker
refuses (ACL, exit 6), leftovers found by verification (exit 10), a broker without retain support,
the confirmation prompt on a terminal, and the extra passes a truncated burst needs."""

import base64
import json
import os
import pty
import signal
import subprocess
import tempfile
import time
import unittest

import mqtk_testlib as t

ADMIN = ("admin", "s3cret-pw")
ACL = """topic read locked/#
topic readwrite free/#
topic readwrite mqtk/sentinel/#
user admin
topic readwrite #
"""


def seed(broker, messages, extra=()):
    """Publishes messages (dicts in the GUIDE 5 JSON lines shape) retained with mqtk-pub --jsonl."""
    lines = "".join(json.dumps({"retain": True, **m}) + "\n" for m in messages)
    result = t.run_tool(["mqtk-pub", *broker.client_args(), *extra, "--jsonl"], input=lines)
    if result.status != 0:
        raise AssertionError(f"seeding failed: {result}")


def clear(broker, *args, input=None, timeout=30):
    """Runs mqtk-retain-clear --json against broker; returns (status, report dict or None, stderr)."""
    status, out, err = t.run_tool(["mqtk-retain-clear", *broker.client_args(), "--json", *args],
                                  input=input, timeout=timeout)
    report = json.loads(out) if out.strip() else None
    return status, report, err.decode(errors="replace")


def retained_topics(broker, topic_filter):
    """The retained topics under a filter, listed by a dry run (which changes nothing)."""
    status, report, err = clear(broker, "-t", topic_filter, "--dry-run")
    if status != 0:
        raise AssertionError(f"dry run failed ({status}): {err}")
    return sorted(entry["topic"] for entry in report["found"])


def comparable(line):
    """A backup line without its capture time (and with the expiry rounded to tens of seconds)."""
    message = json.loads(line)
    message.pop("received_at", None)
    props = message.get("properties", {})
    if "message_expiry_interval" in props:
        props["message_expiry_interval"] = round(props["message_expiry_interval"], -1)
    return message


class RetainClearTest(unittest.TestCase):
    def broker(self, **kwargs):
        return t.use_broker(self, t.Mosquitto(log_type=("error", "warning"), **kwargs))

    def test_clears_every_retained_message_under_the_filters_and_verifies(self):
        broker = self.broker()
        seed(broker, [{"topic": "plant/a/temp", "payload": "21", "qos": 0},
                      {"topic": "plant/a/hum", "payload": "40", "qos": 1},
                      {"topic": "plant/b", "payload": "x", "qos": 2},
                      {"topic": "other/keep", "payload": "stay", "qos": 1}])
        status, report, err = clear(broker, "-t", "plant/#")
        self.assertEqual(status, 0, err)
        self.assertEqual(sorted(report["cleared"]), ["plant/a/hum", "plant/a/temp", "plant/b"])
        self.assertEqual({e["topic"]: e["qos"] for e in report["found"]},
                         {"plant/a/temp": 0, "plant/a/hum": 1, "plant/b": 2})
        self.assertEqual(report["counts"], {"found": 3, "cleared": 3, "failed": 0, "still_present": 0})
        self.assertTrue(report["verified"])
        self.assertEqual(report["listing_end"], "sentinel")
        self.assertEqual(report["still_present"], [])
        self.assertEqual(retained_topics(broker, "#"), ["other/keep"])
        # Interop: mosquitto_sub sees the untouched message and nothing under plant/.
        sub = t.mosquitto_sub([*broker.client_args(), "-t", "#", "--retained-only", "-W", "1", "-v"])
        self.assertEqual(sub.stdout, b"other/keep stay\n")

    def test_readable_report_and_several_filters(self):
        broker = self.broker()
        seed(broker, [{"topic": "a/1", "payload": "1"}, {"topic": "b/1", "payload": "2"}])
        status, out, err = t.run_tool(["mqtk-retain-clear", *broker.client_args(), "-t", "a/#",
                                       "-t", "b/+"])
        self.assertEqual(status, 0, err)
        text = out.decode()
        self.assertIn("cleared      a/1", text)
        self.assertIn("cleared      b/1", text)
        self.assertIn("found 2, cleared 2, failed 0; verified: none left", text)

    def test_dry_run_lists_and_changes_nothing(self):
        broker = self.broker()
        seed(broker, [{"topic": "d/1", "payload": "one", "qos": 1}, {"topic": "d/2", "payload": "two"}])
        status, report, err = clear(broker, "-t", "d/#", "--dry-run")
        self.assertEqual(status, 0, err)
        self.assertTrue(report["dry_run"])
        self.assertEqual([(e["topic"], e["payload_bytes"]) for e in report["found"]], [("d/1", 3), ("d/2", 3)])
        self.assertEqual(report["cleared"], [])
        self.assertFalse(report["verified"])
        self.assertEqual(retained_topics(broker, "d/#"), ["d/1", "d/2"])
        status, out, _ = t.run_tool(["mqtk-retain-clear", *broker.client_args(), "-t", "d/#", "-n"])
        self.assertIn(b"would clear  d/1  (3 bytes, QoS 1)", out)

    def test_backup_restores_exactly_with_mqtk_pub(self):
        broker = self.broker()
        binary = bytes(range(256))
        messages = [
            {"topic": "bk/binary", "payload": base64.b64encode(binary).decode(), "payload_encoding": "base64",
             "qos": 2},
            {"topic": "bk/props", "payload": "{\"t\":21.5}", "qos": 1,
             "properties": {"payload_format_indicator": 1, "message_expiry_interval": 3600,
                            "content_type": "application/json", "response_topic": "bk/reply",
                            "correlation_data": base64.b64encode(b"\x00\x01\xfe").decode(),
                            "correlation_data_encoding": "base64",
                            "user_properties": [["k", "v"], ["k", "v2"], ["unit", "\u00b0C"]]}},
            {"topic": "bk/plain", "payload": "h\u00e9llo\nworld", "qos": 0},
        ]
        seed(broker, messages)
        with tempfile.TemporaryDirectory() as tmp:
            backup = os.path.join(tmp, "retained.jsonl")
            status, report, err = clear(broker, "-t", "bk/#", "--backup", backup)
            self.assertEqual(status, 0, err)
            self.assertEqual(report["backup"], backup)
            self.assertEqual(report["counts"]["cleared"], 3)
            self.assertEqual(retained_topics(broker, "bk/#"), [])
            with open(backup) as f:
                first = f.read()
            self.assertEqual(len(first.splitlines()), 3)
            by_topic = {json.loads(line)["topic"]: json.loads(line) for line in first.splitlines()}
            self.assertEqual(base64.b64decode(by_topic["bk/binary"]["payload"]), binary)
            self.assertEqual(by_topic["bk/binary"]["qos"], 2)
            self.assertTrue(all(m["retain"] for m in by_topic.values()))

            with open(backup, "rb") as f:
                restored = t.run_tool(["mqtk-pub", *broker.client_args(), "--jsonl"], input=f.read())
            self.assertEqual(restored.status, 0, restored.stderr)

            again = os.path.join(tmp, "again.jsonl")
            status, report, err = clear(broker, "-t", "bk/#", "--dry-run", "--backup", again)
            self.assertEqual(status, 0, err)
            with open(again) as f:
                second = f.read()
            self.assertEqual(sorted(map(json.dumps, map(comparable, first.splitlines()))),
                             sorted(map(json.dumps, map(comparable, second.splitlines()))))

    def test_dollar_topics_are_cleared_only_through_a_dollar_filter(self):
        broker = self.broker()
        for topic in ("$test/x", "n/x"):
            self.assertEqual(t.mosquitto_pub([*broker.client_args(), "-t", topic, "-m", "v", "-r"]).status, 0)
        status, report, err = clear(broker, "-t", "#")
        self.assertEqual(status, 0, err)
        self.assertEqual(report["cleared"], ["n/x"])
        self.assertEqual(retained_topics(broker, "$test/#"), ["$test/x"])
        status, report, err = clear(broker, "-t", "$test/#")
        self.assertEqual(status, 0, err)
        self.assertEqual(report["cleared"], ["$test/x"])
        self.assertEqual(retained_topics(broker, "$test/#"), [])

    def test_exclude_filters_leave_topics_alone(self):
        broker = self.broker()
        seed(broker, [{"topic": "ex/drop", "payload": "1"}, {"topic": "ex/keep/a", "payload": "2"},
                      {"topic": "ex/x/tmp", "payload": "3"}])
        status, report, err = clear(broker, "-t", "ex/#", "-T", "ex/keep/#", "--exclude", "ex/+/tmp")
        self.assertEqual(status, 0, err)
        self.assertEqual(report["cleared"], ["ex/drop"])
        self.assertEqual(report["excludes"], ["ex/keep/#", "ex/+/tmp"])
        self.assertEqual(retained_topics(broker, "ex/#"), ["ex/keep/a", "ex/x/tmp"])

    def test_refused_clear_exits_6_with_the_reason_code(self):
        broker = self.broker(users=dict([ADMIN]), acl=ACL)
        seed(broker, [{"topic": "locked/a", "payload": "x"}, {"topic": "free/a", "payload": "y"}],
             extra=("-u", ADMIN[0], "-P", ADMIN[1]))
        status, report, err = clear(broker, "-t", "#")
        self.assertEqual(status, 6, err)
        self.assertEqual(report["cleared"], ["free/a"])
        self.assertEqual(report["failed"], [{"topic": "locked/a", "reason_code": 135, "reason": "Not authorized"}])
        self.assertEqual(report["still_present"], ["locked/a"])

    def test_verification_failure_exits_10(self):
        # MQTT 3.1.1 has no PUBACK reason codes: mosquitto acknowledges the refused clear as a
        # success, and only the verification listing shows that the message is still there.
        broker = self.broker(users=dict([ADMIN]), acl=ACL)
        seed(broker, [{"topic": "locked/b", "payload": "x"}], extra=("-u", ADMIN[0], "-P", ADMIN[1]))
        status, report, err = clear(broker, "-t", "locked/#", "-V", "311")
        self.assertEqual(status, 10, err)
        self.assertEqual(report["cleared"], [])  # acknowledged, but not cleared
        self.assertEqual(report["still_present"], ["locked/b"])
        self.assertIn("still present", t.run_tool(["mqtk-retain-clear", *broker.client_args(), "-t", "locked/#",
                                                   "-V", "311"]).stderr.decode())

    def test_broker_without_retain_support_is_a_clear_error(self):
        broker = self.broker(extra_config="retain_available false")
        status, out, err = t.run_tool(["mqtk-retain-clear", *broker.client_args(), "-t", "#"])
        self.assertEqual(status, 6)
        self.assertIn(b"does not support retained messages (CONNACK Retain Available 0)", err)
        self.assertEqual(out, b"")

    def test_sentinel_ends_a_large_burst_without_waiting_for_settle(self):
        broker = self.broker()
        seed(broker, [{"topic": f"big/{i // 100}/{i}", "payload": f"v{i}", "qos": 1} for i in range(3000)])
        started = time.monotonic()
        status, report, err = clear(broker, "-t", "big/#", "--dry-run", "--settle", "30")
        self.assertEqual(status, 0, err)
        self.assertLess(time.monotonic() - started, 10)  # far below --settle: the sentinel ended it
        self.assertEqual(report["listing_end"], "sentinel")
        self.assertEqual(len(report["found"]), 3000)

    def test_settle_fallback_without_sentinel(self):
        broker = self.broker()
        seed(broker, [{"topic": "s/1", "payload": "1"}])
        status, report, err = clear(broker, "-t", "s/#", "--no-sentinel", "--settle", "0.3")
        self.assertEqual(status, 0, err)
        self.assertEqual(report["listing_end"], "settle")
        self.assertEqual(report["cleared"], ["s/1"])

    def test_truncated_burst_is_cleared_in_further_passes(self):
        # mosquitto sends an MQTT 3.1.1 client at most 20 in flight + 1,000 queued QoS 1 messages
        # and drops the rest of the burst, the sentinel included.
        broker = self.broker()
        seed(broker, [{"topic": f"tr/{i}", "payload": "v", "qos": 1} for i in range(1100)])
        status, report, err = clear(broker, "-t", "tr/#", "-V", "311", "--settle", "0.5", timeout=60)
        self.assertEqual(status, 0, err)
        self.assertEqual(report["counts"], {"found": 1100, "cleared": 1100, "failed": 0, "still_present": 0})
        self.assertGreater(report["passes"], 1)
        self.assertIn("dropped part of its retained burst", err)
        self.assertEqual(retained_topics(broker, "tr/#"), [])

    def run_on_terminal(self, broker, answer, *args):
        """Runs the tool with a pseudo-terminal on stdin holding answer; returns (status, stdout, stderr)."""
        master, slave = pty.openpty()
        try:
            os.write(master, answer)
            proc = subprocess.Popen([t.find_tool("mqtk-retain-clear"), *broker.client_args(), *args],
                                    stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    env=t.tool_env(), start_new_session=True)
            out, err = proc.communicate(timeout=30)
            return proc.returncode, out, err
        finally:
            os.close(master)
            os.close(slave)

    def test_asks_on_a_terminal_before_clearing_more_than_10(self):
        broker = self.broker()
        seed(broker, [{"topic": f"many/{i}", "payload": "v"} for i in range(11)])
        status, out, err = self.run_on_terminal(broker, b"n\n", "-t", "many/#")
        self.assertEqual(status, 130, err)
        self.assertIn(b"clear 11 retained messages under 'many/#'? [y/N]", err)
        self.assertEqual(len(retained_topics(broker, "many/#")), 11)
        status, out, err = self.run_on_terminal(broker, b"y\n", "-t", "many/#")
        self.assertEqual(status, 0, err)
        self.assertEqual(retained_topics(broker, "many/#"), [])
        seed(broker, [{"topic": f"many/{i}", "payload": "v"} for i in range(11)])
        status, out, err = self.run_on_terminal(broker, b"", "-t", "many/#", "--yes")
        self.assertEqual(status, 0, err)
        self.assertNotIn(b"[y/N]", err)

    def test_timeout_exits_9_and_sigint_130(self):
        broker = self.broker()
        seed(broker, [{"topic": "w/1", "payload": "1"}])
        status, report, err = clear(broker, "-t", "w/#", "--no-sentinel", "--settle", "30", "-W", "0.5")
        self.assertEqual(status, 9, err)
        self.assertIn("timed out", err)
        self.assertEqual(report["error"], "timed out after 0.5 s")
        self.assertEqual(report["cleared"], [])
        with t.start_tool(["mqtk-retain-clear", *broker.client_args(), "-t", "w/#", "--no-sentinel",
                           "--settle", "30"]) as run:
            time.sleep(1)
            result = run.stop(signal.SIGINT)
        self.assertEqual(result.status, 130, result.stderr)
        self.assertEqual(retained_topics(broker, "w/#"), ["w/1"])

    def test_usage_errors_exit_2_before_connecting(self):
        for args, message in ((["-p", "1"], b"give at least one topic filter"),
                              (["-p", "1", "-t", "a/#/b"], b"'#'"),
                              (["-p", "1", "-t", "$share/g/a"], b"shared subscription"),
                              (["-p", "1", "-t", "a", "-T", "b+"], b"-T"),
                              (["-p", "1", "-t", "a", "--settle", "0"], b"--settle"),
                              (["-p", "1", "-t", "a", "--backup", "/nonexistent/dir/file"], b"cannot write backup")):
            with self.subTest(args=args):
                status, out, err = t.run_tool(["mqtk-retain-clear", *args])
                self.assertEqual(status, 2, err)
                self.assertIn(message, err)

    def test_unreachable_broker_exits_3(self):
        status, _, err = t.run_tool(["mqtk-retain-clear", "-p", str(t.free_port()), "-t", "#"])
        self.assertEqual(status, 3, err)


if __name__ == "__main__":
    unittest.main()
