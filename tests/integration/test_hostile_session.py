"""A broker that answers the wrong acknowledgement, speaks HTTP, or sets CONNACK limits: the tools end
with one clear line and the documented exit status instead of waiting forever (issue 10, items 2,
3, 13, 17 and 19). Scripted brokers (tests/support/mqtk_testlib/scripted_broker.py) and a real
mosquitto with a WebSocket listener."""

import struct
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib import scripted_broker as sb

TIMEOUT = 10  # every tool run; a hang fails the test with ToolTimeout


def run(*args):
    return t.run_tool(list(args), timeout=TIMEOUT)


def u16(n):
    return struct.pack(">H", n)


def u32(n):
    return struct.pack(">I", n)


class Seen:
    """What a script saw, for the test to assert on after the run."""

    def __init__(self):
        self.after_ack = None  # the packet the client sent after the hostile acknowledgement


def answer_publish_with(make_ack, seen, v5=True, connack=None):
    """A script: CONNACK, then the first PUBLISH is answered with make_ack(packet_id); records what
    the client sends next (a DISCONNECT, or a PUBREL for a PUBREC)."""

    def script(conn):
        conn.expect(sb.CONNECT)
        conn.send(connack if connack is not None else sb.connack(v5=v5))
        publish = conn.expect(sb.PUBLISH)
        conn.send(make_ack(publish.packet_id))
        try:
            seen.after_ack = conn.recv_packet(timeout=5)
        except sb.ScriptError:
            seen.after_ack = None  # the client closed without a packet (3.1.1)
        conn.wait_closed(5)

    return script


