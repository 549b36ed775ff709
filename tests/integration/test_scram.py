"""MQTT 5 enhanced authentication with SCRAM (issue 13, Authentication): --auth-method against a
scripted broker playing the SCRAM server (mqtk_testlib.scram_server: hashlib/hmac from the RFCs).
Success with SHA-1, SHA-256 and SHA-512 for mqtk-pub and mqtk-sub, the password never in CONNECT;
a wrong password, a wrong server signature, a server that skips or breaks the exchange, a silent
server (bounded by --connect-timeout), a fresh exchange on every reconnect, and the usage errors
(MQTT 3.1.1, unknown method)."""

import os
import tempfile
import unittest

import mqtk_testlib as t
from mqtk_testlib import scram_server as ss
from mqtk_testlib import scripted_broker as sb

USER, PASSWORD = "al,ice=1", "s3cret p\u00e4ss"
METHODS = ("SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512")


def scram_script(method, password=PASSWORD, seen=None, after=None, tamper=None):
    """A broker that runs SCRAM for USER with password, then hands the connection to after(conn).
    seen collects what the CONNECT carried; tamper(server_final) may change the CONNACK's data."""

    def script(conn):
        connect = conn.expect(sb.CONNECT)
        properties, username, has_password = ss.connect_fields(connect)
        if seen is not None:
            seen.update(method=properties.get(ss.AUTHENTICATION_METHOD), username=username,
                        has_password=has_password)
        server = ss.ScramServer(method, USER, password)
        conn.send(ss.auth(method, server.first(properties[ss.AUTHENTICATION_DATA])))
        reason, auth_props = ss.auth_fields(conn.expect(sb.AUTH))
        if seen is not None:
            seen.update(auth_reason=reason, auth_method=auth_props.get(ss.AUTHENTICATION_METHOD))
        ok, server_final = server.final(auth_props[ss.AUTHENTICATION_DATA])
        if not ok:
            conn.send(sb.connack(0x86, properties=ss.auth_properties(method, server_final)))
            conn.wait_closed(5)
            return
        if tamper:
            server_final = tamper(server_final)
        conn.send(sb.connack(0, properties=ss.auth_properties(method, server_final)))
        if after:
            after(conn)

    return script


def pub_after(seen):
    def after(conn):
        seen["topic"] = conn.expect(sb.PUBLISH).topic
        conn.expect(sb.DISCONNECT)

    return after


def sub_after(conn):
    subscribe = conn.expect(sb.SUBSCRIBE)
    conn.send(sb.suback(subscribe.packet_id, [0]))
    conn.send(sb.publish("s/a", b"hello"))
    conn.expect(sb.DISCONNECT)


def credentials(method, connect_timeout=3):
    return ["-u", USER, "--auth-method", method, "--connect-timeout", str(connect_timeout), "--no-reconnect"]


class ScramSuccess(unittest.TestCase):
    def test_pub_with_each_hash(self):
        for method in METHODS:
            with self.subTest(method=method):
                seen = {}
                with sb.ScriptedBroker(scram_script(method, seen=seen, after=pub_after(seen))) as broker:
                    r = t.run_tool(["mqtk-pub", *broker.client_args(), *credentials(method), "-t", "p/a", "-m", "x"],
                                   env={"MQTK_PASSWORD": PASSWORD})
                broker.check()
                self.assertEqual((r.status, r.stderr), (0, b""), r)
                self.assertEqual(seen["topic"], "p/a")
                self.assertEqual(seen["method"], method)
                self.assertEqual(seen["username"], USER)
                self.assertFalse(seen["has_password"], "the password went into CONNECT")
                self.assertEqual((seen["auth_reason"], seen["auth_method"]), (0x18, method))

    def test_sub_with_each_hash_and_a_password_file(self):
        home = tempfile.TemporaryDirectory()
        self.addCleanup(home.cleanup)
        path = os.path.join(home.name, "password")
        with open(path, "w", encoding="utf-8") as f:
            f.write(PASSWORD + "\n")
        os.chmod(path, 0o600)
        for method in METHODS:
            with self.subTest(method=method):
                with sb.ScriptedBroker(scram_script(method, after=sub_after)) as broker:
                    r = t.run_tool(["mqtk-sub", *broker.client_args(), *credentials(method),
                                    "--password-file", str(path), "-t", "s/#", "-C", "1", "-W", "5"])
                broker.check()
                self.assertEqual((r.status, r.stdout, r.stderr), (0, b"hello\n", b""), r)

    def test_method_and_credentials_from_a_profile(self):
        with tempfile.TemporaryDirectory() as home:
            os.makedirs(os.path.join(home, "mqtk"))
            path = os.path.join(home, "mqtk", "scram.conf")
            with open(path, "w", encoding="utf-8") as f:
                f.write(f'auth-method = SCRAM-SHA-1\nusername = "{USER}"\npassword = "{PASSWORD}"\n')
            os.chmod(path, 0o600)
            seen = {}
            with sb.ScriptedBroker(scram_script("SCRAM-SHA-1", seen=seen, after=pub_after(seen))) as broker:
                r = t.run_tool(["mqtk-pub", *broker.client_args(), "--profile", "scram", "--no-reconnect",
                                "-t", "p/b", "-m", "x"], env={"XDG_CONFIG_HOME": home})
            broker.check()
        self.assertEqual((r.status, r.stderr), (0, b""), r)
        self.assertEqual((seen["method"], seen["topic"], seen["has_password"]), ("SCRAM-SHA-1", "p/b", False))


