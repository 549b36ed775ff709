"""Payload encodings: mqtk-pub --encode cbor|msgpack into mqtk-sub --decode in every output mode,
hex and base64 payloads from mosquitto_pub, payloads that do not decode, and the usage errors."""

import base64
import json
import signal
import unittest

import mqtk_testlib as t
from sub_helpers import BrokerCase, pub, start_sub


def mqtk_pub(broker, *args, input=None):
    return t.run_tool(["mqtk-pub", *broker.client_args(), *args], input=input)


class Decode(BrokerCase):
    def test_cbor_round_trip_as_json_lines(self):
        doc = {"t": 21.5, "s": "caf\u00e9", "l": [1, -2, None, True]}
        with start_sub(self.broker, "-t", "dec/cbor", "-C", "1", "--decode", "cbor", "--json") as sub:
            r = mqtk_pub(self.broker, "-t", "dec/cbor", "-m", json.dumps(doc), "--encode", "cbor")
            self.assertEqual(r.status, 0, r)
            result = sub.wait(10)
        self.assertEqual(result.status, 0, result)
        line = json.loads(result.stdout)
        self.assertEqual(json.loads(line["payload"]), doc)
        self.assertEqual(line["payload_encoding"], "utf8")

    def test_msgpack_lines_in_payload_verbose_and_format_modes(self):
        for mode in (["-v"], ["-F", "%t=%p"], []):
            with self.subTest(mode=mode):
                with start_sub(self.broker, "-t", "dec/mp", "-C", "2", "--decode", "msgpack", *mode) as sub:
                    r = mqtk_pub(self.broker, "-t", "dec/mp", "-l", "--encode", "msgpack",
                                 input='{"a":1}\n[true,"x"]\n')
                    self.assertEqual(r.status, 0, r)
                    result = sub.wait(10)
                self.assertEqual(result.status, 0, result)
                prefix = {"-v": "dec/mp ", "-F": "dec/mp="}.get(mode[0] if mode else "", "")
                self.assertEqual(result.stdout.decode().splitlines(),
                                 [prefix + '{"a":1}', prefix + '[true,"x"]'])

    def test_pretty_shows_the_decoded_document(self):
        with start_sub(self.broker, "-t", "dec/pretty", "-C", "1", "--decode", "cbor", "--pretty") as sub:
            self.assertEqual(mqtk_pub(self.broker, "-t", "dec/pretty", "-m", '{"k":"v"}', "--encode", "cbor").status, 0)
            result = sub.wait(10)
        self.assertIn(b'{"k":"v"}', result.stdout)

    def test_hex_and_base64_payloads_become_their_bytes(self):
        with start_sub(self.broker, "-t", "dec/hex", "-C", "1", "--decode", "hex") as sub:
            pub(self.broker, "dec/hex", "68656C6C6F")
            result = sub.wait(10)
        self.assertEqual(result.stdout, b"hello\n")
        with start_sub(self.broker, "-t", "dec/b64", "-C", "1", "--decode", "base64", "-F", "%x") as sub:
            pub(self.broker, "dec/b64", base64.b64encode(b"\x00\xff\x10").decode())
            result = sub.wait(10)
        self.assertEqual(result.stdout, b"00ff10\n")

    def test_a_payload_that_does_not_decode_is_shown_raw_with_one_warning(self):
        with start_sub(self.broker, "-t", "dec/bad/#", "-C", "3", "--decode", "cbor", "-v") as sub:
            pub(self.broker, "dec/bad/1", "not cbor")
            pub(self.broker, "dec/bad/2", "also not")
            self.assertEqual(mqtk_pub(self.broker, "-t", "dec/bad/3", "-m", "7", "--encode", "cbor").status, 0)
            result = sub.wait(10)
        self.assertEqual(result.status, 0, result)
        self.assertEqual(result.stdout.decode().splitlines(),
                         ["dec/bad/1 not cbor", "dec/bad/2 also not", "dec/bad/3 7"])
        warnings = result.stderr.decode().splitlines()
        self.assertEqual(len(warnings), 1, warnings)
        self.assertIn("not valid cbor", warnings[0])
        self.assertIn("dec/bad/1", warnings[0])

    def test_encode_refuses_invalid_json_and_sends_nothing(self):
        with start_sub(self.broker, "-t", "dec/none", "-W", "1") as sub:
            r = mqtk_pub(self.broker, "-t", "dec/none", "-m", "{not json", "--encode", "cbor")
            result = sub.wait(10)
        self.assertEqual(r.status, 2, r)
        self.assertRegex(r.stderr, rb"^mqtk-pub: --encode cbor: the payload is not valid JSON\n$")
        self.assertEqual(result.stdout, b"")
        self.assertEqual(result.status, 9, result)

    def test_usage_errors(self):
        port = str(t.free_port())
        r = t.run_tool(["mqtk-sub", "-p", port, "-t", "a", "--decode", "yaml"])
        self.assertEqual((r.status, r.stdout), (2, b""), r)
        r = t.run_tool(["mqtk-pub", "-p", port, "-t", "a", "-m", "1", "--encode", "hex"])
        self.assertEqual(r.status, 2, r)
        r = t.run_tool(["mqtk-pub", "-p", port, "-t", "a", "-n", "--encode", "cbor"])
        self.assertEqual(r.status, 2, r)
        self.assertIn(b"--encode applies to", r.stderr)
        r = t.run_tool(["mqtk-sub", "-p", port, "-t", "a", "--retain-handling", "1", "-V", "311"])
        self.assertEqual(r.status, 2, r)


if __name__ == "__main__":
    unittest.main()
