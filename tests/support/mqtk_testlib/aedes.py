"""A throwaway aedes broker (node tests/support/aedes/broker.js): MQTT 3.1.1/3.1 over TCP and
WebSocket. It refuses MQTT 5.0 (CONNACK "unacceptable protocol version"), which makes it the
broker for tests of the 5.0 -> 3.1.1 fallback."""

import os
import re
import shutil

from .broker import BrokerError, BrokerProcess
from .ports import free_port, port_accepts

AEDES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "aedes")


class Aedes(BrokerProcess):
    """aedes on 127.0.0.1. Attributes once started: .port (TCP), .ws_port (WebSocket on paths "/"
    and "/mqtt", subprotocol "mqtt"; None with websockets=False).
    auth="user:pass" refuses every other username/password (CONNACK return code 4)."""

    name = "aedes"

    def __init__(self, *, websockets=True, auth=None, workdir=None, keep_workdir=False):
        super().__init__(workdir=workdir, keep_workdir=keep_workdir)
        self.node = shutil.which("node") or shutil.which("nodejs")
        if self.node is None:
            raise BrokerError("node is not installed (scripts/test installs nodejs)")
        if not os.path.isdir(os.path.join(AEDES_DIR, "node_modules", "aedes")):
            raise BrokerError(f"aedes is not installed in {AEDES_DIR}/node_modules: run scripts/test "
                              f"(or `npm ci` in {AEDES_DIR})")
        self.websockets = websockets
        self.auth = auth
        self.port = self.ws_port = None

    def client_args(self):
        """["-h", "127.0.0.1", "-p", "<port>"] for mosquitto_* and mqtk-* tools."""
        return ["-h", self.host, "-p", str(self.port)]

    def url(self, scheme="mqtt", path="/mqtt"):
        if scheme == "mqtt":
            return f"mqtt://{self.host}:{self.port}"
        if scheme == "ws" and self.ws_port:
            return f"ws://{self.host}:{self.ws_port}{path}"
        raise ValueError(f"this broker has no {scheme} listener")

    def wait_subscribed(self, client_id, timeout=10, start=0):
        """Waits until the log shows a SUBSCRIBE from client_id."""
        return self.wait_log(r"subscribe " + re.escape(client_id) + " ", timeout=timeout, start=start)

    def _choose_ports(self):
        self.port = free_port()
        self.ws_port = free_port() if self.websockets else None

    def _command(self):
        cmd = [self.node, os.path.join(AEDES_DIR, "broker.js"), "--port", str(self.port)]
        cmd += ["--ws-port", str(self.ws_port)] if self.websockets else ["--no-ws"]
        if self.auth is not None:
            cmd += ["--auth", self.auth]
        return cmd

    def _ready(self):
        # "ready" is printed once both servers listen; check the ports too, for restarts.
        mark = self.log_text().rsplit("--- start ", 1)[-1]
        if f"ready port={self.port} " not in mark:
            return False
        return port_accepts(self.port) and (self.ws_port is None or port_accepts(self.ws_port))

    def _bind_failed(self, log):
        return "EADDRINUSE" in log or "address already in use" in log.lower()
