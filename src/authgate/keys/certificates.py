"""Self-signed X.509 certificates for signing keys, as Auth0 publishes them (``x5c``, ``cert``).

The certificate only carries the public key for consumers that want a certificate (SAML, WS-Fed,
older JWT libraries); trust comes from the JWKS location, not from the certificate chain.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

CERT_VALIDITY = timedelta(days=3650)
_PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey


def self_signed_certificate(private_pem: bytes, common_name: str, now: datetime) -> str:
    key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(key, _PrivateKey):
        raise ValueError("unsupported key type for a certificate")
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + CERT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, algorithm)
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def der(cert_pem: str) -> bytes:
    return x509.load_pem_x509_certificate(cert_pem.encode()).public_bytes(
        serialization.Encoding.DER
    )


def pkcs7_of(cert_pem: str) -> str:
    certificate = x509.load_pem_x509_certificate(cert_pem.encode())
    return pkcs7.serialize_certificates([certificate], serialization.Encoding.PEM).decode()


def sha1_hex(cert_pem: str) -> str:
    """Auth0's ``thumbprint``: upper-case hex SHA-1 of the DER certificate."""
    return hashlib.sha1(der(cert_pem), usedforsecurity=False).hexdigest().upper()


def sha1_fingerprint(cert_pem: str) -> str:
    """Auth0's ``fingerprint``: the same digest as colon-separated hex pairs."""
    digest = sha1_hex(cert_pem)
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