class ScramReconnect(unittest.TestCase):
    def test_every_connection_authenticates_again_with_a_fresh_nonce(self):
        nonces = []

        def script(conn):
            def after(c):
                subscribe = c.expect(sb.SUBSCRIBE)
                c.send(sb.suback(subscribe.packet_id, [0]))
                if c.index == 0:
                    return  # the connection drops: mqtk-sub reconnects
                c.send(sb.publish("s/a", b"again"))
                c.expect(sb.DISCONNECT)

            seen = {}
            scram_script("SCRAM-SHA-256", seen=seen, after=after)(_Recording(conn, nonces))

        with sb.ScriptedBroker(script) as broker:
            r = t.run_tool(["mqtk-sub", *broker.client_args(), "-u", USER, "-P", PASSWORD, "--auth-method",
                            "SCRAM-SHA-256", "--connect-timeout", "3", "-t", "s/#", "-C", "1", "-W", "10"])
        broker.check()
        self.assertEqual((r.status, r.stdout), (0, b"again\n"), r)
        self.assertEqual(broker.connections, 2)
        self.assertEqual(len(set(nonces)), 2, nonces)


class _Recording:
    """A connection that notes the client nonce of the CONNECT it hands to the script."""

    def __init__(self, conn, nonces):
        self._conn, self._nonces = conn, nonces

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def expect(self, ptype, *args, **kwargs):
        p = self._conn.expect(ptype, *args, **kwargs)
        if ptype == sb.CONNECT:
            data = ss.connect_fields(p)[0][ss.AUTHENTICATION_DATA].decode()
            self._nonces.append(data.rpartition(",r=")[2])
        return p


