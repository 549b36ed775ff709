"""Support for mqtk's integration tests (Python 3 standard library only).

    from mqtk_testlib import Mosquitto, Aedes, tls_material, run_tool, find_tool

    with Mosquitto() as broker:
        status, out, err = run_tool(["mqtk-pub", *broker.client_args(), "-t", "a", "-m", "hi"])

Brokers, TLS material and tools that are missing make the test fail (AssertionError
subclasses), never skip. See each module for the details.
"""

from .aedes import AEDES_DIR, Aedes
from .broker import BrokerError, use_broker
from .mosquitto import Mosquitto, TlsListener, mosquitto_supports_websockets, mosquitto_version
from .proxies import Danted, ScriptedHttpProxy, ScriptedSocks5, SilentProxy, Tinyproxy
from .ports import LOOPBACK, free_port, port_accepts, unix_socket_accepts, wait_until
from .tls_server import TlsConnackServer
from .tls import P12_PASSWORD, PskListener, TlsMaterial, spki_sha256, tls_material
from .tools import (REPO_ROOT, Background, ToolNotFound, ToolResult, ToolTimeout, build_dir,
                    find_tool, mosquitto_pub, mosquitto_sub, run_tool, start_mosquitto_sub,
                    start_tool, tool_env, tool_exists)

__all__ = [
    "AEDES_DIR", "Aedes", "Background", "BrokerError", "Danted", "LOOPBACK", "Mosquitto", "P12_PASSWORD",
    "PskListener", "REPO_ROOT", "ScriptedHttpProxy", "ScriptedSocks5", "SilentProxy", "spki_sha256", "Tinyproxy",
    "TlsConnackServer", "TlsListener", "TlsMaterial", "ToolNotFound", "ToolResult", "ToolTimeout", "build_dir",
    "find_tool", "free_port", "mosquitto_pub", "mosquitto_sub", "mosquitto_supports_websockets",
    "mosquitto_version", "port_accepts", "run_tool", "start_mosquitto_sub", "start_tool",
    "tls_material", "tool_env", "tool_exists", "unix_socket_accepts", "use_broker", "wait_until",
]
