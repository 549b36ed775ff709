"""mqtk-sub subscriptions: shared subscriptions, MQTT 5 subscription options (no-local, retain
handling, retain as published), SUBACK failures (exit 6, --allow-partial), persistent sessions
across a broker restart, reconnecting and subscribing again, --no-reconnect."""

import json
import os
import signal
import time
import unittest

import mqtk_testlib as t
from sub_helpers import BrokerCase, pub, run_sub, start_sub, unique_id


class Options(BrokerCase):
    def test_shared_subscription_splits_the_messages(self):
        with start_sub(self.broker, "--share", "workers", "-t", "jobs/+") as a, \
                start_sub(self.broker, "--share", "workers", "-t", "jobs/+") as b:
            sent = [f"job{i}" for i in range(20)]
            for payload in sent:
                pub(self.broker, "jobs/x", payload)
            t.wait_until(lambda: len(a.stdout_so_far().splitlines()) + len(b.stdout_so_far().splitlines()) >= 20, 10)
            ra, rb = a.stop(signal.SIGINT), b.stop(signal.SIGINT)
        got_a, got_b = ra.stdout.decode().splitlines(), rb.stdout.decode().splitlines()
        self.assertEqual(sorted(got_a + got_b), sorted(sent))
        self.assertTrue(got_a and got_b, (got_a, got_b))
        self.assertEqual((ra.status, rb.status), (130, 130))

    def test_no_local_drops_our_own_publishes(self):
        # --remove-retained makes mqtk-sub publish on the topic it watches: an empty live message
        # comes back to it unless no-local is set.
        for no_local, expected_status, expected_out in ((False, 0, b"nl/a x\nnl/a \n"), (True, 9, b"nl/a x\n")):
            with self.subTest(no_local=no_local):
                pub(self.broker, "nl/a", "x", "-r")
                flags = ["--no-local"] if no_local else []
                r = run_sub(self.broker, "-t", "nl/#", "--remove-retained", "-v", "-C", "2", "-W", "1.5", *flags)
                self.assertEqual((r.status, r.stdout), (expected_status, expected_out), r)

    def test_retain_handling_2_gets_no_retained_messages(self):
        pub(self.broker, "rh/old", "stale", "-r")
        with start_sub(self.broker, "-t", "rh/#", "--retain-handling", "2", "-C", "1", "-v") as sub:
            pub(self.broker, "rh/new", "live")
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout), (0, b"rh/new live\n"), r)
        r = run_sub(self.broker, "-t", "rh/#", "--retain-handling", "0", "--retained-only", "-v")
        self.assertEqual((r.status, r.stdout), (0, b"rh/old stale\n"), r)

    def test_retain_handling_1_only_for_a_new_subscription(self):
        pub(self.broker, "rh1/old", "stale", "-r")
        client_id = unique_id("rh1")
        args = ("-c", "-x", "60", "-q", "1", "-t", "rh1/#", "--retain-handling", "1", "-v", "-C", "1")
        r = run_sub(self.broker, "-i", client_id, *args, "-W", "5")
        self.assertEqual((r.status, r.stdout), (0, b"rh1/old stale\n"), r)
        with start_sub(self.broker, *args, client_id=client_id) as sub:  # the session kept the subscription
            pub(self.broker, "rh1/new", "live")
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout), (0, b"rh1/new live\n"), r)
        pub(self.broker, "rh1/old", None, "-r")
        run_sub(self.broker, "-i", client_id, "-U", "rh1/#")

    def test_retain_as_published(self):
        for flag, expected in ((["--retain-as-published"], b"1\n"), ([], b"0\n")):
            with self.subTest(flag=flag):
                with start_sub(self.broker, "-t", "rap/x", "-C", "1", "-F", "%r", *flag) as sub:
                    pub(self.broker, "rap/x", "kept", "-r")
                    r = sub.wait(10)
                self.assertEqual((r.status, r.stdout), (0, expected), r)
                pub(self.broker, "rap/x", None, "-r")


DYNSEC_PLUGIN = "/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so"


