"""Client identities beyond PEM files (issue 13): a PKCS#12 bundle (password from a file or
MQTK_PKCS12_PASSWORD, never argv; refused when others can read it) against a mosquitto listener
that requires a client certificate, and TLS-PSK (1.2 and 1.3) against a psk_hint listener."""

import os
import shutil
import tempfile
import unittest

import mqtk_testlib as t

PSK_IDENTITY = "mqtk-device-7"
PSK_KEY = "00112233445566778899aabbccddeeff"


class Pkcs12(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="mqtk-tls-")
        cls.tls = t.tls_material(cls.dir.name)
        cls.broker = t.Mosquitto(tls=cls.tls.listener(require_certificate=True))
        cls.broker.__enter__()
        cls.password_file = os.path.join(cls.dir.name, "p12-password")
        with open(cls.password_file, "w") as f:
            f.write(t.P12_PASSWORD + "\n")
        os.chmod(cls.password_file, 0o600)

    @classmethod
    def tearDownClass(cls):
        cls.broker.__exit__(None, None, None)
        cls.dir.cleanup()

    def pub(self, *args, env=None):
        return t.run_tool(["mqtk-pub", "-L", f"mqtts://localhost:{self.broker.tls_port}", "--cafile",
                           self.tls.ca_cert, "-t", "c", "-m", "x", "-q", "1", *args], env=env, timeout=15)

    def copy(self, name, mode):
        path = os.path.join(self.dir.name, name)
        shutil.copyfile(self.tls.client_p12, path)
        os.chmod(path, mode)
        return path

    def test_bundle_with_password_file_connects(self):
        r = self.pub("--pkcs12", self.tls.client_p12, "--pkcs12-password-file", self.password_file)
        self.assertEqual(r.status, 0, r)

    def test_bundle_with_password_from_the_environment_connects(self):
        r = self.pub("--pkcs12", self.tls.client_p12, env={"MQTK_PKCS12_PASSWORD": t.P12_PASSWORD})
        self.assertEqual(r.status, 0, r)

    def test_wrong_or_missing_password_is_a_usage_error(self):
        r = self.pub("--pkcs12", self.tls.client_p12, env={"MQTK_PKCS12_PASSWORD": "wrong"})
        self.assertEqual(r.status, 2, r)
        self.assertIn("wrong password", r.stderr.decode())
        r = self.pub("--pkcs12", self.tls.client_p12)
        self.assertEqual(r.status, 2, r)
        self.assertIn("no password was given", r.stderr.decode())

    def test_bundle_or_password_file_readable_by_others_is_refused(self):
        open_bundle = self.copy("open.p12", 0o644)
        r = self.pub("--pkcs12", open_bundle, "--pkcs12-password-file", self.password_file)
        self.assertEqual(r.status, 2, r)
        self.assertIn("can be read by others (chmod 600 it)", r.stderr.decode())
        open_password = os.path.join(self.dir.name, "open-password")
        shutil.copyfile(self.password_file, open_password)
        os.chmod(open_password, 0o644)
        r = self.pub("--pkcs12", self.tls.client_p12, "--pkcs12-password-file", open_password)
        self.assertEqual(r.status, 2, r)
        self.assertIn("can be read by others", r.stderr.decode())

    def test_not_a_bundle_and_conflicts(self):
        pem = os.path.join(self.dir.name, "pem.p12")
        shutil.copyfile(self.tls.client_cert, pem)
        os.chmod(pem, 0o600)
        r = self.pub("--pkcs12", pem, "--pkcs12-password-file", self.password_file)
        self.assertEqual(r.status, 2, r)
        self.assertIn("not a PKCS#12 (DER) file", r.stderr.decode())
        r = self.pub("--pkcs12", self.tls.client_p12, "--cert", self.tls.client_cert)
        self.assertEqual(r.status, 2, r)
        self.assertIn("give only one of --cert and --pkcs12", r.stderr.decode())
        r = self.pub("--pkcs12-password-file", self.password_file)
        self.assertEqual(r.status, 2, r)
        self.assertIn("--pkcs12-password-file needs --pkcs12", r.stderr.decode())


class Psk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="mqtk-psk-")
        cls.broker = t.Mosquitto(tls=t.PskListener(cls.dir.name, {PSK_IDENTITY: PSK_KEY}))
        cls.broker.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.broker.__exit__(None, None, None)
        cls.dir.cleanup()

    def pub(self, version, *args):
        return t.run_tool(["mqtk-pub", "-L", f"mqtts://127.0.0.1:{self.broker.tls_port}", "-t", "c", "-m", "x",
                           "-q", "1", "--tls-info", "--tls-version", version, *args], timeout=15)

    def test_psk_connects_over_tls12_and_tls13(self):
        for version, protocol in (("1.2", "TLSv1.2"), ("1.3", "TLSv1.3")):
            with self.subTest(version=version):
                r = self.pub(version, "--psk-identity", PSK_IDENTITY, "--psk", PSK_KEY.upper())
                self.assertEqual(r.status, 0, r)
                err = r.stderr.decode()
                self.assertIn(f": {protocol}, cipher ", err)
                self.assertIn(f"PSK identity {PSK_IDENTITY} (no certificate)", err)

    def test_psk_also_on_host_and_port(self):
        r = t.run_tool(["mqtk-pub", "-h", "127.0.0.1", "-p", str(self.broker.tls_port), "--psk-identity", PSK_IDENTITY,
                        "--psk", PSK_KEY, "-t", "c", "-m", "x"], timeout=15)
        self.assertEqual(r.status, 0, r)

    def test_wrong_key_or_identity_is_exit_4(self):
        for version in ("1.2", "1.3"):
            for identity, key in ((PSK_IDENTITY, "ff" * 16), ("nobody", PSK_KEY)):
                with self.subTest(version=version, identity=identity):
                    r = self.pub(version, "--psk-identity", identity, "--psk", key)
                    self.assertEqual(r.status, 4, r)
                    self.assertIn("TLS handshake with 127.0.0.1", r.stderr.decode())

    def test_bad_psk_flags_are_usage_errors(self):
        for args, message in ((["--psk", PSK_KEY], "--psk needs --psk-identity"),
                              (["--psk-identity", PSK_IDENTITY], "--psk-identity needs --psk"),
                              (["--psk-identity", PSK_IDENTITY, "--psk", "abc"], "--psk is not a key in hex"),
                              (["--psk-identity", PSK_IDENTITY, "--psk", "zz"], "--psk is not a key in hex")):
            with self.subTest(args=args):
                r = self.pub("1.2+", *args)
                self.assertEqual(r.status, 2, r)
                self.assertIn(message, r.stderr.decode())


if __name__ == "__main__":
    unittest.main()
