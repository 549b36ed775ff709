"""Test certificates made with the `openssl` command (OpenSSL 3.0 in Debian 12): EC P-256 keys,
a CA, server certificates good, wrong-named, expired and revoked (with the CA's CRL), a second
(unknown) CA, a self-signed server certificate, client certs (also as a PKCS#12 bundle)."""

import base64
import dataclasses
import hashlib
import os
import shutil
import subprocess
import time

from .mosquitto import TlsListener

_DAY = 86400

_CONFIG = """\
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused

[ ca ]
default_ca = this_ca
[ this_ca ]
dir = {db}
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
default_md = sha256
policy = any_name
unique_subject = no
copy_extensions = none
[ any_name ]
commonName = supplied
organizationName = optional

[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ wrong_name_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.invalid, IP:192.0.2.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ client_ext ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


@dataclasses.dataclass
class TlsMaterial:
    """Paths of PEM files in one directory. Every *_key is an unencrypted EC P-256 key.
    ca_cert / ca_key                 the test CA (trust this one: --cafile ca_cert)
    server_cert / server_key         CN=localhost, SAN DNS:localhost and IP:127.0.0.1, by the CA
    wrong_name_cert / _key           CN=wrong.invalid, SAN DNS:wrong.invalid, IP:192.0.2.1, by the CA
    expired_cert / _key              like server_cert, valid 2020-01-01 to 2020-01-02 only
    other_ca_cert / other_ca_key     a second CA nobody trusts
    untrusted_server_cert / _key     like server_cert but signed by the other CA
    client_cert / client_key         CN=mqtk-client, clientAuth, signed by the CA
    untrusted_client_cert / _key     CN=mqtk-client, signed by the other CA
    revoked_server_cert / _key       like server_cert, by the CA, then revoked
    self_signed_cert / _key          CN=localhost with the SANs of server_cert, signed by itself
    crl                              the CA's CRL (PEM) listing revoked_server_cert
    client_p12                       client_cert, client_key and ca_cert as PKCS#12 (mode 600),
                                     password P12_PASSWORD
    """
    dir: str
    ca_cert: str
    ca_key: str
    server_cert: str
    server_key: str
    wrong_name_cert: str
    wrong_name_key: str
    expired_cert: str
    expired_key: str
    other_ca_cert: str
    other_ca_key: str
    untrusted_server_cert: str
    untrusted_server_key: str
    client_cert: str
    client_key: str
    untrusted_client_cert: str
    untrusted_client_key: str
    revoked_server_cert: str
    revoked_server_key: str
    self_signed_cert: str
    self_signed_key: str
    crl: str
    client_p12: str

    def listener(self, server="server", require_certificate=False, **kwargs):
        """A mosquitto TlsListener serving <server>_cert ("server", "wrong_name", "expired",
        "untrusted_server") and trusting the test CA for client certificates."""
        return TlsListener(cafile=self.ca_cert, certfile=getattr(self, f"{server}_cert"),
                           keyfile=getattr(self, f"{server}_key"),
                           require_certificate=require_certificate, **kwargs)


P12_PASSWORD = "p12 secret"


def _openssl(*args, cwd):
    exe = shutil.which("openssl")
    if exe is None:
        raise AssertionError("the openssl command is not installed (apt-get install openssl)")
    result = subprocess.run([exe, *args], cwd=cwd, capture_output=True, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"openssl {' '.join(args)} failed:\n{result.stderr.decode(errors='replace')}")
    return result.stdout


def _stamp(seconds_from_now):
    return time.strftime("%Y%m%d%H%M%SZ", time.gmtime(time.time() + seconds_from_now))


def _key(path, cwd):
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path, cwd=cwd)
    os.chmod(os.path.join(cwd, path), 0o600)


class _Ca:
    def __init__(self, dir, name, cn):
        self.dir, self.name = dir, name
        self.db = os.path.join(dir, f"{name}-db")
        os.makedirs(self.db, exist_ok=True)
        open(os.path.join(self.db, "index.txt"), "w").close()
        with open(os.path.join(self.db, "serial"), "w") as f:
            # 16 hex digits, positive, never starting with 0: what openssl ca reads back.
            f.write("%016X\n" % ((int.from_bytes(os.urandom(8), "big") >> 4) | (1 << 60)))
        self.config = os.path.join(dir, f"{name}.cnf")
        with open(self.config, "w") as f:
            f.write(_CONFIG.format(db=self.db))
        self.cert, self.key = f"{name}.crt", f"{name}.key"
        _key(self.key, dir)
        csr = f"{name}.csr"
        _openssl("req", "-new", "-config", self.config, "-key", self.key, "-subj", f"/CN={cn}",
                 "-out", csr, cwd=dir)
        # Self-signed through `openssl ca` so its validity can start in the past (before any leaf).
        _openssl("ca", "-batch", "-notext", "-config", self.config, "-selfsign", "-keyfile",
                 self.key, "-in", csr, "-out", self.cert, "-extensions", "ca_ext",
                 "-startdate", "20190101000000Z", "-enddate", _stamp(3650 * _DAY), cwd=dir)

    def issue(self, name, cn, ext, startdate=None, enddate=None):
        key, csr, cert = f"{name}.key", f"{name}.csr", f"{name}.crt"
        _key(key, self.dir)
        _openssl("req", "-new", "-config", self.config, "-key", key, "-subj", f"/CN={cn}",
                 "-out", csr, cwd=self.dir)
        _openssl("ca", "-batch", "-notext", "-config", self.config, "-cert", self.cert, "-keyfile",
                 self.key, "-in", csr, "-out", cert, "-extensions", ext,
                 "-startdate", startdate or _stamp(-_DAY), "-enddate", enddate or _stamp(825 * _DAY),
                 cwd=self.dir)
        return cert, key

    def revoke(self, cert, crl):
        _openssl("ca", "-batch", "-config", self.config, "-cert", self.cert, "-keyfile", self.key,
                 "-revoke", cert, cwd=self.dir)
        _openssl("ca", "-batch", "-config", self.config, "-cert", self.cert, "-keyfile", self.key,
                 "-gencrl", "-crldays", "30", "-md", "sha256", "-out", crl, cwd=self.dir)


def tls_material(dir):
    """Creates (or reuses, when already complete) the test certificates in dir; returns TlsMaterial."""
    dir = os.path.abspath(dir)
    os.makedirs(dir, exist_ok=True)
    fields = [f.name for f in dataclasses.fields(TlsMaterial) if f.name not in ("dir", "crl", "client_p12")]
    names = {
        "ca": "ca", "server": "server", "wrong_name": "wrong-name", "expired": "expired",
        "other_ca": "other-ca", "untrusted_server": "untrusted-server", "client": "client",
        "untrusted_client": "untrusted-client", "revoked_server": "revoked-server",
        "self_signed": "self-signed",
    }

    def path_of(field):
        stem, kind = field.rsplit("_", 1)
        return os.path.join(dir, f"{names[stem]}.{'crt' if kind == 'cert' else 'key'}")

    material = TlsMaterial(dir=dir, crl=os.path.join(dir, "ca.crl"), client_p12=os.path.join(dir, "client.p12"),
                           **{f: path_of(f) for f in fields})
    done = os.path.join(dir, ".complete")
    if os.path.exists(done):
        return material

    ca = _Ca(dir, "ca", "mqtk test CA")
    other = _Ca(dir, "other-ca", "mqtk unknown CA")
    ca.issue("server", "localhost", "server_ext")
    ca.issue("wrong-name", "wrong.invalid", "wrong_name_ext")
    ca.issue("expired", "localhost", "server_ext",
             startdate="20200101000000Z", enddate="20200102000000Z")
    other.issue("untrusted-server", "localhost", "server_ext")
    ca.issue("client", "mqtk-client", "client_ext")
    other.issue("untrusted-client", "mqtk-client", "client_ext")
    revoked, _ = ca.issue("revoked-server", "localhost", "server_ext")
    ca.revoke(revoked, "ca.crl")
    _key("self-signed.key", dir)
    _openssl("req", "-x509", "-new", "-config", ca.config, "-key", "self-signed.key", "-subj", "/CN=localhost",
             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "30", "-out", "self-signed.crt",
             cwd=dir)
    _openssl("pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-certfile", "ca.crt",
             "-out", "client.p12", "-passout", f"pass:{P12_PASSWORD}", cwd=dir)
    os.chmod(material.client_p12, 0o600)
    for f in fields + ["crl", "client_p12"]:
        if not os.path.exists(getattr(material, f)):
            raise AssertionError(f"tls_material: {getattr(material, f)} was not created")
    open(done, "w").close()
    return material


@dataclasses.dataclass
class PskListener:
    """A mosquitto TLS-PSK listener (no certificate): psk_hint and a psk_file of identity:hexkey
    lines, written into dir. Pass as Mosquitto(tls=PskListener(...))."""
    dir: str
    keys: dict  # {"identity": "hexkey"}
    hint: str = "mqtk-test"
    tls_version: str = None  # e.g. "tlsv1.2"; None: 1.2 and 1.3

    def config_lines(self):
        path = os.path.join(self.dir, "psk_file")
        with open(path, "w") as f:
            f.write("".join(f"{identity}:{key}\n" for identity, key in self.keys.items()))
        os.chmod(path, 0o600)
        lines = [f"psk_hint {self.hint}", f"psk_file {path}"]
        if self.tls_version:
            lines.append(f"tls_version {self.tls_version}")
        return lines


def spki_sha256(cert):
    """base64 SHA-256 of cert's SubjectPublicKeyInfo (what --pin-sha256 takes), by the openssl command."""
    dir = os.path.dirname(cert)
    pem = _openssl("x509", "-in", cert, "-pubkey", "-noout", cwd=dir)
    exe = shutil.which("openssl")
    der = subprocess.run([exe, "pkey", "-pubin", "-outform", "DER"], input=pem, capture_output=True,
                         timeout=60, check=True).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()
