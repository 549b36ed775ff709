"""Test certificates made with the `openssl` command (OpenSSL 3.0 in Debian 12): EC P-256 keys,
a CA, server certificates good, wrong-named and expired, a second (unknown) CA, client certs."""

import dataclasses
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

    def listener(self, server="server", require_certificate=False, **kwargs):
        """A mosquitto TlsListener serving <server>_cert ("server", "wrong_name", "expired",
        "untrusted_server") and trusting the test CA for client certificates."""
        return TlsListener(cafile=self.ca_cert, certfile=getattr(self, f"{server}_cert"),
                           keyfile=getattr(self, f"{server}_key"),
                           require_certificate=require_certificate, **kwargs)


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


def tls_material(dir):
    """Creates (or reuses, when already complete) the test certificates in dir; returns TlsMaterial."""
    dir = os.path.abspath(dir)
    os.makedirs(dir, exist_ok=True)
    fields = [f.name for f in dataclasses.fields(TlsMaterial) if f.name != "dir"]
    names = {
        "ca": "ca", "server": "server", "wrong_name": "wrong-name", "expired": "expired",
        "other_ca": "other-ca", "untrusted_server": "untrusted-server", "client": "client",
        "untrusted_client": "untrusted-client",
    }

    def path_of(field):
        stem, kind = field.rsplit("_", 1)
        return os.path.join(dir, f"{names[stem]}.{'crt' if kind == 'cert' else 'key'}")

    material = TlsMaterial(dir=dir, **{f: path_of(f) for f in fields})
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
    for f in fields:
        if not os.path.exists(getattr(material, f)):
            raise AssertionError(f"tls_material: {getattr(material, f)} was not created")
    open(done, "w").close()
    return material
