"""What the mqtk-sub integration tests share: starting mqtk-sub and waiting until the broker has
its SUBSCRIBE, and publishing with mosquitto_pub."""

import itertools
import os
import unittest

import mqtk_testlib as t

_ids = itertools.count(1)


def unique_id(prefix="sub"):
    """A client id no other test uses."""
    return f"{prefix}-{os.getpid()}-{next(_ids)}"


def start_sub(broker, *args, client_id=None, wait=True, env=None):
    """Starts mqtk-sub against broker with args; with wait, returns once the broker logged its
    SUBSCRIBE. Returns the Background (use as a context manager or .wait())."""
    client_id = client_id or unique_id()
    mark = broker.log_mark()
    sub = t.start_tool(["mqtk-sub", *broker.client_args(), "-i", client_id, *args], env=env)
    if wait:
        try:
            broker.wait_subscribed(client_id, start=mark)
        except AssertionError:
            result = sub.kill()
            raise AssertionError(f"mqtk-sub did not subscribe: {result}") from None
    return sub


def run_sub(broker, *args, timeout=20, input=None):
    """Runs mqtk-sub to completion against broker; returns ToolResult."""
    return t.run_tool(["mqtk-sub", *broker.client_args(), *args], timeout=timeout, input=input)


def pub(broker, topic, payload=None, *args, stdin=None):
    """mosquitto_pub one message (payload text, or bytes through stdin with -s); asserts success."""
    argv = [*broker.client_args(), "-t", topic, *args]
    if stdin is not None:
        argv.append("-s")
    elif payload is not None:
        argv += ["-m", payload]
    else:
        argv.append("-n")
    result = t.mosquitto_pub(argv, input=stdin)
    if result.status != 0:
        raise AssertionError(f"mosquitto_pub failed: {result}")


class BrokerCase(unittest.TestCase):
    """A test class with one mosquitto for all its tests (self.broker)."""

    @classmethod
    def setUpClass(cls):
        cls.broker = t.Mosquitto()
        cls.broker.start()

    @classmethod
    def tearDownClass(cls):
        cls.broker.close()
