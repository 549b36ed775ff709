"""A scripted, possibly hostile MQTT broker for tests: a loopback TCP listener whose every accepted
connection runs a Python function (the script) in its own thread. The script reads the client's
packets and answers with whatever bytes it wants: the wrong packet, hostile text, nothing at all.

    def script(conn):
        conn.expect(CONNECT)
        conn.send(connack())
        publish = conn.expect(PUBLISH)
        conn.send(puback(publish.packet_id))          # a QoS 2 message answered with PUBACK

    with ScriptedBroker(script) as broker:
        r = run_tool(["mqtk-pub", *broker.client_args(), "-t", "a", "-m", "x", "-q", "2"])

A script that raises records the failure; broker.check() (called on exit from the `with` block)
re-raises the first one, so a broken script fails the test instead of hanging it.
"""

import socket
import struct
import threading
import time

from .ports import LOOPBACK

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT, AUTH = range(8, 16)


def varint(n):
    """MQTT Variable Byte Integer encoding of n."""
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def utf8(text):
    """A two-byte length prefixed string (text: str or bytes, sent as is)."""
    data = text.encode() if isinstance(text, str) else text
    return struct.pack(">H", len(data)) + data


def packet(ptype, body=b"", flags=0):
    """A whole control packet: fixed header (type, flags, remaining length) + body."""
    return bytes([(ptype << 4) | flags]) + varint(len(body)) + body


def props(*encoded):
    """A property block (length + the already encoded properties)."""
    data = b"".join(encoded)
    return varint(len(data)) + data


def reason_string(text):
    """The Reason String property (0x1F); text may hold any bytes."""
    return b"\x1f" + utf8(text)


def connack(reason=0, session_present=False, v5=True, properties=b""):
    """CONNACK; for 3.1.1 (v5=False) reason is the return code."""
    body = bytes([1 if session_present else 0, reason])
    if v5:
        body += props(properties)
    return packet(CONNACK, body)


def ack(ptype, packet_id, reason=None, properties=b""):
    """PUBACK/PUBREC/PUBREL/PUBCOMP; reason None gives the short 3.1.1 form."""
    body = struct.pack(">H", packet_id)
    if reason is not None:
        body += bytes([reason]) + props(properties)
    return packet(ptype, body, 2 if ptype == PUBREL else 0)


def puback(packet_id, reason=None, properties=b""):
    return ack(PUBACK, packet_id, reason, properties)


def pubrec(packet_id, reason=None, properties=b""):
    return ack(PUBREC, packet_id, reason, properties)


def pubcomp(packet_id, reason=None, properties=b""):
    return ack(PUBCOMP, packet_id, reason, properties)


def suback(packet_id, reasons, properties=b"", v5=True):
    return packet(SUBACK, struct.pack(">H", packet_id) + (props(properties) if v5 else b"") + bytes(reasons))


def disconnect(reason=0, properties=b""):
    return packet(DISCONNECT, bytes([reason]) + props(properties))


def publish(topic, payload, qos=0, packet_id=1, retain=False, v5=True, properties=b""):
    body = utf8(topic)
    if qos:
        body += struct.pack(">H", packet_id)
    if v5:
        body += props(properties)
    return packet(PUBLISH, body + payload, (qos << 1) | (1 if retain else 0))


class Packet:
    """A received packet: type, flags and body; packet_id for the packets that carry one."""

    def __init__(self, ptype, flags, body):
        self.type, self.flags, self.body = ptype, flags, body

    @property
    def qos(self):
        return (self.flags >> 1) & 3

    @property
    def packet_id(self):
        if self.type == PUBLISH:
            (n,) = struct.unpack(">H", self.body[:2])
            return struct.unpack(">H", self.body[2 + n:4 + n])[0] if self.qos else None
        if self.type in (PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, UNSUBSCRIBE, SUBACK, UNSUBACK):
            return struct.unpack(">H", self.body[:2])[0]
        return None

    @property
    def topic(self):
        (n,) = struct.unpack(">H", self.body[:2])
        return self.body[2:2 + n].decode()

    @property
    def protocol_level(self):
        """CONNECT only: 5 for MQTT 5.0, 4 for 3.1.1."""
        (n,) = struct.unpack(">H", self.body[:2])
        return self.body[2 + n]

    def __repr__(self):
        return f"Packet(type={self.type}, flags={self.flags:#x}, {len(self.body)} bytes)"