class ScramFailures(unittest.TestCase):
    def run_pub(self, script, *args, method="SCRAM-SHA-256", password=PASSWORD, connect_timeout=3):
        with sb.ScriptedBroker(script) as broker:
            r = t.run_tool(["mqtk-pub", *broker.client_args(), *credentials(method, connect_timeout), "-P", password,
                            "-t", "p/a", "-m", "x", *args], timeout=15)
        return r, broker

    def assert_one_line(self, r, status, *parts):
        self.assertEqual(r.status, status, r)
        err = r.stderr.decode()
        self.assertEqual(err.count("\n"), 1, err)
        for part in parts:
            self.assertIn(part, err)

    def test_wrong_password_is_refused_with_the_brokers_reason(self):
        r, broker = self.run_pub(scram_script("SCRAM-SHA-256", password="other"))
        broker.check()
        self.assert_one_line(r, 5, "Bad User Name or Password", "e=invalid-proof")

    def test_wrong_server_signature_fails_before_anything_is_sent(self):
        seen = {}

        def tamper(server_final):
            return "v=" + "A" * (len(server_final) - 3) + "="

        r, broker = self.run_pub(scram_script("SCRAM-SHA-512", tamper=tamper,
                                              after=lambda conn: seen.update(closed=conn.wait_closed(5))),
                                 method="SCRAM-SHA-512")
        broker.check()
        self.assert_one_line(r, 5, "SCRAM-SHA-512 authentication failed", "server signature does not match")
        self.assertTrue(seen["closed"], "the client kept the connection to an unproven server")

    def test_connack_without_server_final(self):
        r, broker = self.run_pub(scram_script("SCRAM-SHA-256", tamper=lambda _: None))
        broker.check()
        self.assert_one_line(r, 5, "carries no server-final-message")

    def test_server_that_skips_the_exchange_is_not_trusted(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(sb.connack(0, properties=ss.auth_properties("SCRAM-SHA-256", None)))
            conn.wait_closed(5)

        r, broker = self.run_pub(script)
        broker.check()
        self.assert_one_line(r, 5, "never proved it knows the password")

    def test_silent_server_is_bounded_by_the_connect_timeout(self):
        for answer_first in (False, True):
            with self.subTest(answer_first=answer_first):
                def script(conn):
                    connect = conn.expect(sb.CONNECT)
                    if answer_first:
                        properties, _, _ = ss.connect_fields(connect)
                        server = ss.ScramServer("SCRAM-SHA-256", USER, PASSWORD)
                        conn.send(ss.auth("SCRAM-SHA-256", server.first(properties[ss.AUTHENTICATION_DATA])))
                        conn.expect(sb.AUTH)
                    conn.wait_closed(5)

                r, broker = self.run_pub(script, connect_timeout=1)
                broker.check()
                step = "client-final-message" if answer_first else "client-first-message"
                self.assert_one_line(r, 3, "no CONNACK within the connect timeout", "no answer to our " + step)

    def test_auth_with_another_method(self):
        def script(conn):
            conn.expect(sb.CONNECT)
            conn.send(ss.auth("SCRAM-SHA-1", "r=x,s=QSXCR+Q6sek8bf92,i=4096"))
            conn.wait_closed(5)

        r, broker = self.run_pub(script)
        broker.check()
        self.assert_one_line(r, 8, "names authentication method 'SCRAM-SHA-1', not SCRAM-SHA-256")

    def test_broker_breaking_the_exchange_is_a_protocol_error(self):
        cases = {"AUTH reason code is not allowed": ss.auth("SCRAM-SHA-256", "e=x", reason=0x87),
                 "AUTH with reason Success (0x00) during authentication": ss.auth("SCRAM-SHA-256", "x", reason=0),
                 "its CONNACK names authentication method 'SCRAM-SHA-1'":
                     sb.connack(0, properties=ss.auth_properties("SCRAM-SHA-1", "v=x"))}
        for part, answer in cases.items():
            with self.subTest(part=part):
                def script(conn):
                    conn.expect(sb.CONNECT)
                    conn.send(answer)
                    conn.wait_closed(5)

                r, broker = self.run_pub(script)
                broker.check()
                self.assert_one_line(r, 8, "protocol error by the broker", part)

    def test_malformed_and_refusing_server_first(self):
        cases = {"garbage": "server-first-message is malformed",
                 "e=unknown-user": "server refused the authentication: 'unknown-user'",
                 "r=not-our-nonce,s=QSXCR+Q6sek8bf92,i=4096": "nonce does not extend ours"}
        for data, part in cases.items():
            with self.subTest(data=data):
                def script(conn):
                    conn.expect(sb.CONNECT)
                    conn.send(ss.auth("SCRAM-SHA-256", data))
                    conn.wait_closed(5)

                r, broker = self.run_pub(script)
                broker.check()
                self.assert_one_line(r, 5, "SCRAM-SHA-256 authentication failed", part)


class ScramUsage(unittest.TestCase):
    def assert_usage(self, args, part):
        r = t.run_tool(["mqtk-pub", "-p", "1", "-t", "a", "-m", "x", *args])
        self.assertEqual(r.status, 2, r)
        err = r.stderr.decode()
        self.assertEqual(err.count("\n"), 1, err)
        self.assertIn(part, err)

    def test_refused_over_mqtt_311(self):
        self.assert_usage(["-V", "311", "-u", "u", "-P", "p", "--auth-method", "SCRAM-SHA-256"],
                          "--auth-method needs MQTT 5")

    def test_unknown_method_and_missing_credentials(self):
        self.assert_usage(["-u", "u", "-P", "p", "--auth-method", "PLAIN"], "is not one of SCRAM-SHA-1")
        self.assert_usage(["-P", "p", "--auth-method", "SCRAM-SHA-1"], "needs a user name")
        self.assert_usage(["-u", "u", "--auth-method", "SCRAM-SHA-1"], "needs a password")
        self.assert_usage(["-u", "u\x01", "-P", "p", "--auth-method", "SCRAM-SHA-1", "--allow-control-chars"],
                          "control character")

    def test_every_tool_refuses_it_over_311(self):
        for tool, extra in (("mqtk-sub", ["-t", "a"]), ("mqtk-retain-clear", ["-t", "a/#"]),
                            ("mqtk-will-test", []), ("mqtk-bench", ["pub"])):
            with self.subTest(tool=tool):
                r = t.run_tool([tool, "-p", "1", "-V", "311", "-u", "u", "-P", "p", "--auth-method",
                                "SCRAM-SHA-256", *extra])
                self.assertEqual(r.status, 2, r)
                self.assertIn(b"--auth-method needs MQTT 5", r.stderr)


if __name__ == "__main__":
    unittest.main()
