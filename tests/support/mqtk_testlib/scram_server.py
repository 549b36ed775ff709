"""The server side of SCRAM (RFC 5802, RFC 7677) for scripted brokers, written from the RFCs with
hashlib and hmac (independent of the C++ client), plus the MQTT 5 property parsing of CONNECT and
AUTH that enhanced authentication needs.

    server = ScramServer("SCRAM-SHA-256", "user", "secret")
    server_first = server.first(client_first)        # after CONNECT's Authentication Data
    ok, server_final = server.final(client_final)    # after the client's AUTH
"""

import base64
import hashlib
import hmac
import os
import struct

from .scripted_broker import AUTH, packet, props, utf8

AUTHENTICATION_METHOD, AUTHENTICATION_DATA = 0x15, 0x16
CONTINUE_AUTHENTICATION = 0x18

HASHES = {"SCRAM-SHA-1": "sha1", "SCRAM-SHA-256": "sha256", "SCRAM-SHA-512": "sha512"}

# Property value types by identifier (MQTT 5.0 §2.2.2.2).
_BYTE = {0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A}
_TWO = {0x13, 0x21, 0x22, 0x23}
_FOUR = {0x02, 0x11, 0x18, 0x27}
_STRING = {0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F}
_BINARY = {0x09, 0x16}


def _varint(data, i):
    value, shift = 0, 0
    while True:
        byte = data[i]
        value |= (byte & 0x7F) << shift
        shift += 7
        i += 1
        if not byte & 0x80:
            return value, i


def parse_properties(data, i):
    """The properties at data[i:] as {id: value} (user properties left out), and the index after."""
    length, i = _varint(data, i)
    end, out = i + length, {}
    while i < end:
        pid = data[i]
        i += 1
        if pid in _BYTE:
            out[pid], i = data[i], i + 1
        elif pid in _TWO:
            out[pid], i = struct.unpack(">H", data[i:i + 2])[0], i + 2
        elif pid in _FOUR:
            out[pid], i = struct.unpack(">I", data[i:i + 4])[0], i + 4
        elif pid == 0x0B:
            out[pid], i = _varint(data, i)
        elif pid in _STRING or pid in _BINARY:
            (n,) = struct.unpack(">H", data[i:i + 2])
            value = bytes(data[i + 2:i + 2 + n])
            out[pid], i = (value.decode() if pid in _STRING else value), i + 2 + n
        elif pid == 0x26:
            for _ in range(2):
                (n,) = struct.unpack(">H", data[i:i + 2])
                i += 2 + n
        else:
            raise ValueError(f"unknown property {pid:#x}")
    return out, end


def connect_fields(p):
    """A 5.0 CONNECT: (its properties, user name or None, whether it carries a password)."""
    body = p.body
    (n,) = struct.unpack(">H", body[:2])
    i = 2 + n
    flags = body[i + 1]
    properties, i = parse_properties(body, i + 4)
    (n,) = struct.unpack(">H", body[i:i + 2])  # client id
    i += 2 + n
    if flags & 0x04:  # will: properties, topic, payload
        _, i = parse_properties(body, i)
        for _ in range(2):
            (n,) = struct.unpack(">H", body[i:i + 2])
            i += 2 + n
    username = None
    if flags & 0x80:
        (n,) = struct.unpack(">H", body[i:i + 2])
        username = bytes(body[i + 2:i + 2 + n]).decode()
    return properties, username, bool(flags & 0x40)


def auth_fields(p):
    """An AUTH: (reason code, properties)."""
    if not p.body:
        return 0, {}
    properties, _ = parse_properties(p.body, 1) if len(p.body) > 1 else ({}, 1)
    return p.body[0], properties


def auth_properties(method, data):
    """Authentication Method and Data as encoded properties (for AUTH and CONNACK)."""
    out = bytes([AUTHENTICATION_METHOD]) + utf8(method)
    if data is not None:
        out += bytes([AUTHENTICATION_DATA]) + utf8(data.encode() if isinstance(data, str) else data)
    return out


def auth(method, data, reason=CONTINUE_AUTHENTICATION):
    """An AUTH packet from the broker."""
    return packet(AUTH, bytes([reason]) + props(auth_properties(method, data)))


class ScramServer:
    """One SCRAM exchange as the server that stores password for username."""

    def __init__(self, method, username, password, iterations=4096):
        self.hash = HASHES[method]
        self.username, self.password, self.iterations = username, password, iterations
        self.salt = os.urandom(16)
        self.nonce = None
        self.client_first_bare = self.server_first = None
        self.user_seen = None

    def first(self, client_first):
        """The server-first-message for the client-first-message (bytes or str)."""
        text = client_first.decode() if isinstance(client_first, bytes) else client_first
        assert text.startswith("n,,"), text
        self.client_first_bare = text[3:]
        attrs = dict(a.split("=", 1) for a in self.client_first_bare.split(","))
        self.user_seen = attrs["n"].replace("=2C", ",").replace("=3D", "=")
        self.nonce = attrs["r"] + base64.b64encode(os.urandom(12)).decode()
        self.server_first = f"r={self.nonce},s={base64.b64encode(self.salt).decode()},i={self.iterations}"
        return self.server_first

    def _keys(self, auth_message):
        salted = hashlib.pbkdf2_hmac(self.hash, self.password.encode(), self.salt, self.iterations)
        client_key = hmac.new(salted, b"Client Key", self.hash).digest()
        stored_key = hashlib.new(self.hash, client_key).digest()
        signature = hmac.new(stored_key, auth_message, self.hash).digest()
        server_key = hmac.new(salted, b"Server Key", self.hash).digest()
        return client_key, signature, hmac.new(server_key, auth_message, self.hash).digest()

    def final(self, client_final):
        """(True, "v=...") when the client's proof is right, else (False, "e=invalid-proof")."""
        text = client_final.decode() if isinstance(client_final, bytes) else client_final
        without_proof, _, proof = text.rpartition(",p=")
        attrs = dict(a.split("=", 1) for a in without_proof.split(","))
        if attrs.get("c") != "biws" or attrs.get("r") != self.nonce or self.user_seen != self.username:
            return False, "e=other-error"
        auth_message = f"{self.client_first_bare},{self.server_first},{without_proof}".encode()
        client_key, signature, server_signature = self._keys(auth_message)
        expected = bytes(a ^ b for a, b in zip(client_key, signature))
        if not hmac.compare_digest(base64.b64decode(proof), expected):
            return False, "e=invalid-proof"
        return True, "v=" + base64.b64encode(server_signature).decode()