def dynsec_broker(denied_patterns):
    """A mosquitto whose dynamic-security plugin refuses anonymous subscriptions to the patterns
    (mosquitto's acl_file never fails a SUBSCRIBE: it only filters what is delivered)."""
    broker = t.Mosquitto()
    config = os.path.join(broker.workdir, "dynsec.json")
    acls = [{"acltype": "subscribePattern", "topic": p, "priority": 0, "allow": False} for p in denied_patterns]
    with open(config, "w") as f:
        json.dump({"defaultACLAccess": {"publishClientSend": True, "publishClientReceive": True,
                                        "subscribe": True, "unsubscribe": True},
                   "clients": [], "groups": [{"groupname": "anon", "roles": [{"rolename": "limited"}]}],
                   "roles": [{"rolename": "limited", "acls": acls}], "anonymousGroup": "anon"}, f)
    broker.extra_config += [f"plugin {DYNSEC_PLUGIN}", f"plugin_opt_config_file {config}"]
    return broker


class Refusals(unittest.TestCase):
    def test_suback_failure_exits_6_naming_the_filter(self):
        broker = t.use_broker(self, dynsec_broker(["denied/#"]))
        for version, reason in (("5", b"Not authorized (0x87)"), ("311", b"Failure (0x80)")):
            with self.subTest(version=version):
                r = run_sub(broker, "-V", version, "-t", "allowed/a", "-t", "denied/b", "-W", "10")
                self.assertEqual(r.status, 6, r)
                self.assertIn(b"refused the subscription to 'denied/b': " + reason, r.stderr)
                self.assertNotIn(b"allowed/a", r.stderr)
        with start_sub(broker, "-t", "allowed/a", "-t", "denied/b", "--allow-partial", "-C", "1") as sub:
            pub(broker, "allowed/a", "ok")
            r = sub.wait(10)
        self.assertEqual((r.status, r.stdout), (0, b"ok\n"), r)
        self.assertIn(b"warning: the broker refused the subscription to 'denied/b'", r.stderr)
        r = run_sub(broker, "-t", "denied/a", "-t", "denied/b", "--allow-partial", "-W", "10")
        self.assertEqual(r.status, 6, r)

    def test_retained_only_falls_back_when_the_sentinel_subscription_is_refused(self):
        broker = t.use_broker(self, dynsec_broker(["mqtk/sentinel/#"]))
        pub(broker, "data/a", "kept", "-r", "-q", "1")
        r = run_sub(broker, "-t", "data/#", "--retained-only", "-W", "10")
        self.assertEqual((r.status, r.stdout), (0, b"kept\n"), r)
        self.assertIn(b"refused the subscription to the sentinel topic", r.stderr)

    def test_retained_only_falls_back_when_the_sentinel_message_is_refused_or_dropped(self):
        broker = t.use_broker(self, t.Mosquitto(acl="topic readwrite data/#\n"))
        pub(broker, "data/a", "kept", "-r", "-q", "1")
        for version, why in (("5", b"refused the sentinel message"), ("311", b"the sentinel did not come back")):
            with self.subTest(version=version):
                r = run_sub(broker, "-V", version, "-t", "data/#", "--retained-only", "-W", "10")
                self.assertEqual((r.status, r.stdout), (0, b"kept\n"), r)
                self.assertIn(why, r.stderr)

    def test_mqtt5_options_against_a_3_1_1_broker_exit_2(self):
        broker = t.use_broker(self, t.Aedes(websockets=False))
        r = run_sub(broker, "-t", "a", "--no-local", "-W", "10")
        self.assertEqual(r.status, 2, r)
        self.assertIn(b"need MQTT 5", r.stderr)


