"""mqtk-rr against mosquitto: a request answered by a real `mqtk-rr --serve`, --repeat with
--in-flight and --latency, -W, responses with the wrong correlation data ignored, MQTT 3.1.1 (refused
without --response-topic, the first message answers with it), and --serve's command that hangs
(killed at --exec-timeout) or fails (reported on the response), requests without a Response Topic."""

import json
import os
import signal
import struct
import tempfile
import time
import unittest

import mqtk_testlib as t
from mqtk_testlib import scripted_broker as sb
from sub_helpers import unique_id

# The served command: the payload picks what it does.
SERVICE = r'''p=$(cat)
case "$p" in
  hang) sleep 37.25 ;;
  background) sleep 37.25 & echo started ;;
  together)
    touch "$MQTK_RR_TEST_DIR/$MQTT_CORRELATION_DATA"; i=0
    while [ "$(ls "$MQTK_RR_TEST_DIR" | wc -l)" -lt 2 ] && [ $i -lt 8 ]; do sleep 0.1; i=$((i + 1)); done
    ls "$MQTK_RR_TEST_DIR" | wc -l ;;
  fail) echo partial; exit 3 ;;
  slow) sleep 0.4; echo right ;;
  *) printf '%s|%s|%s|%s' "$p" "$MQTT_TOPIC" "$MQTT_CORRELATION_DATA" "$MQTT_USER_PROPERTIES" ;;
esac'''


def rr(broker, *args, timeout=20, input=None):
    return t.run_tool(["mqtk-rr", *broker.client_args(), *args], timeout=timeout, input=input)


def start_rr(broker, *args, client_id=None, env=None):
    """Starts mqtk-rr in the background and returns once the broker has its SUBSCRIBE."""
    client_id = client_id or unique_id("rr")
    mark = broker.log_mark()
    proc = t.start_tool(["mqtk-rr", *broker.client_args(), "-i", client_id, *args], env=env)
    try:
        broker.wait_subscribed(client_id, start=mark)
    except AssertionError:
        raise AssertionError(f"mqtk-rr did not subscribe: {proc.kill()}") from None
    return proc


def publish(broker, topic, payload, *args):
    r = t.run_tool(["mqtk-pub", *broker.client_args(), "-t", topic, "-m", payload, *args])
    if r.status != 0:
        raise AssertionError(f"mqtk-pub failed: {r}")


