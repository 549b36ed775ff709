"""mqtk-sub output modes on text and binary payloads: payload lines, -v, -N, -F templates, --json
(lossless, round-trips through mqtk-pub --jsonl) and --pretty; messages from mosquitto_pub arrive
byte for byte with their MQTT 5 properties."""

import base64
import json
import re
import unittest

import mqtk_testlib as t
from sub_helpers import BrokerCase, pub, start_sub

BINARY = b"\x00\xffbin\x00\n\x80end"
TEXT = "h\u00e9llo \"w\"\tx"


class OutputModes(BrokerCase):
    def capture(self, *args, messages=((TEXT, None), (None, BINARY)), topic="out/a", extra_pub=()):
        """Starts mqtk-sub -t topic -C len(messages) with args, publishes the messages (text, or
        bytes via stdin) to topic, returns ToolResult."""
        with start_sub(self.broker, "-t", topic, "-C", str(len(messages)), "-W", "10", *args) as sub:
            for text, data in messages:
                pub(self.broker, topic, text, *extra_pub, stdin=data)
            result = sub.wait(15)
        self.assertEqual(result.status, 0, result)
        return result

    def test_payload_per_line_is_exact(self):
        r = self.capture()
        self.assertEqual(r.stdout, TEXT.encode() + b"\n" + BINARY + b"\n")

    def test_empty_payload_is_an_empty_line(self):
        r = self.capture(messages=((None, None), ("x", None)))
        self.assertEqual(r.stdout, b"\nx\n")

    def test_verbose_and_no_newline(self):
        self.assertEqual(self.capture("-v").stdout, b"out/a " + TEXT.encode() + b"\nout/a " + BINARY + b"\n")
        self.assertEqual(self.capture("-N").stdout, TEXT.encode() + BINARY)
        self.assertEqual(self.capture("-v", "-N").stdout, b"out/a " + TEXT.encode() + b"out/a " + BINARY)

    def test_format_fields(self):
        r = self.capture("-F", r"%t|%q|%r|%l|%x|%X|%%|%-6l|%06l|%.3t\t%p", "-q", "1",
                         messages=(("abc", None), (None, b"\x00\xff")), extra_pub=("-q", "1"))
        self.assertEqual(r.stdout, b"out/a|1|0|3|616263|616263|%|3     |000003|out\tabc\n"
                                   b"out/a|1|0|2|00ff|00FF|%|2     |000002|out\t\x00\xff\n")

    def test_format_times_and_message_id(self):
        r = self.capture("-F", "%m %I %U @Y", "-q", "1", messages=(("x", None),), extra_pub=("-q", "1"))
        line = r.stdout.decode()
        self.assertRegex(line, r"^[1-9]\d* \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} \d{10}\.\d{9} \d{4}\n$")

    def test_format_json_field_and_no_eol(self):
        r = self.capture("-F", "%j", "-N", messages=(("x", None),))
        self.assertEqual(json.loads(r.stdout)["payload"], "x")

    def test_json_is_valid_and_lossless_for_text_and_binary(self):
        r = self.capture("--json")
        lines = r.stdout.decode().splitlines()
        self.assertEqual(len(lines), 2)
        first, second = map(json.loads, lines)
        self.assertEqual((first["topic"], first["payload"], first["payload_encoding"], first["qos"],
                          first["retain"]), ("out/a", TEXT, "utf8", 0, False))
        self.assertEqual(second["payload_encoding"], "base64")
        self.assertEqual(base64.b64decode(second["payload"]), BINARY)
        self.assertRegex(second["received_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")

    def test_json_carries_every_property_in_order(self):
        props = ["-V", "mqttv5", "-D", "publish", "user-property", "k", "v1", "-D", "publish", "user-property",
                 "k", "v2", "-D", "publish", "user-property", "a", "b", "-D", "publish", "content-type",
                 "text/plain", "-D", "publish", "correlation-data", "req-7", "-D", "publish", "response-topic",
                 "reply/here", "-D", "publish", "payload-format-indicator", "1", "-D", "publish",
                 "message-expiry-interval", "300"]
        r = self.capture("--json", "--subscription-id", "42", messages=(("21.5", None),), extra_pub=props)
        p = json.loads(r.stdout)["properties"]
        self.assertEqual(p["user_properties"], [["k", "v1"], ["k", "v2"], ["a", "b"]])
        self.assertEqual(p["content_type"], "text/plain")
        self.assertEqual((p["correlation_data"], p["correlation_data_encoding"]), ("req-7", "utf8"))
        self.assertEqual(p["response_topic"], "reply/here")
        self.assertEqual(p["payload_format_indicator"], 1)
        self.assertLessEqual(p["message_expiry_interval"], 300)
        self.assertEqual(p["subscription_identifiers"], [42])

    def test_json_round_trips_through_mqtk_pub_jsonl(self):
        user = ["-V", "mqttv5", "-D", "publish", "user-property", "k", "v", "-D", "publish", "content-type", "x/y"]
        first = self.capture("--json", "-q", "1", topic="rt/x",
                             messages=((TEXT, None), (None, BINARY), (None, b"\xff" * 3)), extra_pub=user)
        with start_sub(self.broker, "-t", "again/#", "--json", "-C", "3", "-W", "10", "-q", "1") as again:
            replay = first.stdout.replace(b'"topic":"rt/x"', b'"topic":"again/x"')
            self.assertNotEqual(replay, first.stdout)
            r = t.run_tool(["mqtk-pub", *self.broker.client_args(), "--jsonl"], input=replay)
            self.assertEqual(r.status, 0, r)
            second = again.wait(15)
        self.assertEqual(second.status, 0, second)

        def strip(line):
            message = json.loads(line)
            del message["received_at"]
            del message["topic"]
            return message

        self.assertEqual([strip(x) for x in second.stdout.splitlines()],
                         [strip(x) for x in first.stdout.splitlines()])

    def test_pretty_text_and_binary(self):
        r = self.capture("--pretty", messages=(("line one\nline two", None), (None, BINARY)))
        text = r.stdout.decode()
        self.assertIn("out/a\n  qos 0, live\n  received ", text)
        self.assertIn("  payload: 17 bytes, UTF-8\n    line one\n    line two\n\n", text)
        self.assertIn("  payload: 11 bytes, binary\n    0000  00 ff 62 69 6e 00 0a 80  65 6e 64", text)
        self.assertIn("|..bin...end|", text)

    def test_messages_from_mosquitto_pub_arrive_exactly(self):
        payloads = [b"", b"a", bytes(range(256)), b"x" * 70000]
        with start_sub(self.broker, "-t", "exact", "--json", "-C", str(len(payloads)), "-W", "10") as sub:
            for p in payloads:
                pub(self.broker, "exact", None, stdin=p or None)
            r = sub.wait(15)
        self.assertEqual(r.status, 0, r)
        got = []
        for line in r.stdout.splitlines():
            m = json.loads(line)
            data = m["payload"].encode() if m["payload_encoding"] == "utf8" else base64.b64decode(m["payload"])
            got.append(data)
        self.assertEqual(got, payloads)

    def test_retained_flag_and_qos_in_json(self):
        pub(self.broker, "flags/r", "kept", "-r", "-q", "1")
        r = t.run_tool(["mqtk-sub", *self.broker.client_args(), "-t", "flags/#", "-q", "2", "--json", "-C", "1",
                        "-W", "10"])
        self.assertEqual(r.status, 0, r)
        m = json.loads(r.stdout)
        self.assertEqual((m["retain"], m["qos"]), (True, 1))
        pub(self.broker, "flags/r", None, "-r")


class Usage(unittest.TestCase):
    """Bad input ends with exit 2 before connecting (no broker runs: a connection would fail with 3)."""

    def usage(self, *args):
        r = t.run_tool(["mqtk-sub", "-p", str(t.free_port()), *args])
        self.assertEqual(r.status, 2, r)
        self.assertEqual(r.stdout, b"")
        self.assertRegex(r.stderr, rb"^mqtk-sub: .+\n$")
        return r.stderr.decode(errors="replace")

    def test_bad_filters(self):
        self.assertIn("'#' that is not the last level", self.usage("-t", "a/#/b"))
        self.assertIn("'+' that does not fill a whole level", self.usage("-t", "a+"))
        self.assertIn("is empty", self.usage("-t", ""))
        self.assertIn("not valid UTF-8", self.usage("-t", "a/\udcff"))
        self.assertIn("-T filter", self.usage("-t", "a", "-T", "b#"))
        self.assertIn("give at least one topic", self.usage())
        self.assertIn("already a shared", self.usage("-t", "$share/g/a", "--share", "g"))
        self.assertIn("must not contain", self.usage("-t", "a", "--share", "g/h"))
        self.assertIn("-U filter 'a/#/b'", self.usage("-U", "a/#/b"))
        self.assertIn("--count needs a subscription (-t)", self.usage("-U", "a", "-C", "2"))

    def test_bad_values(self):
        self.assertIn("-C must be at least 1", self.usage("-t", "a", "-C", "0", "-W", "0"))
        self.assertIn("-W must be more than 0", self.usage("-t", "a", "-W", "0"))
        self.assertIn("unknown directive '%z'", self.usage("-t", "a", "-F", "%t %z"))
        self.assertIn("unknown escape", self.usage("-t", "a", "-F", r"\q"))
        self.assertIn("not 0, 1 or 2", self.usage("-t", "a", "-q", "3"))
        self.assertIn("--retain-handling must be", self.usage("-t", "a", "--retain-handling", "3"))
        self.assertIn("--subscription-id must be", self.usage("-t", "a", "--subscription-id", "0"))
        self.assertIn("need -V 5", self.usage("-t", "a", "--no-local", "-V", "311"))

    def test_conflicting_flags(self):
        self.assertIn("only one of -v, -F", self.usage("-t", "a", "-v", "--json"))
        self.assertIn("-N applies", self.usage("-t", "a", "-N", "--json"))
        self.assertIn("exclude each other", self.usage("-t", "a", "--retained-only", "-R"))
        self.assertIn("--settle only applies", self.usage("-t", "a", "--settle", "1"))

    def test_help_and_version(self):
        r = t.run_tool(["mqtk-sub", "--help"])
        self.assertEqual(r.status, 0)
        self.assertIn(b"--retained-only", r.stdout)
        self.assertRegex(t.run_tool(["mqtk-sub", "--version"]).stdout, rb"^mqtk-sub \d+\.\d+\.\d+\ncommit ")


if __name__ == "__main__":
    unittest.main()
