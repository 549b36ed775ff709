"""mqtk-retain-clear's text report quotes broker text (a PUBACK Reason String) escaped: a hostile
broker cannot send terminal control sequences through it. The JSON report keeps the exact text."""

import json
import unittest

import mqtk_testlib as t
from mqtk_testlib import scripted_broker as sb
from test_retain_clear_backup import echo_sentinel

HOSTILE = b"\x1b]0;pwned\x07\x1b[2J\nmqtk-retain-clear: forged line"


def refusing_broker(conn):
    """Lists one retained message, refuses its clear with a hostile Reason String."""
    conn.expect(sb.CONNECT)
    conn.send(sb.connack())
    sub = conn.expect(sb.SUBSCRIBE)
    conn.send(sb.suback(sub.packet_id, [1, 1]))
    conn.send(sb.publish("h/a", b"v", qos=0, retain=True))
    echo_sentinel(conn)
    clear = conn.expect(sb.PUBLISH)
    conn.send(sb.puback(clear.packet_id, 0x87, sb.reason_string(HOSTILE)))
    while True:  # a verification listing may follow: the message is still there
        try:
            p = conn.recv_packet(5)
        except sb.ScriptError:
            return  # the tool closed the connection
        if p.type == sb.SUBSCRIBE:
            conn.send(sb.suback(p.packet_id, [1, 1]))
            conn.send(sb.publish("h/a", b"v", qos=0, retain=True))
            echo_sentinel(conn)
        elif p.type == sb.DISCONNECT:
            return


class HostileReasonString(unittest.TestCase):
    def run_against(self, *args):
        with sb.ScriptedBroker(refusing_broker) as broker:
            r = t.run_tool(["mqtk-retain-clear", *broker.client_args(), "-t", "h/#", "-y", "-V", "5", *args],
                           timeout=20)
            broker.check()
        self.assertEqual(r.status, 6, r.stderr)
        return r

    def test_text_report_escapes_the_reason_string(self):
        r = self.run_against()
        self.assertNotIn(b"\x1b", r.stdout + r.stderr)
        self.assertNotIn(b"\x07", r.stdout + r.stderr)
        self.assertIn(b"\\x1b]0;pwned\\x07\\x1b[2J\\nmqtk-retain-clear: forged line", r.stdout)
        self.assertFalse(any(line.startswith(b"mqtk-retain-clear: forged") for line in r.stdout.splitlines()))

    def test_json_report_keeps_the_exact_text(self):
        r = self.run_against("--json")
        report = json.loads(r.stdout)
        self.assertEqual(report["failed"][0]["detail"], HOSTILE.decode())


if __name__ == "__main__":
    unittest.main()
