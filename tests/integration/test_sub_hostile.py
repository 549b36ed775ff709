"""mqtk-sub against a hostile broker and a reader that goes away (issue 10, items 6 and 18):
broker text (Reason Strings in CONNACK, SUBACK, PUBACK, DISCONNECT; topics, properties and
payloads in --pretty) reaches the terminal escaped, one line per diagnostic; data on stdout stays
exactly as sent; a closed stdout pipe ends mqtk-sub at once with 0, without another message."""

import re
import subprocess
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib import scripted_broker as sb
from sub_helpers import BrokerCase, pub, unique_id

# Clears the screen, retitles the terminal, forges a second diagnostic line, and ends with a tab,
# a carriage return and the C1 control CSI (U+009B, valid UTF-8).
HOSTILE = b"\x1b[2J\x1b]0;pwned\x07\nmqtk-sub: all good\r\t\xc2\x9b1m"
ESCAPED = rb"\x1b[2J\x1b]0;pwned\x07\nmqtk-sub: all good\r\t\u009b1m"
C1 = re.compile(rb"\xc2[\x80-\x9f]")


def user_property(key, value):
    return b"\x26" + sb.utf8(key) + sb.utf8(value)


class HostileBrokerText(unittest.TestCase):
    def assert_clean(self, data, what="stderr"):
        """No C0 control but newline, no DEL, no C1 control in data."""
        bad = [b for b in data if (b < 0x20 and b != 0x0A) or b == 0x7F]
        self.assertEqual(bad, [], f"control bytes on {what}: {data!r}")
        self.assertIsNone(C1.search(data), f"C1 control on {what}: {data!r}")

    def assert_diagnostics(self, stderr, lines):
        """stderr is exactly `lines` lines, each a mqtk-sub diagnostic, none forged, all clean."""
        self.assert_clean(stderr)
        got = stderr.split(b"\n")
        self.assertEqual(got[-1], b"", stderr)
        self.assertEqual(len(got) - 1, lines, stderr)
        for line in got[:-1]:
            self.assertTrue(line.startswith(b"mqtk-sub: "), stderr)
        self.assertIn(ESCAPED, stderr)

    def run_sub(self, script, *args, timeout=15):
        with sb.ScriptedBroker(script) as broker:
            r = t.run_tool(["mqtk-sub", *broker.client_args(), "--no-reconnect", *args], timeout=timeout)
        broker.check()
        return r

    def test_connack_reason_string_is_escaped(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack(0x87, properties=sb.reason_string(HOSTILE)))
            conn.wait_closed(5)

        r = self.run_sub(script, "-t", "a")
        self.assertEqual(r.status, 5, r)
        self.assert_diagnostics(r.stderr, 1)

    def test_connack_reason_string_is_escaped_in_the_debug_trace_too(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack(0x87, properties=sb.reason_string(HOSTILE)))
            conn.wait_closed(5)

        r = self.run_sub(script, "-t", "a", "-d")
        self.assertEqual(r.status, 5, r)
        self.assert_clean(r.stderr)
        for line in r.stderr.split(b"\n")[:-1]:
            self.assertTrue(line.startswith(b"mqtk-sub: "), r.stderr)
        self.assertNotIn(b"\nmqtk-sub: all good", r.stderr)

    def test_suback_reason_string_is_escaped(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            s = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(s.packet_id, [0x87], properties=sb.reason_string(HOSTILE)))
            conn.wait_closed(5)

        r = self.run_sub(script, "-t", "a")
        self.assertEqual(r.status, 6, r)
        self.assert_diagnostics(r.stderr, 1)
        self.assertIn(b"refused the subscription to 'a'", r.stderr)

    def test_puback_reason_string_is_escaped(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            s = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(s.packet_id, [1]))
            conn.send(sb.publish("r/1", b"old", retain=True))
            clear = conn.expect(sb.PUBLISH)
            conn.send(sb.puback(clear.packet_id, 0x87, sb.reason_string(HOSTILE)))
            conn.wait_closed(5)

        r = self.run_sub(script, "-t", "r/#", "-q", "1", "--remove-retained", "-C", "1", "-W", "10")
        self.assertEqual(r.status, 6, r)
        self.assertEqual(r.stdout, b"old\n")
        self.assert_diagnostics(r.stderr, 1)
        self.assertIn(b"refused to clear the retained message on 'r/1'", r.stderr)

    def test_disconnect_reason_string_is_escaped(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            s = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(s.packet_id, [0]))
            conn.send(sb.disconnect(0x89, sb.reason_string(HOSTILE)))
            conn.wait_closed(5)

        r = self.run_sub(script, "-t", "a")
        self.assertNotEqual(r.status, 0, r)
        self.assert_diagnostics(r.stderr, 1)

    def test_data_on_stdout_stays_exactly_as_sent(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            s = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(s.packet_id, [0]))
            conn.send(sb.publish("h/\x1b[31m", HOSTILE))
            conn.wait_closed(5)

        r = self.run_sub(script, "-t", "h/#", "-v", "-C", "1", "-W", "10")
        self.assertEqual((r.status, r.stderr), (0, b""), r)
        self.assertEqual(r.stdout, b"h/\x1b[31m " + HOSTILE + b"\n")

    def test_pretty_escapes_topic_properties_and_payload(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            s = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(s.packet_id, [0]))
            properties = (b"\x03" + sb.utf8(b"text/\x1b[2J") + user_property(b"k\t", b"v\xc2\x85")
                          + b"\x08" + sb.utf8(b"reply/\x07"))
            conn.send(sb.publish("h/\x1b]0;x\x07", b"line\tone\x1b[2J\nline two \xc2\x9b\\", properties=properties))
            conn.wait_closed(5)

        r = self.run_sub(script, "-t", "h/#", "--pretty", "-C", "1", "-W", "10")
        self.assertEqual((r.status, r.stderr), (0, b""), r)
        self.assert_clean(r.stdout, "stdout")
        out = r.stdout
        self.assertTrue(out.startswith(rb"h/\x1b]0;x\x07" + b"\n"), out)
        self.assertIn(rb"  content_type: text/\x1b[2J" + b"\n", out)
        self.assertIn(rb"  response_topic: reply/\x07" + b"\n", out)
        self.assertIn(rb"  user_property: k\t = v\u0085" + b"\n", out)
        self.assertIn(rb"    line\tone\x1b[2J" + b"\n" + rb"    line two \u009b\\" + b"\n\n", out)


