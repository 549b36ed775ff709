"""A minimal MQTT-over-TLS endpoint on Python's ssl module, for what mosquitto cannot be made to do:
speak only TLS 1.2 (its tls_version is a minimum), or log its own TLS secrets (keylog_filename) so
a test can check a client's key log against the server's."""

import socket
import ssl
import threading

# MQTT 5 CONNACK, success, no properties (mqtk tools are run with -V 5 against it).
CONNACK_V5 = bytes([0x20, 0x03, 0x00, 0x00, 0x00])


class TlsConnackServer:
    """Accepts TLS connections on 127.0.0.1 (until close()), each served by a thread of its own:
    answers the CONNECT with a success CONNACK and reads until the client closes. version: an
    ssl.TLSVersion both the minimum and maximum. resumed: for each handshake in the order they
    finished, whether it resumed a session (the server's view). Use as a context manager."""

    def __init__(self, cert, key, version, keylog=None):
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert, key)
        self.context.minimum_version = self.context.maximum_version = version
        if keylog:
            self.context.keylog_filename = keylog
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.closed = threading.Event()
        self.resumed = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.closed.is_set():
            try:
                raw, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            raw.settimeout(10)
            threading.Thread(target=self._serve_one, args=(raw,), daemon=True).start()

    def _serve_one(self, raw):
        try:
            with self.context.wrap_socket(raw, server_side=True) as conn:
                self.resumed.append(conn.session_reused)
                self._answer(conn)
        except (OSError, ssl.SSLError):
            pass

    @staticmethod
    def _answer(conn):
        data = b""
        while len(data) < 2 or len(data) < 2 + data[1]:  # the CONNECT (a one-byte remaining length)
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        conn.sendall(CONNACK_V5)
        while conn.recv(4096):
            pass

    def close(self):
        self.closed.set()
        self.thread.join(10)
        self.listener.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
