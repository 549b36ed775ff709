"""mqtk-sub -F with mosquitto_sub 2.1's fields against Mosquitto: %d/%f read IEEE 754 payloads,
%.2:x groups hex digits, %J embeds a JSON payload as JSON; a wrong-sized payload leaves %d empty
with one warning."""

import json
import struct
import unittest

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


if __name__ == "__main__":
    unittest.main()
