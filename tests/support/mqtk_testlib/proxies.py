"""Proxies on free loopback ports for the proxy tests (issue 13).

Real ones from Debian, run as the current user with their configuration in a temporary directory:
  Danted(method="none" | "username")   dante-server's SOCKS5 proxy
  Tinyproxy(basic_auth=(user, password), connect_ports=[...])   HTTP CONNECT
Scripted ones (threads in the test process), for what the real ones cannot show:
  ScriptedSocks5(users={...})   SOCKS5 with RFC 1929 user name/password that tunnels for real and
      records each request's address type. A STAND-IN: dante's `username` method checks the
      machine's own accounts (passwd/shadow, PAM), and a test cannot add a system user, so only
      dante's refusals of a missing or wrong user are tested against dante itself.
  SilentProxy()   accepts TCP connections (the kernel's backlog) and never answers.
  ScriptedHttpProxy(status_line)   answers every CONNECT with status_line (hostile text tests).
"""

import os
import selectors
import shutil
import signal
import socket
import threading

from .broker import BrokerError, BrokerProcess
from .ports import LOOPBACK, free_port, port_accepts


def _find(name, *candidates):
    path = shutil.which(name) or next((p for p in candidates if os.access(p, os.X_OK)), None)
    if path is None:
        raise BrokerError(f"{name} is not installed (scripts/test installs it: apt-get install "
                          f"{'dante-server' if name == 'danted' else name})")
    return path


def _userinfo(user, password):
    if user is None:
        return ""
    return user + (f":{password}" if password is not None else "") + "@"


class _ProxyProcess(BrokerProcess):
    """A proxy daemon in the foreground; stopping kills its whole process group (its children)."""

    scheme = "socks5"

    def _choose_ports(self):
        self.port = free_port()

    def _ready(self):
        return port_accepts(self.port, self.host)

    def url(self, scheme=None, user=None, password=None):
        """The proxy URL for --proxy or the *_PROXY variables."""
        return f"{scheme or self.scheme}://{_userinfo(user, password)}{self.host}:{self.port}"

    def stop(self, sig=signal.SIGTERM):
        pid = self.proc.pid if self.proc is not None else None
        status = super().stop(sig)
        if pid is not None:
            try:
                os.killpg(pid, signal.SIGKILL)  # helper processes the daemon left behind
            except (ProcessLookupError, PermissionError):
                pass
        return status


class Danted(_ProxyProcess):
    """dante-server's danted on 127.0.0.1:.port; method "none" (no authentication) or "username"
    (RFC 1929, checked against system accounts: a test can only see it refuse)."""

    name = "danted"

    def __init__(self, method="none", workdir=None):
        super().__init__(workdir=workdir)
        self.exe = _find("danted", "/usr/sbin/danted")
        self.method = method
        self.port = None
        self.config_path = os.path.join(self.workdir, "danted.conf")

    def _prepare(self):
        lines = [f"logoutput: {self.log_path}",
                 f"internal: {self.host} port = {self.port}",
                 f"external: {self.host}",
                 f"socksmethod: {self.method}",
                 "clientmethod: none"]
        if os.geteuid() == 0:
            lines += ["user.privileged: root", "user.unprivileged: root"]
        lines += ["client pass {", "  from: 127.0.0.0/8 to: 0.0.0.0/0", "}",
                  "socks pass {", "  from: 127.0.0.0/8 to: 0.0.0.0/0", "  command: connect",
                  "  log: connect disconnect error", "}"]
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def _command(self):
        return [self.exe, "-f", self.config_path, "-p", os.path.join(self.workdir, "danted.pid"), "-N", "1"]

    def _bind_failed(self, log):
        return "Address already in use" in log


class Tinyproxy(_ProxyProcess):
    """tinyproxy on 127.0.0.1:.port, HTTP CONNECT only to connect_ports, with BasicAuth when
    basic_auth=(user, password)."""

    name = "tinyproxy"
    scheme = "http"

    def __init__(self, connect_ports, basic_auth=None, workdir=None):
        super().__init__(workdir=workdir)
        self.exe = _find("tinyproxy", "/usr/bin/tinyproxy", "/usr/sbin/tinyproxy")
        self.connect_ports = list(connect_ports)
        self.basic_auth = basic_auth
        self.port = None
        self.config_path = os.path.join(self.workdir, "tinyproxy.conf")

    def _prepare(self):
        lines = [f"Port {self.port}", f"Listen {self.host}", "Timeout 30", "LogLevel Info",
                 f'LogFile "{self.log_path}"', f'PidFile "{os.path.join(self.workdir, "tinyproxy.pid")}"',
                 "MaxClients 50"]
        if self.basic_auth:
            lines.append(f"BasicAuth {self.basic_auth[0]} {self.basic_auth[1]}")
        lines += [f"ConnectPort {p}" for p in self.connect_ports]
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def _command(self):
        return [self.exe, "-d", "-c", self.config_path]

    def _bind_failed(self, log):
        return "Address already in use" in log or "Could not create listening" in log