def sleep_processes():
    """Pids of the served command's `sleep 37.25` still running."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if f.read() == b"sleep\x0037.25\x00":
                    found.append(pid)
        except OSError:
            pass
    return found


class RequestResponse(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.broker = t.Mosquitto()
        cls.broker.start()
        cls.server = start_rr(cls.broker, "--serve", "-t", "svc/#", "-q", "1", "--jobs", "4",
                              "--exec-timeout", "1", "--", "sh", "-c", SERVICE)

    @classmethod
    def tearDownClass(cls):
        cls.server.kill()
        cls.broker.close()

    def test_request_answered_by_serve(self):
        r = rr(self.broker, "-t", "svc/echo", "-m", "hello", "--user-property", "k=v", "-W", "10")
        self.assertEqual(r.status, 0, r)
        payload, topic, correlation, props = r.stdout.decode().rstrip("\n").split("|")
        self.assertEqual((payload, topic, props), ("hello", "svc/echo", '[["k","v"]]'), r)
        self.assertRegex(correlation, r"^[0-9a-f]{16}-0$")
        r = rr(self.broker, "-t", "svc/echo", "-m", "x", "-e", "replies/here", "-v", "-W", "10")
        self.assertEqual(r.status, 0, r)
        self.assertTrue(r.stdout.startswith(b"replies/here x|svc/echo|"), r)

    def test_mosquitto_rr_is_answered_by_serve(self):
        r = t.run_tool(["mosquitto_rr", *self.broker.client_args(), "-t", "svc/anchor", "-e", "replies/mosq",
                        "-m", "hi", "-W", "10"], timeout=20)
        self.assertEqual(r.status, 0, r)
        self.assertTrue(r.stdout.startswith(b"hi|svc/anchor|"), r)

    def test_repeat_in_flight_with_latency_json(self):
        r = rr(self.broker, "-t", "svc/many", "-m", "n", "--repeat", "12", "--in-flight", "4", "--latency",
               "--json", "-q", "1", "-W", "10")
        self.assertEqual(r.status, 0, r)
        lines = [json.loads(line) for line in r.stdout.decode().splitlines()]
        messages = [line for line in lines if "topic" in line]
        latencies = [line["latency"] for line in lines if "latency" in line]
        summary = [line["latency_summary"] for line in lines if "latency_summary" in line]
        self.assertEqual(len(messages), 12, lines)
        for m in messages:  # each response answers its own request: the service echoes its correlation data
            self.assertEqual(m["payload"].split("|")[2], m["properties"]["correlation_data"], m)
        self.assertEqual(len({m["properties"]["correlation_data"] for m in messages}), 12)
        self.assertEqual(sorted(x["request"] for x in latencies), list(range(1, 13)))
        self.assertEqual(len(summary), 1, lines)
        s = summary[0]
        self.assertEqual(s["responses"], 12)
        self.assertTrue(0 < s["min_ms"] <= s["p50_ms"] <= s["p99_ms"] <= s["max_ms"], s)
        self.assertEqual(s["max_ms"], max(x["round_trip_ms"] for x in latencies))

    def test_latency_text_goes_to_stderr(self):
        r = rr(self.broker, "-t", "svc/lat", "-m", "n", "--repeat", "3", "--interval", "0.05", "--latency",
               "-W", "10")
        self.assertEqual(r.status, 0, r)
        self.assertEqual(len(r.stdout.splitlines()), 3, r)
        err = r.stderr.decode()
        self.assertRegex(err, r"mqtk-rr: request 3: \d+\.\d{3} ms\n")
        self.assertRegex(err, r"latency of 3 response\(s\): min [\d.]+ ms, p50 [\d.]+ ms, p99 [\d.]+ ms, max")

    def test_no_response_exits_9_at_the_timeout(self):
        start = time.monotonic()
        r = rr(self.broker, "-t", "nobody/listens", "-m", "x", "-W", "0.5")
        self.assertEqual((r.status, r.stdout), (9, b""), r)
        self.assertLess(time.monotonic() - start, 5)
        self.assertIn(b"timed out after 0.5 s without a response", r.stderr)

    def test_sigint_ends_with_130_and_counts_the_unanswered(self):
        with start_rr(self.broker, "-t", "nobody/answers", "-m", "x", "--repeat", "3", "--in-flight", "2") as req:
            time.sleep(0.2)
            r = req.stop(signal.SIGINT)
        self.assertEqual(r.status, 130, r)
        self.assertIn(b"interrupted with 2 request(s) unanswered", r.stderr)

    def test_latency_summary_also_after_a_timeout(self):
        r = rr(self.broker, "-t", "nobody/times", "-m", "x", "--latency", "--json", "-W", "0.3")
        self.assertEqual((r.status, r.stdout), (9, b'{"latency_summary":{"responses":0}}\n'), r)

    def test_without_response_information_a_private_topic_is_used(self):
        # mosquitto sends no Response Information: the run goes on with its private response topic.
        r = rr(self.broker, "-t", "svc/ri", "-m", "x", "--request-response-information", "-d", "-W", "10")
        self.assertEqual(r.status, 0, r)
        self.assertIn(b"the broker sent no Response Information; using a private response topic", r.stderr)
        self.assertRegex(r.stderr, rb"response topic 'mqtk-rr/response/[0-9a-f]{16}'")

    def test_wrong_correlation_data_is_ignored(self):
        with start_rr(self.broker, "-t", "svc/slow", "-m", "slow", "-e", "replies/mixed", "-d", "-W", "10") as req:
            publish(self.broker, "replies/mixed", "forged", "--correlation-data", "not-ours")
            publish(self.broker, "replies/mixed", "bare")
            publish(self.broker, "replies/mixed", "hostile", "--correlation-data", "\x1b]0;pwned\x07")
            r = req.wait(10)
        self.assertEqual((r.status, r.stdout), (0, b"right\n\n"), r)
        self.assertIn(b"ignored a message on 'replies/mixed' with unknown correlation data 'not-ours'", r.stderr)
        self.assertIn(b"ignored a message on 'replies/mixed' without correlation data", r.stderr)
        self.assertIn(b"with unknown correlation data '\\x1B]0;pwned\\x07'", r.stderr)  # escaped
        self.assertNotIn(b"\x1b", r.stderr)
        self.assertIn(b"ignored 3 message(s) that answered no request of this run", r.stderr)

    def test_only_wrong_responses_time_out(self):
        with start_rr(self.broker, "-t", "nobody/serves", "-m", "x", "-e", "replies/wrong", "-W", "1.5") as req:
            publish(self.broker, "replies/wrong", "forged", "--correlation-data", "nope")
            r = req.wait(10)
        self.assertEqual((r.status, r.stdout), (9, b""), r)

    def test_mqtt_311_refused_without_response_topic(self):
        r = rr(self.broker, "-V", "311", "-t", "svc/echo", "-m", "x")
        self.assertEqual((r.status, r.stdout), (2, b""), r)
        self.assertEqual(len(r.stderr.splitlines()), 1, r)
        self.assertIn(b"MQTT 3.1.1 has no Response Topic or Correlation Data: give --response-topic", r.stderr)
        r = rr(self.broker, "--serve", "-V", "311", "-t", "svc/#", "--", "true")
        self.assertEqual(r.status, 2, r)

    def test_mqtt_311_first_message_on_the_response_topic_answers(self):
        publish(self.broker, "replies/v311", "stale", "-r")
        try:
            with start_rr(self.broker, "-V", "311", "-t", "legacy/req", "-m", "x", "-e", "replies/v311",
                          "-W", "10") as req:
                publish(self.broker, "replies/v311", "answer")
                r = req.wait(10)
        finally:
            t.run_tool(["mqtk-pub", *self.broker.client_args(), "-t", "replies/v311", "-n", "-r"])
        self.assertEqual((r.status, r.stdout), (0, b"answer\n"), r)

    def test_serve_kills_a_hanging_command_at_the_timeout(self):
        start = time.monotonic()
        r = rr(self.broker, "-t", "svc/hang", "-m", "hang", "--json", "-W", "10")
        elapsed = time.monotonic() - start
        self.assertEqual(r.status, 0, r)
        m = json.loads(r.stdout)
        props = dict(m["properties"]["user_properties"])
        self.assertEqual(props["mqtk-error"], "timed out (process group killed)")
        self.assertEqual(m["payload"], "")
        self.assertLess(elapsed, 6)
        self.assertTrue(t.wait_until(lambda: not sleep_processes(), 5), "the command's sleep still runs")
        self.server.wait_for_output("request on 'svc/hang': the command timed out", stream="stderr")

    def test_serve_ends_a_command_whose_background_child_keeps_stdout_open(self):
        r = rr(self.broker, "-t", "svc/bg", "-m", "background", "--json", "-W", "10")
        self.assertEqual(r.status, 0, r)
        m = json.loads(r.stdout)
        self.assertEqual(m["payload"], "started\n")
        self.assertEqual(dict(m["properties"]["user_properties"])["mqtk-error"], "timed out (process group killed)")
        self.assertTrue(t.wait_until(lambda: not sleep_processes(), 5), "the background sleep still runs")

    def test_serve_reports_a_non_zero_exit(self):
        r = rr(self.broker, "-t", "svc/fail", "-m", "fail", "--json", "-W", "10")
        self.assertEqual(r.status, 0, r)
        m = json.loads(r.stdout)
        self.assertEqual(m["payload"], "partial\n")
        self.assertEqual(m["properties"]["user_properties"], [["mqtk-exit-status", "3"]])
        self.server.wait_for_output("request on 'svc/fail': the command exit status 3", stream="stderr")

    def test_payload_sources_and_format(self):
        with tempfile.NamedTemporaryFile() as f:
            f.write(b"from a file")
            f.flush()
            r = rr(self.broker, "-t", "svc/f", "-f", f.name, "-F", "%t=%p", "-N", "-e", "replies/f", "-W", "10")
        self.assertEqual(r.status, 0, r)
        self.assertTrue(r.stdout.startswith(b"replies/f=from a file|svc/f|"), r)
        self.assertFalse(r.stdout.endswith(b"\n"), r)
        r = rr(self.broker, "-t", "svc/s", "-s", "-W", "10", input=b"from stdin")
        self.assertEqual(r.status, 0, r)
        self.assertTrue(r.stdout.startswith(b"from stdin|svc/s|"), r)
        r = rr(self.broker, "-t", "svc/n", "-n", "-W", "10")
        self.assertEqual(r.status, 0, r)
        self.assertTrue(r.stdout.startswith(b"|svc/n|"), r)

    def test_usage_errors(self):
        for args, text in [(["--serve", "-t", "a/#"], b"give the command to run per request"),
                           (["-t", "a"], b"give a request payload"),
                           (["-t", "a/+", "-m", "x"], b"request topic 'a/+'"),
                           (["-t", "a", "-m", "x", "--jobs", "2"], b"--jobs needs --serve"),
                           (["-t", "a", "-m", "x", "--in-flight", "0"], b"--in-flight must be from 1"),
                           (["--serve", "-t", "a", "-m", "x", "--", "true"], b"--message applies to requests")]:
            with self.subTest(args=args):
                r = rr(self.broker, *args)
                self.assertEqual(r.status, 2, r)
                self.assertIn(text, r.stderr)


class ServeEdges(unittest.TestCase):
    def test_jobs_bounds_how_many_commands_run_at_once(self):
        # "together" waits (0.8 s at most) until two requests' commands have started, then prints
        # how many did: two at once with --jobs 2; with --jobs 1 the first runs alone.
        with t.Mosquitto() as broker:
            for jobs, expected in (("2", ["2", "2"]), ("1", ["1", "2"])):
                with self.subTest(jobs=jobs), tempfile.TemporaryDirectory() as d:
                    with start_rr(broker, "--serve", "-t", "svc/#", "--jobs", jobs, "--", "sh", "-c", SERVICE,
                                  env={"MQTK_RR_TEST_DIR": d}):
                        r = rr(broker, "-t", "svc/t", "-m", "together", "--repeat", "2", "--in-flight", "2",
                               "-W", "10")
                    self.assertEqual(r.status, 0, r)
                    self.assertEqual(sorted(r.stdout.split()), [e.encode() for e in expected], r)

    def test_requests_without_response_topic_are_skipped_and_counted(self):
        with t.Mosquitto() as broker:
            server = start_rr(broker, "--serve", "-t", "svc/#", "-d", "--", "cat")
            with server:
                publish(broker, "svc/x", "no reply wanted")
                server.wait_for_output("skipped a request on 'svc/x': no Response Topic", stream="stderr")
                r = rr(broker, "-t", "svc/y", "-m", "echoed", "-W", "10")
                self.assertEqual((r.status, r.stdout), (0, b"echoed\n"), r)
                result = server.stop(signal.SIGTERM)
            self.assertEqual(result.status, 130, result)
            self.assertIn(b"answered 1 request(s); skipped 1 without a usable Response Topic", result.stderr)


def publish_properties(p):
    """Response Topic, Correlation Data and User Properties of a received MQTT 5 PUBLISH."""
    body = p.body
    (n,) = struct.unpack(">H", body[:2])
    i = 2 + n + (2 if p.qos else 0)
    length, shift = 0, 0
    while True:
        byte = body[i]
        i += 1
        length |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    end, found = i + length, {"user": []}

    def string():
        nonlocal i
        (size,) = struct.unpack(">H", body[i:i + 2])
        i += 2 + size
        return body[i - size:i]

    while i < end:
        pid = body[i]
        i += 1
        if pid == 0x08:
            found["response_topic"] = string().decode()
        elif pid == 0x09:
            found["correlation_data"] = string()
        elif pid == 0x26:
            found["user"].append((string().decode(), string().decode()))
        else:
            raise AssertionError(f"unexpected property {pid:#x} in the request")
    return found


def subscribe_filter(p):
    """The first filter of a MQTT 5 SUBSCRIBE (packet id, empty property block, filter)."""
    (n,) = struct.unpack(">H", p.body[3:5])
    return p.body[5:5 + n].decode()


class AgainstScriptedBrokers(unittest.TestCase):
    def run_rr(self, script, *args):
        with sb.ScriptedBroker(script) as broker:
            r = t.run_tool(["mqtk-rr", *broker.client_args(), "--no-reconnect", *args], timeout=15)
        broker.check()
        return r

    def test_response_topic_from_response_information(self):
        def script(conn):
            connect = conn.expect(sb.CONNECT)
            assert b"\x19\x01" in connect.body, "no Request Response Information in CONNECT"
            conn.send(sb.connack(properties=b"\x1a" + sb.utf8("ri/client7")))
            subscribe = conn.expect(sb.SUBSCRIBE)
            topic = subscribe_filter(subscribe)
            assert topic.startswith("ri/client7/mqtk-rr/"), topic
            conn.send(sb.suback(subscribe.packet_id, [0]))
            request = publish_properties(conn.expect(sb.PUBLISH))
            assert request["response_topic"] == topic, request
            conn.send(sb.publish(topic, b"pong", properties=b"\x09" + sb.utf8(request["correlation_data"])))
            conn.wait_closed(5)

        r = self.run_rr(script, "-t", "svc/ping", "-n", "--request-response-information", "-W", "5")
        self.assertEqual((r.status, r.stdout), (0, b"pong\n"), r)

    def test_w_counts_per_request(self):
        # Answers the first request at once and the second never: exit 9 names request 2.
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            subscribe = conn.expect(sb.SUBSCRIBE)
            conn.send(sb.suback(subscribe.packet_id, [0]))
            first = publish_properties(conn.expect(sb.PUBLISH))
            conn.send(sb.publish(first["response_topic"], b"one",
                                 properties=b"\x09" + sb.utf8(first["correlation_data"])))
            conn.expect(sb.PUBLISH)
            conn.wait_closed(10)

        start = time.monotonic()
        r = self.run_rr(script, "-t", "svc/x", "-m", "x", "--repeat", "2", "-W", "0.5")
        self.assertEqual((r.status, r.stdout), (9, b"one\n"), r)
        self.assertLess(time.monotonic() - start, 5)
        self.assertIn(b"timed out after 0.5 s without a response to request 2 of 2 (1 answered)", r.stderr)

    def test_suback_never_comes_exits_9_at_the_timeout(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            conn.expect(sb.SUBSCRIBE)
            conn.wait_closed(10)

        start = time.monotonic()
        r = self.run_rr(script, "-t", "svc/x", "-m", "x", "-W", "0.5")
        self.assertEqual(r.status, 9, r)
        self.assertLess(time.monotonic() - start, 5)
        self.assertIn(b"before the subscription to the response topic was acknowledged", r.stderr)

    def test_refused_subscription_and_refused_request_exit_6(self):
        def refuse_subscription(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            conn.send(sb.suback(conn.expect(sb.SUBSCRIBE).packet_id, [0x87]))
            conn.wait_closed(5)

        r = self.run_rr(refuse_subscription, "-t", "svc/x", "-m", "x", "-e", "replies/x", "-W", "5")
        self.assertEqual(r.status, 6, r)
        self.assertIn(b"the broker refused the subscription to 'replies/x': Not authorized", r.stderr)

        def refuse_request(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack())
            conn.send(sb.suback(conn.expect(sb.SUBSCRIBE).packet_id, [1]))
            conn.send(sb.puback(conn.expect(sb.PUBLISH).packet_id, 0x87))
            conn.wait_closed(5)

        r = self.run_rr(refuse_request, "-t", "svc/x", "-m", "x", "-q", "1", "-W", "5")
        self.assertEqual(r.status, 6, r)
        self.assertIn(b"the broker refused request 1 on 'svc/x': Not authorized", r.stderr)

    def test_fallback_to_311_without_response_topic_is_refused(self):
        def script(conn):
            connect = conn.expect(sb.CONNECT)
            if connect.protocol_level == 5:
                conn.send(sb.connack(0x84))
                conn.wait_closed(5)
                return
            conn.send(sb.connack(0, v5=False))
            conn.wait_closed(5)

        r = self.run_rr(script, "-t", "svc/x", "-m", "x", "-W", "5")
        self.assertEqual(r.status, 2, r)
        self.assertIn(b"the broker speaks MQTT 3.1.1, which has no Response Topic", r.stderr)


if __name__ == "__main__":
    unittest.main()