class ScriptError(AssertionError):
    """The script saw something other than it expected (or the client went away)."""


class Connection:
    """One accepted client connection as the script sees it."""

    def __init__(self, sock, index):
        self.sock = sock
        self.index = index  # 0 for the first connection, 1 for the first reconnect, ...
        self._buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, n, deadline):
        while len(self._buffer) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ScriptError(f"timed out waiting for {n} bytes")
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise ScriptError(f"timed out waiting for {n} bytes") from None
            if not chunk:
                raise ScriptError("the client closed the connection")
            self._buffer += chunk

    def recv_packet(self, timeout=10):
        """The next whole packet from the client; ScriptError on timeout or close."""
        deadline = time.monotonic() + timeout
        self._fill(2, deadline)
        length, shift, i = 0, 0, 1
        while True:
            self._fill(i + 1, deadline)
            byte = self._buffer[i]
            length |= (byte & 0x7F) << shift
            shift += 7
            i += 1
            if not byte & 0x80:
                break
        self._fill(i + length, deadline)
        first = self._buffer[0]
        body = self._buffer[i:i + length]
        self._buffer = self._buffer[i + length:]
        return Packet(first >> 4, first & 0x0F, body)

    def expect(self, ptype, timeout=10, skip=(PINGREQ,)):
        """The next packet of type ptype (packets of the types in skip are answered or dropped:
        PINGREQ gets a PINGRESP); ScriptError when another type comes."""
        while True:
            p = self.recv_packet(timeout)
            if p.type == PINGREQ and PINGREQ in skip:
                self.send(packet(PINGRESP))
                continue
            if p.type in skip:
                continue
            if p.type != ptype:
                raise ScriptError(f"expected packet type {ptype}, got {p!r}")
            return p

    def wait_closed(self, timeout=10):
        """Reads and discards until the client closes; True if it did within timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                if not self.sock.recv(65536):
                    return True
            except socket.timeout:
                return False
            except OSError:
                return True
        return False

    def stop_reading(self, seconds):
        """Reads nothing for seconds (the client's writes fill the socket buffers and stall)."""
        time.sleep(seconds)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class ScriptedBroker:
    """Listens on a free loopback port; runs script(conn) for each accepted connection. recv_buffer
    sets a small SO_RCVBUF on accepted sockets (a broker that stops reading stalls writers sooner)."""

    def __init__(self, script, recv_buffer=None):
        self.script = script
        self.host = LOOPBACK
        self.connections = 0
        self.errors = []
        self._threads = []
        self._sockets = []
        self._stopping = False
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if recv_buffer:
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, recv_buffer)
        self._listener.bind((LOOPBACK, 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self._accepter = threading.Thread(target=self._accept_loop, daemon=True)

    def client_args(self):
        return ["-h", self.host, "-p", str(self.port)]

    def url(self, scheme="mqtt"):
        return f"{scheme}://{self.host}:{self.port}"

    def _accept_loop(self):
        while not self._stopping:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            if self._stopping:
                sock.close()
                return
            conn = Connection(sock, self.connections)
            self.connections += 1
            self._sockets.append(sock)
            thread = threading.Thread(target=self._run, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _run(self, conn):
        try:
            self.script(conn)
        except ScriptError as e:
            if not self._stopping:
                self.errors.append(e)
        except Exception as e:  # noqa: BLE001: any script failure is reported by check()
            if not self._stopping:
                self.errors.append(e)
        finally:
            conn.close()

    def start(self):
        self._accepter.start()
        return self

    def stop(self):
        self._stopping = True
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        for sock in list(self._sockets):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self._threads:
            thread.join(5)

    def check(self):
        """Raises the first error a script raised, if any."""
        if self.errors:
            raise self.errors[0]

    def __enter__(self):
        return self.start()

    def __exit__(self, exc_type, exc, tb):
        self.stop()
        return False