class _ThreadServer:
    """A listening socket on 127.0.0.1:.port whose connections each run handle(conn) in a thread."""

    scheme = "socks5"

    def __init__(self):
        self.host = LOOPBACK
        self._listener = socket.create_server((LOOPBACK, 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        self._sockets = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, scheme=None, user=None, password=None):
        return f"{scheme or self.scheme}://{_userinfo(user, password)}{self.host}:{self.port}"

    def _track(self, sock):
        with self._lock:
            self._sockets.append(sock)

    def _accept(self):
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self._track(conn)
            threading.Thread(target=self._guarded, args=(conn,), daemon=True).start()

    def _guarded(self, conn):
        try:
            self.handle(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def handle(self, conn):
        raise NotImplementedError

    def close(self):
        self._closed = True
        self._listener.close()
        with self._lock:
            for s in self._sockets:
                try:
                    s.close()
                except OSError:
                    pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _read_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise OSError("closed")
        data += chunk
    return data


def _relay(a, b):
    """Copies bytes both ways until either side closes."""
    sel = selectors.DefaultSelector()
    sel.register(a, selectors.EVENT_READ, b)
    sel.register(b, selectors.EVENT_READ, a)
    try:
        while True:
            for key, _ in sel.select(timeout=30):
                data = key.fileobj.recv(65536)
                if not data:
                    return
                key.data.sendall(data)
    finally:
        sel.close()


class ScriptedSocks5(_ThreadServer):
    """A SOCKS5 server (RFC 1928) requiring user name/password (RFC 1929) from users {name: password}
    that really tunnels. .requests lists (address type, host, port) of every CONNECT: 1 IPv4, 3 name,
    4 IPv6. A stand-in for dante's username method (see the module text)."""

    def __init__(self, users):
        self.users = dict(users)
        self.requests = []
        super().__init__()

    def handle(self, conn):
        version, count = _read_exact(conn, 2)
        methods = _read_exact(conn, count)
        if version != 5 or 2 not in methods:
            conn.sendall(b"\x05\xff")
            return
        conn.sendall(b"\x05\x02")
        _, length = _read_exact(conn, 2)
        user = _read_exact(conn, length).decode()
        password = _read_exact(conn, _read_exact(conn, 1)[0]).decode()
        if self.users.get(user) != password:
            conn.sendall(b"\x01\x01")
            return
        conn.sendall(b"\x01\x00")
        _, command, _, kind = _read_exact(conn, 4)
        if kind == 1:
            host = socket.inet_ntop(socket.AF_INET, _read_exact(conn, 4))
        elif kind == 4:
            host = socket.inet_ntop(socket.AF_INET6, _read_exact(conn, 16))
        else:
            host = _read_exact(conn, _read_exact(conn, 1)[0]).decode()
        port = int.from_bytes(_read_exact(conn, 2), "big")
        self.requests.append((kind, host, port))
        try:
            upstream = socket.create_connection((host, port), timeout=5)
        except OSError:
            conn.sendall(b"\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")
            return
        self._track(upstream)
        with upstream:
            conn.sendall(b"\x05\x00\x00\x01" + socket.inet_aton("127.0.0.1") + b"\x00\x00")
            _relay(conn, upstream)


class ScriptedHttpProxy(_ThreadServer):
    """Answers every CONNECT request with status_line (bytes, without CRLF) and closes."""

    scheme = "http"

    def __init__(self, status_line):
        self.status_line = status_line
        super().__init__()

    def handle(self, conn):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        conn.sendall(self.status_line + b"\r\n\r\n")


class SilentProxy:
    """A listening socket that never accepts: the kernel completes the TCP handshake and takes the
    client's bytes, and nothing ever answers."""

    scheme = "socks5"

    def __init__(self):
        self.host = LOOPBACK
        self._listener = socket.create_server((LOOPBACK, 0), backlog=16)
        self.port = self._listener.getsockname()[1]

    def url(self, scheme=None, user=None, password=None):
        return f"{scheme or self.scheme}://{_userinfo(user, password)}{self.host}:{self.port}"

    def close(self):
        self._listener.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
