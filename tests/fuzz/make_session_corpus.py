#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_session (corpus/session/): short scripted broker conversations.

Input layout (see fuzz_session.cpp): byte 0 = mode (bit 0: MQTT 5), then chunks of
[command byte, length byte, bytes]; command % 8: 0-2 receive bytes, 3 publish (QoS = command/8 % 3),
4 subscribe, 5 advance time by command/8 seconds and tick, 6 reconnect, 7 unsubscribe.
"""
import pathlib

here = pathlib.Path(__file__).resolve().parent / "corpus" / "session"
here.mkdir(parents=True, exist_ok=True)


def chunk(command, data=b""):
    return bytes([command, len(data)]) + data


def h(text):
    return bytes.fromhex(text.replace(" ", ""))


CONNACK5 = h("20 03 00 00 00")
CONNACK5_LIMITS = h("20 0d 00 00 0a 21 00 02 22 00 02 24 01 13 00 05")
CONNACK3 = h("20 02 00 00")
seeds = {
    "v5_qos1": bytes([0x41]) + chunk(0, CONNACK5) + chunk(3 + 8) + chunk(0, h("40 02 00 01")),
    "v5_qos2": bytes([0x41]) + chunk(0, CONNACK5) + chunk(3 + 16) + chunk(0, h("50 02 00 01"))
    + chunk(0, h("70 02 00 01")),
    "v5_inbound_qos2": bytes([0x13]) + chunk(0, CONNACK5) + chunk(0, h("34 08 00 01 74 00 07 00 68 69"))
    + chunk(0, h("62 02 00 07")),
    "v5_alias": bytes([0x07]) + chunk(0, CONNACK5) + chunk(0, h("30 0b 00 03 61 2f 62 03 23 00 01 68 69"))
    + chunk(0, h("30 08 00 00 03 23 00 01 6a 6f")),
    "v5_limits_resume": bytes([0x49]) + chunk(0, CONNACK5_LIMITS) + chunk(3 + 8) + chunk(3 + 16) + chunk(6)
    + chunk(0, h("20 03 01 00 00")),
    "v5_subscribe": bytes([0x01]) + chunk(0, CONNACK5) + chunk(4 + 8) + chunk(0, h("90 04 00 01 00 01"))
    + chunk(7) + chunk(0, h("b0 04 00 02 00 00")),
    "v5_keepalive": bytes([0x01]) + chunk(0, CONNACK5) + chunk(5 + 8 * 30) + chunk(5 + 8 * 31)
    + chunk(0, h("d0 00")) + chunk(5 + 8 * 31),
    "v5_disconnect": bytes([0x01]) + chunk(0, CONNACK5) + chunk(0, h("e0 01 8b")),
    "v311_qos1": bytes([0x00]) + chunk(0, CONNACK3) + chunk(3 + 8) + chunk(0, h("40 02 00 01"))
    + chunk(0, h("32 09 00 03 61 2f 62 00 05 68 69")),
    "v311_qos2": bytes([0x00]) + chunk(0, CONNACK3) + chunk(3 + 16) + chunk(0, h("50 02 00 01"))
    + chunk(0, h("70 02 00 01")) + chunk(0, h("34 09 00 03 61 2f 62 00 06 68 69")),
}
for name, data in seeds.items():
    (here / name).write_bytes(data)
print(f"wrote {len(seeds)} seeds to {here}")