class WrongAcknowledgement(unittest.TestCase):
    """Items 2 and 3: an acknowledgement of the other QoS is a protocol error (exit 8, DISCONNECT
    0x82 in 5.0), not something to ignore or answer."""

    def check_protocol_error(self, broker, seen, r, words, v5=True):
        broker.check()
        self.assertEqual(r.status, 8, r)
        lines = r.stderr.decode().splitlines()
        self.assertEqual(len(lines), 2, r.stderr)  # what the broker did, then the unacknowledged count
        self.assertIn("1 message(s) were not acknowledged", lines[1])
        for w in words:
            self.assertIn(w, lines[0])
        if v5:
            self.assertIsNotNone(seen.after_ack)
            self.assertEqual((seen.after_ack.type, seen.after_ack.body[:1]), (sb.DISCONNECT, b"\x82"))
        else:
            self.assertIsNone(seen.after_ack)

    def test_puback_for_a_qos2_message(self):
        seen = Seen()
        with sb.ScriptedBroker(answer_publish_with(lambda i: sb.puback(i, 0), seen)) as broker:
            r = run("mqtk-pub", *broker.client_args(), "-t", "a", "-m", "x", "-q", "2")
        self.check_protocol_error(broker, seen, r, ["PUBACK", "QoS 2", "protocol error"])

    def test_puback_for_a_qos2_message_311(self):
        seen = Seen()
        with sb.ScriptedBroker(answer_publish_with(sb.puback, seen, v5=False)) as broker:
            r = run("mqtk-pub", *broker.client_args(), "-V", "311", "-t", "a", "-m", "x", "-q", "2")
        self.check_protocol_error(broker, seen, r, ["PUBACK", "QoS 2"], v5=False)

    def test_pubrec_for_a_qos1_message_gets_no_pubrel(self):
        seen = Seen()
        with sb.ScriptedBroker(answer_publish_with(lambda i: sb.pubrec(i, 0), seen)) as broker:
            r = run("mqtk-pub", *broker.client_args(), "-t", "a", "-m", "x", "-q", "1")
        self.check_protocol_error(broker, seen, r, ["PUBREC", "QoS 1"])  # DISCONNECT, not PUBREL

    def test_pubcomp_before_pubrec(self):
        seen = Seen()
        with sb.ScriptedBroker(answer_publish_with(lambda i: sb.pubcomp(i, 0), seen)) as broker:
            r = run("mqtk-pub", *broker.client_args(), "-t", "a", "-m", "x", "-q", "2")
        self.check_protocol_error(broker, seen, r, ["PUBCOMP", "before PUBREC"])

    def test_the_right_acknowledgements_still_work(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            publish = conn.expect(sb.PUBLISH)
            conn.send(sb.pubrec(publish.packet_id, 0))
            pubrel = conn.expect(sb.PUBREL)
            conn.send(sb.pubcomp(pubrel.packet_id, 0))
            conn.expect(sb.DISCONNECT)

        with sb.ScriptedBroker(script) as broker:
            r = run("mqtk-pub", *broker.client_args(), "-t", "a", "-m", "x", "-q", "2")
        broker.check()
        self.assertEqual(r.status, 0, r)


HTTP_403 = b"HTTP/1.0 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nForbidden"


class HttpListener(unittest.TestCase):
    """Item 17: mqtt:// to a port that answers in HTTP says so and suggests ws:// (exit 3: the
    connection to an MQTT broker was never made, like a failed WebSocket handshake)."""

    def test_scripted_http_403(self):
        def script(conn):
            conn.recv_packet()  # the CONNECT (an HTTP server reads some bytes and answers)
            conn.send(HTTP_403)
            conn.wait_closed(5)

        with sb.ScriptedBroker(script) as broker:
            r = run("mqtk-pub", *broker.client_args(), "-t", "a", "-m", "x", "-q", "1")
        broker.check()
        self.assertEqual(r.status, 3, r)
        lines = r.stderr.decode().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn('"HTTP/1.0 403 Forbidden"', lines[0])
        self.assertIn("this port speaks HTTP/WebSocket: use ws://", lines[0])
        self.assertNotIn("PUBACK", lines[0])
        self.assertEqual(broker.connections, 1)  # no 3.1.1 retry against a web server

    def test_http_answer_in_small_pieces(self):
        def script(conn):
            conn.recv_packet()
            try:
                for i in range(0, 12):
                    conn.send(HTTP_403[i:i + 1])
                    time.sleep(0.01)
                conn.send(HTTP_403[12:])
            except OSError:
                pass  # the client may close as soon as it has read "HTTP/"
            conn.wait_closed(5)

        with sb.ScriptedBroker(script) as broker:
            r = run("mqtk-sub", *broker.client_args(), "-t", "a", "-V", "311")
        broker.check()
        self.assertEqual(r.status, 3, r)
        self.assertIn(b"use ws://", r.stderr)

    def test_mosquitto_websocket_listener(self):
        self.assertTrue(t.mosquitto_supports_websockets(), "this mosquitto has no WebSocket support")
        broker = t.use_broker(self, t.Mosquitto(websockets=True))
        r = run("mqtk-pub", "-L", f"mqtt://127.0.0.1:{broker.ws_port}", "-t", "a", "-m", "x", "-q", "1")
        self.assertEqual(r.status, 3, r)
        lines = r.stderr.decode().splitlines()
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("use ws://", lines[0])
        ok = run("mqtk-pub", "-L", f"ws://127.0.0.1:{broker.ws_port}", "-t", "a", "-m", "x", "-q", "1")
        self.assertEqual(ok.status, 0, ok)


def connack_props(*props):
    return sb.connack(properties=b"".join(props))


def serve(connack, seen_publish=None):
    """A script: the given CONNACK, then PUBACK/PUBREC+PUBCOMP every publish until DISCONNECT."""

    def script(conn):
        conn.expect(sb.CONNECT)
        conn.send(connack)
        while True:
            p = conn.recv_packet()
            if p.type == sb.DISCONNECT:
                return
            if p.type == sb.PUBLISH:
                if seen_publish is not None:
                    seen_publish.append(p)
                if p.qos == 1:
                    conn.send(sb.puback(p.packet_id, 0))
                elif p.qos == 2:
                    conn.send(sb.pubrec(p.packet_id, 0))
            elif p.type == sb.PUBREL:
                conn.send(sb.pubcomp(p.packet_id, 0))
            elif p.type == sb.SUBSCRIBE:
                conn.send(sb.suback(p.packet_id, [1]))
            elif p.type == sb.PINGREQ:
                conn.send(sb.packet(sb.PINGRESP))

    return script


class ConnackLimits(unittest.TestCase):
    """Item 19: an Assigned Client Identifier we did not need is accepted; a publish the CONNACK
    limits forbid names the limit and its value and ends with exit 6 in every tool."""

    def test_assigned_client_identifier_although_we_sent_one(self):
        connack = connack_props(b"\x12" + sb.utf8("broker-chosen"))
        with sb.ScriptedBroker(serve(connack)) as broker:
            r = run("mqtk-pub", *broker.client_args(), "-i", "mine", "-t", "a", "-m", "x", "-q", "1", "-d")
        broker.check()
        self.assertEqual(r.status, 0, r)
        self.assertIn(b"assigned_client_identifier='broker-chosen'", r.stderr)

    def pub_refused(self, connack, *args):
        """The stderr lines of a refused publish: with --no-pipeline (nothing sent) and without
        (the message went with CONNECT, before the CONNACK named the limit); exit 6 either way."""
        lines = []
        for pipelined in (False, True):
            seen = []
            with sb.ScriptedBroker(serve(connack, seen)) as broker:
                r = run("mqtk-pub", *broker.client_args(), "-t", "lim", *args,
                        *([] if pipelined else ["--no-pipeline"]))
            broker.check()
            self.assertEqual(len(seen), 1 if pipelined else 0)
            self.assertEqual(r.status, 6, r)
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
            lines.append(r.stderr.decode().strip())
        self.assertIn("message 1 on 'lim' not sent: ", lines[0])
        self.assertIn("message 1 on 'lim' refused: ", lines[1])
        self.assertIn("(the CONNACK said so after the message was sent with CONNECT)", lines[1])
        return lines

    def test_pub_maximum_qos(self):
        for line in self.pub_refused(connack_props(b"\x24\x00"), "-m", "x", "-q", "1"):
            self.assertIn("the broker's CONNACK limits: maximum QoS 0", line)

    def test_pub_retain_unavailable(self):
        for line in self.pub_refused(connack_props(b"\x25\x00"), "-m", "x", "-r"):
            self.assertIn("the broker's CONNACK limits: retain unavailable", line)

    def test_pub_maximum_packet_size(self):
        for line in self.pub_refused(connack_props(b"\x27" + u32(64)), "-m", "x" * 200, "-q", "1"):
            self.assertIn("the broker's CONNACK limits: maximum packet size 64", line)

    def test_bench_maximum_qos(self):
        with sb.ScriptedBroker(serve(connack_props(b"\x24\x00"))) as broker:
            r = run("mqtk-bench", "pub", *broker.client_args(), "-t", "lim", "-q", "1", "-C", "1",
                    "-n", "3", "--quiet", "--drain", "1")
        self.assertEqual(r.status, 6, r)
        self.assertIn(b"cannot publish to 'lim", r.stderr)
        self.assertIn(b"the broker's CONNACK limits: maximum QoS 0", r.stderr)

    def test_sub_clear_retained_without_retain(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(connack_props(b"\x25\x00"))
            s = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(s.packet_id, [0]))
            conn.send(sb.publish("old", b"stale", retain=True))
            conn.wait_closed(5)

        with sb.ScriptedBroker(script) as broker:
            r = run("mqtk-sub", *broker.client_args(), "-t", "old", "--remove-retained", "-C", "1")
        self.assertEqual(r.status, 6, r)
        self.assertIn(b"cannot clear the retained message on 'old': the broker's CONNACK limits: "
                      b"retain unavailable", r.stderr)


class MosquittoMaximumQos0(unittest.TestCase):
    """Item 19 with a real broker whose CONNACK says Maximum QoS 0 (listener option max_qos 0)."""

    def setUp(self):
        self.broker = t.use_broker(self, t.Mosquitto(listener_config=["max_qos 0"]))

    def retained(self):
        r = t.mosquitto_sub([*self.broker.client_args(), "-t", "#", "-v", "--retained-only", "-W", "1"])
        return sorted(r.stdout.splitlines())

    def test_retain_clear_names_the_limit(self):
        self.assertEqual(t.mosquitto_pub([*self.broker.client_args(), "-t", "r/a", "-m", "old", "-r"]).status, 0)
        r = t.run_tool(["mqtk-retain-clear", *self.broker.client_args(), "-t", "r/#", "--settle", "0.5"],
                       timeout=TIMEOUT)
        self.assertEqual(r.status, 6, r)
        self.assertIn(b"failed       r/a  Unspecified error (0x80): not sent: the broker's CONNACK limits: "
                      b"maximum QoS 0", r.stdout)

    def test_will_test_clears_the_retained_will_with_qos_0(self):
        r = t.run_tool(["mqtk-will-test", *self.broker.client_args(), "--will-topic", "w/t", "--will-retain"],
                       timeout=TIMEOUT)
        self.assertEqual(r.status, 0, r)
        self.assertEqual(self.retained(), [])  # the QoS 1 clear used to be refused locally and skipped


class Connack311Refusal(unittest.TestCase):
    """Item 13: a 3.1.1 refusal shows the return code on the wire, the 5.0 meaning beside it."""

    def test_debug_and_error_line_show_the_wire_value(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack(5, v5=False))
            conn.wait_closed(5)

        with sb.ScriptedBroker(script) as broker:
            r = run("mqtk-pub", *broker.client_args(), "-V", "311", "-t", "a", "-m", "x", "-d")
        broker.check()
        self.assertEqual(r.status, 5, r)
        err = r.stderr.decode()
        self.assertIn("<- CONNACK session_present=0 rc=5 (not authorized; read as 0x87 (Not authorized))", err)
        self.assertNotIn("rc=0x87", err)
        self.assertIn("the broker refused the connection: return code 5, not authorized "
                      "(read as Not authorized (0x87))", err.splitlines()[-1])


if __name__ == "__main__":
    unittest.main()
