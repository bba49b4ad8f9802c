"""The manager certificate a simulated snapshot carries in ``ssl/``, as a real one does: issued for
the manager's IP (subjectAltName IP:<manager ip>, IP:127.0.0.1, DNS:localhost, DNS:<hostname>, CN
the IP), which is how an archive names the manager it came from. Self-signed with a small EC key
(made in a few milliseconds, cached per manager) — nothing here serves TLS."""

from __future__ import annotations

import datetime
import functools
import ipaddress


@functools.lru_cache(maxsize=64)
def manager_certificate(ip: str, hostname: str) -> bytes:
    """A PEM certificate naming `ip` and `hostname` like a real manager's internal certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ip)])
    now = datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC)
    names: list[x509.GeneralName] = [x509.IPAddress(ipaddress.ip_address(ip))]
    if ip != "127.0.0.1":
        names.append(x509.IPAddress(ipaddress.ip_address("127.0.0.1")))
    names += [x509.DNSName("localhost"), x509.DNSName(hostname)]
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int(ipaddress.ip_address(ip)))
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)