class Sessions(unittest.TestCase):
    def test_persistent_session_receives_what_was_queued_across_a_restart(self):
        broker = t.use_broker(self, t.Mosquitto(persistence=True))
        client_id = unique_id("persist")
        r = run_sub(broker, "-c", "-i", client_id, "-q", "1", "-t", "ps/#", "-E")
        self.assertEqual(r.status, 0, r)
        pub(broker, "ps/a", "one", "-q", "1")
        pub(broker, "ps/b", "two", "-q", "1")
        broker.restart()
        pub(broker, "ps/a", "three", "-q", "1")
        r = run_sub(broker, "-c", "-i", client_id, "-q", "1", "-t", "ps/#", "-C", "3", "-W", "10")
        self.assertEqual((r.status, r.stdout), (0, b"one\ntwo\nthree\n"), r)
        r = run_sub(broker, "-c", "-i", client_id, "-q", "1", "-t", "ps/#", "-C", "1", "-W", "1")
        self.assertEqual((r.status, r.stdout), (9, b""), r)  # nothing delivered twice

    def test_reconnects_and_subscribes_again_when_the_session_was_lost(self):
        broker = t.use_broker(self, t.Mosquitto())
        client_id = unique_id()
        with start_sub(broker, "-t", "rc/x", client_id=client_id) as sub:
            pub(broker, "rc/x", "before")
            sub.wait_for_output("before\n")
            broker.stop()
            mark = broker.log_mark()
            broker.start()
            broker.wait_subscribed(client_id, start=mark, timeout=15)
            pub(broker, "rc/x", "after")
            sub.wait_for_output("after\n")
            r = sub.stop(signal.SIGINT)
        self.assertEqual((r.status, r.stdout), (130, b"before\nafter\n"), r)
        self.assertIn(b"reconnected; the session was not kept, subscribing again", r.stderr)

    def test_kept_session_is_not_subscribed_again(self):
        broker = t.use_broker(self, t.Mosquitto(persistence=True))
        client_id = unique_id()
        with start_sub(broker, "-c", "-q", "1", "-t", "kept/x", client_id=client_id) as sub:
            broker.restart()
            t.wait_until(lambda: b"reconnected" in sub.stderr_so_far(), 15)
            pub(broker, "kept/x", "still here", "-q", "1")
            sub.wait_for_output("still here\n")
            r = sub.stop(signal.SIGINT)
        self.assertEqual(r.status, 130, r)
        self.assertIn(b"reconnected; the broker kept the session", r.stderr)
        self.assertEqual(broker.log_text().count(f"Received SUBSCRIBE from {client_id}"), 1)

    def test_unsubscribe_removes_a_persistent_subscription(self):
        broker = t.use_broker(self, t.Mosquitto())
        kept, dropped = unique_id(), unique_id()
        for client_id in (kept, dropped):
            r = run_sub(broker, "-c", "-i", client_id, "-q", "1", "-t", "unsub/x", "-E")
            self.assertEqual(r.status, 0, r)
        r = run_sub(broker, "-c", "-i", dropped, "-U", "unsub/x", "-d")
        self.assertEqual(r.status, 0, r)
        self.assertIn(b"unsubscribed from 'unsub/x': Success (0x00)", r.stderr)
        pub(broker, "unsub/x", "queued", "-q", "1")
        # The session that kept its subscription gets the queued message; the other one does not.
        got = run_sub(broker, "-c", "-i", kept, "-t", "other/y", "-C", "1", "-W", "5")
        self.assertEqual((got.status, got.stdout), (0, b"queued\n"), got)
        none = run_sub(broker, "-c", "-i", dropped, "-t", "other/y", "-W", "2")
        self.assertEqual((none.status, none.stdout), (9, b""), none)
        self.assertIn(f"Received UNSUBSCRIBE from {dropped}", broker.log_text())

    def test_unsubscribe_and_subscribe_in_one_run(self):
        broker = t.use_broker(self, t.Mosquitto())
        client_id = unique_id()
        r = run_sub(broker, "-c", "-i", client_id, "-q", "1", "-t", "swap/old", "-E")
        self.assertEqual(r.status, 0, r)
        r = run_sub(broker, "-c", "-i", client_id, "-q", "1", "-U", "swap/old", "-t", "swap/new", "-E")
        self.assertEqual(r.status, 0, r)
        pub(broker, "swap/old", "old", "-q", "1")
        pub(broker, "swap/new", "new", "-q", "1")
        got = run_sub(broker, "-c", "-i", client_id, "-t", "swap/new", "-C", "1", "-W", "5")
        self.assertEqual((got.status, got.stdout), (0, b"new\n"), got)

    def test_no_reconnect_exits_3(self):
        broker = t.use_broker(self, t.Mosquitto())
        with start_sub(broker, "-t", "nr/x", "--no-reconnect") as sub:
            broker.stop()
            r = sub.wait(10)
        self.assertEqual(r.status, 3, r)
        self.assertIn(b"connection lost", r.stderr)

    def test_connection_refused_exits_3(self):
        start = time.monotonic()
        r = t.run_tool(["mqtk-sub", "-p", str(t.free_port()), "-t", "a"])
        self.assertEqual(r.status, 3, r)
        self.assertLess(time.monotonic() - start, 5)


if __name__ == "__main__":
    unittest.main()
