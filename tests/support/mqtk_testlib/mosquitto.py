"""A throwaway mosquitto broker on free loopback ports, configured per test."""

import dataclasses
import os
import re
import shutil
import subprocess

from .broker import BrokerError, BrokerProcess
from .ports import free_port, port_accepts, unix_socket_accepts


@dataclasses.dataclass
class TlsListener:
    """TLS settings for one mosquitto listener (paths to PEM files). See TlsMaterial.listener()."""
    cafile: str
    certfile: str
    keyfile: str
    require_certificate: bool = False
    use_identity_as_username: bool = False
    tls_version: str = None  # e.g. "tlsv1.3"; None: mosquitto's default (1.2 and 1.3)
    extra: list = dataclasses.field(default_factory=list)  # more lines for this listener

    def config_lines(self):
        lines = [f"cafile {self.cafile}", f"certfile {self.certfile}", f"keyfile {self.keyfile}",
                 f"require_certificate {'true' if self.require_certificate else 'false'}"]
        if self.use_identity_as_username:
            lines.append("use_identity_as_username true")
        if self.tls_version:
            lines.append(f"tls_version {self.tls_version}")
        return lines + list(self.extra)


def _lines(value):
    if value is None:
        return []
    if isinstance(value, str):
        return value.splitlines()
    return list(value)


