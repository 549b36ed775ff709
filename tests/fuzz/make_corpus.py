#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets: corpus/decoder/ and corpus/topic/.

Decoder seeds are hand-assembled from the spec (not produced by our encoder), one valid packet of
every type for MQTT 3.1.1 and 5.0, plus a few multi-packet streams. Each file starts with the two
settings bytes that fuzz_decoder.cpp reads: settings (bit 0 server side, bit 1 MQTT 5.0) and
chunking (0 = one chunk). Run it again after changing it; it rewrites both directories.
"""
import pathlib
import struct

HERE = pathlib.Path(__file__).resolve().parent


def vbi(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def u16(n):
    return struct.pack(">H", n)


def u32(n):
    return struct.pack(">I", n)


def s(text):
    data = text.encode() if isinstance(text, str) else text
    return u16(len(data)) + data


def packet(first, *body):
    data = b"".join(body)
    return bytes([first]) + vbi(len(data)) + data


def props(*items):
    data = b"".join(items)
    return vbi(len(data)) + data


# Property encoders (spec 2.2.2.2).
def p_byte(pid, v):
    return bytes([pid, v])


def p_u16(pid, v):
    return bytes([pid]) + u16(v)


def p_u32(pid, v):
    return bytes([pid]) + u32(v)


def p_vbi(pid, v):
    return bytes([pid]) + vbi(v)


def p_str(pid, v):
    return bytes([pid]) + s(v)


def p_pair(k, v):
    return bytes([0x26]) + s(k) + s(v)


CLIENT, SERVER = 0, 1  # which side decodes: the client decodes server packets
V311, V5 = 0, 2


def v311_packets():
    connect_min = packet(0x10, s("MQTT"), b"\x04", b"\x02", u16(60), s("c1"))
    connect_full = packet(
        0x10, s("MQTT"), b"\x04",
        bytes([0x80 | 0x40 | 0x20 | 0x08 | 0x04 | 0x02]),  # user, password, will retain+QoS 1, clean
        u16(30), s("client-1"), s("will/topic"), s(b"gone"), s("user"), s(b"secret"))
    connect_v31 = packet(0x10, s("MQIsdp"), b"\x03", b"\x02", u16(60), s("c31"))
    return {
        "connect": (SERVER, connect_min),
        "connect_full": (SERVER, connect_full),
        "connect_v31": (SERVER, connect_v31),
        "connack": (CLIENT, packet(0x20, b"\x00\x00")),
        "connack_refused": (CLIENT, packet(0x20, b"\x00\x05")),
        "connack_session_present": (CLIENT, packet(0x20, b"\x01\x00")),
        "publish_qos0": (CLIENT, packet(0x30, s("a/b"), b"hello")),
        "publish_qos1": (SERVER, packet(0x32, s("sport/tennis"), u16(1), b"21.5")),
        "publish_qos2_dup_retain": (CLIENT, packet(0x3D, s("x"), u16(0xFFFF), b"\x00\x01\xff")),
        "puback": (CLIENT, packet(0x40, u16(1))),
        "pubrec": (SERVER, packet(0x50, u16(2))),
        "pubrel": (CLIENT, packet(0x62, u16(3))),
        "pubcomp": (SERVER, packet(0x70, u16(4))),
        "subscribe": (SERVER, packet(0x82, u16(10), s("sport/#"), b"\x00", s("+/x"), b"\x02")),
        "suback": (CLIENT, packet(0x90, u16(10), b"\x00\x01\x02\x80")),
        "unsubscribe": (SERVER, packet(0xA2, u16(11), s("sport/#"), s("$share/g/a"))),
        "unsuback": (CLIENT, packet(0xB0, u16(11))),
        "pingreq": (SERVER, packet(0xC0)),
        "pingresp": (CLIENT, packet(0xD0)),
        "disconnect": (SERVER, packet(0xE0)),
    }


def v5_packets():
    will_props = props(p_u32(0x18, 5), p_byte(0x01, 1), p_u32(0x02, 3600), p_str(0x03, "text/plain"),
                       p_str(0x08, "reply/to"), p_str(0x09, b"\x01\x02"), p_pair("k", "v"))
    connect_full = packet(
        0x10, s("MQTT"), b"\x05", bytes([0x80 | 0x40 | 0x10 | 0x04 | 0x02]),  # will QoS 2
        u16(60),
        props(p_u32(0x11, 3600), p_u16(0x21, 20), p_u32(0x27, 1 << 20), p_u16(0x22, 10),
              p_byte(0x19, 1), p_byte(0x17, 0), p_pair("a", "b"), p_pair("a", "c"),
              p_str(0x15, "SCRAM-SHA-1"), p_str(0x16, b"\x00data")),
        s("client-5"), will_props, s("will/topic"), s(b"bye"), s("user"), s(b"pw"))
    connect_min = packet(0x10, s("MQTT"), b"\x05", b"\x02", u16(0), props(), s(""))
    connack_full = packet(
        0x20, b"\x00\x00",
        props(p_u32(0x11, 0), p_u16(0x21, 100), p_byte(0x24, 1), p_byte(0x25, 0), p_u32(0x27, 65536),
              p_str(0x12, "auto-1"), p_u16(0x22, 5), p_str(0x1F, "welcome"), p_pair("x", "y"),
              p_byte(0x28, 1), p_byte(0x29, 0), p_byte(0x2A, 1), p_u16(0x13, 120),
              p_str(0x1A, "resp"), p_str(0x1C, "other:1883"), p_str(0x15, "m"), p_str(0x16, b"d")))
    publish_full = packet(
        0x33, s("sport/tennis"), u16(7),
        props(p_byte(0x01, 1), p_u32(0x02, 60), p_u16(0x23, 1), p_str(0x08, "r/t"),
              p_str(0x09, b"\xca\xfe"), p_pair("k", "v"), p_vbi(0x0B, 200), p_str(0x03, "text/plain")),
        b"payload")
    return {
        "connect": (SERVER, connect_min),
        "connect_full": (SERVER, connect_full),
        "connack": (CLIENT, packet(0x20, b"\x00\x00", props())),
        "connack_full": (CLIENT, connack_full),
        "connack_refused": (CLIENT, packet(0x20, b"\x00\x87", props(p_str(0x1F, "not authorized")))),
        "publish_qos0": (SERVER, packet(0x30, s("a/b"), props(), b"hello")),
        "publish_full": (CLIENT, publish_full),
        "publish_alias_only": (CLIENT, packet(0x34, s(""), u16(9), props(p_u16(0x23, 3)), b"x")),
        "puback": (CLIENT, packet(0x40, u16(1))),
        "puback_reason": (SERVER, packet(0x40, u16(1), b"\x10", props(p_str(0x1F, "nobody")))),
        "pubrec": (CLIENT, packet(0x50, u16(2), b"\x00")),
        "pubrec_error": (SERVER, packet(0x50, u16(2), b"\x80", props(p_pair("e", "1")))),
        "pubrel": (SERVER, packet(0x62, u16(3), b"\x92", props())),
        "pubcomp": (CLIENT, packet(0x70, u16(4))),
        "subscribe": (SERVER, packet(0x82, u16(10), props(p_vbi(0x0B, 268435455), p_pair("s", "1")),
                                     s("sport/#"), b"\x2e", s("$share/g/+/x"), b"\x01")),
        "suback": (CLIENT, packet(0x90, u16(10), props(p_str(0x1F, "ok")), b"\x00\x01\x02\x87\xa2")),
        "unsubscribe": (SERVER, packet(0xA2, u16(11), props(p_pair("u", "1")), s("sport/#"), s("a"))),
        "unsuback": (CLIENT, packet(0xB0, u16(11), props(), b"\x00\x11")),
        "pingreq": (SERVER, packet(0xC0)),
        "pingresp": (CLIENT, packet(0xD0)),
        "disconnect": (SERVER, packet(0xE0)),
        "disconnect_reason": (SERVER, packet(0xE0, b"\x04", props(p_u32(0x11, 10), p_str(0x1F, "bye")))),
        "disconnect_server": (CLIENT, packet(0xE0, b"\x8b", props(p_str(0x1C, "elsewhere")))),
        "auth": (SERVER, packet(0xF0, b"\x18", props(p_str(0x15, "SCRAM-SHA-1"), p_str(0x16, b"\x01")))),
        "auth_server": (CLIENT, packet(0xF0, b"\x00", props(p_str(0x15, "SCRAM-SHA-1")))),
    }


def write_decoder_corpus():
    out = HERE / "corpus" / "decoder"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.bin"):
        old.unlink()

    def seed(name, side, version, stream, chunking=0):
        (out / f"{name}.bin").write_bytes(bytes([side | version, chunking]) + stream)

    v3 = v311_packets()
    v5 = v5_packets()
    for name, (side, data) in v3.items():
        seed(f"v311_{name}", side, V311, data)
    for name, (side, data) in v5.items():
        seed(f"v5_{name}", side, V5, data)
    # Streams: a server side learning the version from CONNECT; byte-by-byte and odd chunkings.
    seed("v5_stream_server", SERVER, V311,
         v5["connect_full"][1] + v5["subscribe"][1] + v5["publish_qos0"][1] + v5["pingreq"][1] +
         v5["disconnect_reason"][1], chunking=1)
    seed("v311_stream_server", SERVER, V5,
         v3["connect_full"][1] + v3["publish_qos1"][1] + v3["pubrec"][1] + v3["unsubscribe"][1], chunking=7)
    seed("v5_stream_client", CLIENT, V5,
         v5["connack_full"][1] + v5["suback"][1] + v5["publish_full"][1] + v5["pubrel"][1] +
         v5["pingresp"][1], chunking=3)
    seed("v311_stream_client", CLIENT, V311,
         v3["connack"][1] + v3["suback"][1] + v3["publish_qos2_dup_retain"][1] + v3["pingresp"][1],
         chunking=2)


def write_topic_corpus():
    out = HERE / "corpus" / "topic"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.txt"):
        old.unlink()
    seeds = [
        "sport/tennis/player1/#\nsport/tennis/player1/ranking",
        "sport/#\nsport",
        "sport/tennis/+\nsport/tennis/player1",
        "sport/+\nsport/",
        "+/+\n/finance",
        "/+\n/finance",
        "#\n$SYS/monitor/Clients",
        "+/monitor/Clients\n$SYS/monitor/Clients",
        "$SYS/#\n$SYS/monitor/Clients",
        "$share/consumer1/sport/tennis/+\nsport/tennis/player1",
        "$share/consumer1//finance\n/finance",
        "a//b\na//b",
        "sport/tennis#\nsport/tennis",
        "sport/tennis/#/ranking\nx",
        "caf\u00e9/\u20ac/\U0001F600\ncaf\u00e9/\u20ac/\U0001F600",
    ]
    for i, text in enumerate(seeds):
        (out / f"seed_{i:02}.txt").write_bytes(text.encode())
    (out / "seed_bad_utf8.txt").write_bytes(b"a/\xed\xa0\x80/\xc0\x80\n\xf4\x90\x80\x80")
    (out / "seed_nul.txt").write_bytes(b"a/\x00/+\na/\x00/b")


if __name__ == "__main__":
    write_decoder_corpus()
    write_topic_corpus()
