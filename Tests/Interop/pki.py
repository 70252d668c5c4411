"""A throwaway PKI made with the openssl CLI for the TLS interop tests: a CA, ECDSA P-256
server certificates for localhost/127.0.0.1 (plus a renewed one for reload), an unrelated
CA, and an expired certificate."""
import os
import subprocess
import tempfile

SCRIPT = r"""
set -e
printf '[ca]\ndefault_ca=d\n[d]\ndatabase=index.txt\nnew_certs_dir=.\nserial=serial\ndefault_md=sha256\npolicy=p\nunique_subject=no\ncopy_extensions=copy\n[p]\ncommonName=supplied\n' > ca.cnf
: > index.txt; echo 1000 > serial
ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
san="subjectAltName=DNS:localhost,IP:127.0.0.1"
openssl req -x509 $ec -keyout ca.key -out ca.pem -subj "/CN=Interop Test CA" -days 30 \
  -addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign
openssl req -x509 $ec -keyout other-ca.key -out other-ca.pem -subj "/CN=Unrelated CA" -days 30
openssl req -new $ec -keyout server.key -out server.csr -subj /CN=localhost -addext "$san"
openssl req -new $ec -keyout renewed.key -out renewed.csr -subj /CN=renewed -addext "$san"
sign() { openssl ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key "$@"; }
sign -in server.csr -out server.pem -days 30
sign -in renewed.csr -out renewed.pem -days 30
sign -in server.csr -out expired.pem -startdate 20200101000000Z -enddate 20200102000000Z
"""


class PKI:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="flowcoach-pki-")
        subprocess.run(["sh", "-c", SCRIPT], cwd=self.dir, check=True, capture_output=True)

    def path(self, name):
        return os.path.join(self.dir, name)