class Mosquitto(BrokerProcess):
    """mosquitto on 127.0.0.1 with a config written into its own temporary directory.

    Listeners (each on its own free port; attributes are set once started):
      .port            plain MQTT over TCP, always
      .tls_port        tls=TlsListener(...)            (MQTT over TLS)
      .unix_path       unix_socket=True                (listener 0 <workdir>/mqtt.sock)
      .ws_port         websockets=True                 (MQTT over WebSocket, plain)
      .wss_port        wss=TlsListener(...)            (MQTT over WebSocket over TLS)
    Options:
      allow_anonymous  True by default
      users            {"name": "password"}: written with mosquitto_passwd as password_file
      acl              text (or list of lines) of an acl_file, e.g. "user alice\\ntopic readwrite a/#";
                       rules before any `user` line apply to anonymous clients
      persistence      True: `persistence true` with the store in .persistence_dir, kept across
                       stop()/restart() (mosquitto saves it on SIGTERM)
      extra_config     raw global lines (e.g. "max_keepalive 10", "retain_available false"),
                       written before the listeners
      listener_config  raw lines for the plain TCP listener (e.g. "max_connections 5")
      log_type         mosquitto log_type values; default "all" so wait_log() can see SUBSCRIBE
    Everything a listener-less option would apply to goes in extra_config; never port 1883.
    """

    name = "mosquitto"

    def __init__(self, *, tls=None, unix_socket=False, websockets=False, wss=None,
                 allow_anonymous=True, users=None, acl=None, persistence=False,
                 extra_config=None, listener_config=None, log_type=("all",),
                 workdir=None, keep_workdir=False):
        super().__init__(workdir=workdir, keep_workdir=keep_workdir)
        self.exe = shutil.which("mosquitto") or next(
            (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.access(p, os.X_OK)),
            None)
        if self.exe is None:
            raise BrokerError("mosquitto is not installed (scripts/test installs it: apt-get install mosquitto)")
        self.tls = tls
        self.websockets = websockets
        self.wss = wss
        self.allow_anonymous = allow_anonymous
        self.users = dict(users or {})
        self.acl = acl
        self.persistence = persistence
        self.extra_config = _lines(extra_config)
        self.listener_config = _lines(listener_config)
        self.log_type = [log_type] if isinstance(log_type, str) else list(log_type)
        self.config_path = os.path.join(self.workdir, "mosquitto.conf")
        self.persistence_dir = os.path.join(self.workdir, "store")
        self.unix_path = os.path.join(self.workdir, "mqtt.sock") if unix_socket else None
        self.port = self.tls_port = self.ws_port = self.wss_port = None

    # --- helpers for tests ----------------------------------------------------------------------
    def client_args(self):
        """["-h", "127.0.0.1", "-p", "<port>"]: the plain listener for mosquitto_* and mqtk-*."""
        return ["-h", self.host, "-p", str(self.port)]

    def url(self, scheme="mqtt"):
        """URL of a listener: mqtt, mqtts, ws, wss or unix."""
        if scheme == "unix":
            return f"unix://{self.unix_path}"
        port = {"mqtt": self.port, "mqtts": self.tls_port, "ws": self.ws_port,
                "wss": self.wss_port}[scheme]
        if port is None:
            raise ValueError(f"this broker has no {scheme} listener")
        return f"{scheme}://{self.host}:{port}"

    def wait_subscribed(self, client_id, timeout=10, start=0):
        """Waits until the log shows a SUBSCRIBE from client_id (needs log_type all/debug)."""
        return self.wait_log(r"(?m)Received SUBSCRIBE from " + re.escape(client_id) + r"$",
                             timeout=timeout, start=start)

    # --- BrokerProcess hooks --------------------------------------------------------------------
    def _choose_ports(self):
        self.port = free_port()
        self.tls_port = free_port() if self.tls else None
        self.ws_port = free_port() if self.websockets else None
        self.wss_port = free_port() if self.wss else None

    def _prepare(self):
        lines = ["# written by mqtk_testlib for one test"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # As root mosquitto would switch to user "mosquitto", which cannot use our temp dir.
            lines.append("user root")
        lines += ["log_dest stderr", "log_timestamp true",
                  "log_timestamp_format %Y-%m-%dT%H:%M:%S", "connection_messages true"]
        lines += [f"log_type {t}" for t in self.log_type]
        lines.append(f"allow_anonymous {'true' if self.allow_anonymous else 'false'}")
        if self.users:
            lines.append(f"password_file {self._write_password_file()}")
        if self.acl is not None:
            acl_path = os.path.join(self.workdir, "acl")
            with open(acl_path, "w") as f:
                f.write("\n".join(_lines(self.acl)) + "\n")
            lines.append(f"acl_file {acl_path}")
        if self.persistence:
            os.makedirs(self.persistence_dir, exist_ok=True)
            lines += ["persistence true", f"persistence_location {self.persistence_dir}/",
                      "persistence_file mosquitto.db"]
        else:
            lines.append("persistence false")
        lines += self.extra_config
        lines += [f"listener {self.port} {self.host}", "protocol mqtt"] + self.listener_config
        if self.tls:
            lines += [f"listener {self.tls_port} {self.host}", "protocol mqtt"]
            lines += self.tls.config_lines()
        if self.unix_path:
            if os.path.exists(self.unix_path):
                os.unlink(self.unix_path)
            lines += [f"listener 0 {self.unix_path}", "protocol mqtt"]
        if self.websockets:
            # socket_domain ipv4: without it libwebsockets listens on every interface.
            lines += [f"listener {self.ws_port} {self.host}", "protocol websockets",
                      "socket_domain ipv4"]
        if self.wss:
            lines += [f"listener {self.wss_port} {self.host}", "protocol websockets",
                      "socket_domain ipv4"]
            lines += self.wss.config_lines()
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def _write_password_file(self):
        path = os.path.join(self.workdir, "passwords")
        open(path, "w").close()
        passwd = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"
        for user, password in self.users.items():
            result = subprocess.run([passwd, "-b", path, user, password], capture_output=True,
                                    timeout=30)
            if result.returncode != 0:
                raise BrokerError(f"mosquitto_passwd failed: {result.stderr.decode(errors='replace')}")
        os.chmod(path, 0o600)
        return path

    def _command(self):
        return [self.exe, "-c", self.config_path]

    def _ready(self):
        ports = [p for p in (self.port, self.tls_port, self.ws_port, self.wss_port) if p]
        if not all(port_accepts(p, self.host) for p in ports):
            return False
        return self.unix_path is None or unix_socket_accepts(self.unix_path)

    def _bind_failed(self, log):
        return "Address already in use" in log

    def start(self):
        try:
            return super().start()
        except BrokerError as e:
            if "Websockets support not available" in self.log_text():
                raise BrokerError("this mosquitto was built without WebSocket support\n" + str(e)) from None
            raise


_ws_support = None


def mosquitto_supports_websockets():
    """True when this machine's mosquitto can open a WebSocket listener (Debian 12's can)."""
    global _ws_support
    if _ws_support is None:
        try:
            with Mosquitto(websockets=True, log_type="error"):
                _ws_support = True
        except BrokerError:
            _ws_support = False
    return _ws_support


def mosquitto_version():
    """mosquitto's version string, e.g. "2.0.11"."""
    exe = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    out = subprocess.run([exe, "-h"], capture_output=True, timeout=10).stdout.decode(errors="replace")
    first = out.splitlines()[0] if out else ""
    return first.rsplit(" ", 1)[-1]
