"""mqtk-sub -F with mosquitto_sub 2.1's fields against Mosquitto: %d/%f read IEEE 754 payloads,
%.2:x groups hex digits, %J embeds a JSON payload as JSON; a wrong-sized payload leaves %d empty
with one warning; %A shows the topic aliases a (scripted) broker uses, which it may because
mqtk-sub then announces a Topic Alias Maximum, and an alias above it ends the run as a protocol
error (8)."""

import json
import struct
import unittest

import mqtk_testlib as t
from mqtk_testlib import scripted_broker as sb
from sub_helpers import BrokerCase, pub, start_sub


class FormatFields(BrokerCase):
    def test_ieee754_hex_groups_and_embedded_json(self):
        with start_sub(self.broker, "-t", "f/#", "-C", "4", "-F", "%t %.2d|%.3f|%.2:x|%J") as sub:
            pub(self.broker, "f/double", stdin=struct.pack("<d", 21.125))
            pub(self.broker, "f/float", stdin=struct.pack("<f", -0.5))
            pub(self.broker, "f/json", '{"temp": 27.5}')
            pub(self.broker, "f/short", "abc")
            r = sub.wait(10)
        self.assertEqual(r.status, 0, r)
        lines = r.stdout.split(b"\n")
        self.assertEqual(lines[-1], b"")
        fields = [line.split(b"|", 3) for line in lines[:-1]]
        self.assertEqual([f[:3] for f in fields], [
            [b"f/double 21.12", b"", b"00:00:00:00:00:20:35:40"],
            [b"f/float ", b"-0.500", b"00:00:00:bf"],
            [b"f/json ", b"", b"7b:22:74:65:6d:70:22:3a:20:32:37:2e:35:7d"],
            [b"f/short ", b"", b"61:62:63"],
        ])
        embedded = json.loads(fields[2][3])
        self.assertEqual((embedded["topic"], embedded["payload"], embedded["payload_encoding"]),
                         ("f/json", {"temp": 27.5}, "json"))
        self.assertEqual(json.loads(fields[3][3])["payload"], "abc")  # not JSON: as %j shows it
        # one warning per kind of problem at most: the first %d/%f/%J field that could not show
        self.assertEqual(r.stderr.count(b"warning"), 1, r.stderr)


def alias(n):
    return b"\x23" + struct.pack(">H", n)


class TopicAlias(unittest.TestCase):
    def run_against(self, publishes):
        seen = {}

        def script(conn):
            connect = conn.expect(sb.CONNECT)
            seen["alias_maximum"] = b"\x22\x04\x00" in connect.body  # Topic Alias Maximum 1024
            conn.send(sb.connack())
            s = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(s.packet_id, [0]))
            for p in publishes:
                conn.send(p)
            conn.wait_closed()

        with sb.ScriptedBroker(script) as broker:
            r = t.run_tool(["mqtk-sub", *broker.client_args(), "-t", "a/#", "-C", "2", "-W", "10",
                            "-F", "%t [%A] %p"], timeout=20)
        self.assertTrue(seen["alias_maximum"], "CONNECT without Topic Alias Maximum 1024")
        return r

    def test_aliases_are_shown(self):
        r = self.run_against([sb.publish("a/b", b"1", properties=alias(5)),
                              sb.publish("", b"2", properties=alias(5))])
        self.assertEqual((r.status, r.stdout), (0, b"a/b [5] 1\na/b [5] 2\n"), r)

    def test_alias_above_the_maximum_is_a_protocol_error(self):
        r = self.run_against([sb.publish("a/b", b"1", properties=alias(1025))])
        self.assertEqual((r.status, r.stdout), (8, b""), r)
        self.assertIn(b"topic alias above our Topic Alias Maximum", r.stderr)


if __name__ == "__main__":
    unittest.main()