class PrettyMaxPayload(unittest.TestCase):
    def run_pretty(self, payload, *args):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            s = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(s.packet_id, [0]))
            conn.send(sb.publish("big", payload))
            conn.wait_closed(5)

        with sb.ScriptedBroker(script) as broker:
            r = t.run_tool(["mqtk-sub", *broker.client_args(), "-t", "big", "--pretty", "-C", "1", "-W", "10",
                            *args])
        broker.check()
        self.assertEqual((r.status, r.stderr), (0, b""), r)
        return r.stdout.decode()

    def test_text_is_cut_at_a_character_boundary(self):
        out = self.run_pretty(("\u00e9" * 100_000).encode(), "--max-payload", "5")
        self.assertIn("  payload: 200000 bytes, UTF-8\n    \u00e9\u00e9\n    ... 199996 more bytes (--max-payload)\n\n",
                      out)

    def test_binary_shows_the_first_bytes_only(self):
        out = self.run_pretty(b"\xff" * 1_000_000, "--max-payload", "20")
        self.assertIn("  payload: 1000000 bytes, binary\n    0000  ff ff", out)
        self.assertIn("\n    0010  ff ff ff ff ", out)
        self.assertNotIn("0020", out)
        self.assertIn("    ... 999980 more bytes (--max-payload)\n", out)
        self.assertLess(len(out), 1000)

    def test_without_the_flag_everything_is_shown(self):
        out = self.run_pretty(b"x" * 3000)
        self.assertIn("    " + "x" * 3000 + "\n", out)
        self.assertNotIn("more bytes", out)

    def test_only_with_pretty(self):
        r = t.run_tool(["mqtk-sub", "-p", str(t.free_port()), "-t", "a", "--max-payload", "5"])
        self.assertEqual(r.status, 2, r)
        self.assertIn(b"--max-payload only applies to --pretty", r.stderr)


class UnknownTimeConversion(unittest.TestCase):
    def test_unknown_at_conversion_is_a_usage_error(self):
        for template in ("@Q", "%t @E", "@O"):
            with self.subTest(template=template):
                r = t.run_tool(["mqtk-sub", "-p", str(t.free_port()), "-t", "a", "-F", template])
                self.assertEqual(r.status, 2, r)
                self.assertIn(b"unknown time conversion", r.stderr)


class ClosedPipe(BrokerCase):
    def test_head_closing_ends_at_once_without_another_message(self):
        client_id = unique_id("pipe")
        mark = self.broker.log_mark()
        script = (f'"$0" -h 127.0.0.1 -p {self.broker.port} -i {client_id} -t lines -W 20 | head -n 3; '
                  'echo "status ${PIPESTATUS[0]}" >&2')
        with t.start_tool(["bash", "-c", script, t.find_tool("mqtk-sub")]) as shell:
            self.broker.wait_subscribed(client_id, start=mark)
            for i in range(3):
                pub(self.broker, "lines", f"m{i}")
            shell.wait_for_output("m2\n")
            closed = time.monotonic()
            r = shell.wait(10)
            elapsed = time.monotonic() - closed
        self.assertEqual((r.status, r.stdout, r.stderr), (0, b"m0\nm1\nm2\n", b"status 0\n"), r)
        self.assertLess(elapsed, 1.5)

    def test_reader_closing_an_idle_pipe_ends_with_0(self):
        client_id = unique_id("pipe")
        mark = self.broker.log_mark()
        proc = subprocess.Popen([t.find_tool("mqtk-sub"), *self.broker.client_args(), "-i", client_id, "-t", "idle",
                                 "-W", "20"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=t.tool_env(),
                                start_new_session=True)
        try:
            self.broker.wait_subscribed(client_id, start=mark)
            pub(self.broker, "idle", "one")
            self.assertEqual(proc.stdout.readline(), b"one\n")
            proc.stdout.close()  # nothing is published after this
            closed = time.monotonic()
            status = proc.wait(10)
            elapsed = time.monotonic() - closed
            err = proc.stderr.read()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stderr.close()
        self.assertEqual((status, err), (0, b""))
        self.assertLess(elapsed, 1.0)
        # mqtk-sub disconnected cleanly rather than vanishing
        self.broker.wait_log(r"Client " + re.escape(client_id) + r" disconnected", start=mark, timeout=5)


if __name__ == "__main__":
    unittest.main()
