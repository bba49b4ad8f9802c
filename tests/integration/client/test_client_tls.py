"""TLS over real sockets against an https simulator: CA bundle, system trust, --insecure, and the
http-versus-https mistakes."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.client.conftest import ClientFactory
from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.cloudify.errors import ConnectionDroppedError, TLSError
from wizard.simulator import RunningSimulator

Make = Callable[..., RunningSimulator]

pytestmark = pytest.mark.skipif(
    shutil.which("openssl") is None, reason="openssl is needed to make a certificate"
)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA) and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def https_sim(make_simulator: Make, certificate: tuple[Path, Path]) -> RunningSimulator:
    cert, key = certificate
    sim = make_simulator(profile="7.0.4", tls_cert=str(cert), tls_key=str(key))
    assert sim.url.startswith("https://")
    return sim


def test_ca_bundle_verifies(https_sim: RunningSimulator, certificate: tuple[Path, Path]) -> None:
    client = ManagerClient(
        Endpoint.parse(https_sim.url, ca_cert=certificate[0]), Credentials("admin", "admin"), retries=0
    )
    try:
        assert client.version().version == "7.0.4"
    finally:
        client.close()


def test_untrusted_certificate_is_tls_error(https_sim: RunningSimulator, make_client: ClientFactory) -> None:
    with pytest.raises(TLSError) as info:
        make_client(https_sim, retries=0).version()
    assert "could not be verified" in str(info.value)
    assert "--old-ca-cert" in str(info.value)


def test_insecure_works_without_urllib3_warnings(https_sim: RunningSimulator) -> None:
    client = ManagerClient(
        Endpoint.parse(https_sim.url, insecure=True), Credentials("admin", "admin"), retries=0
    )
    try:
        with warnings.catch_warnings(record=True) as caught:
            client.version()
        assert not [w for w in caught if "Unverified HTTPS" in str(w.message)]
    finally:
        client.close()


def test_plain_http_to_the_https_port(https_sim: RunningSimulator, make_client: ClientFactory) -> None:
    client = make_client(https_sim.url.replace("https://", "http://"), retries=0)
    with pytest.raises((TLSError, ConnectionDroppedError)) as info:
        client.version()
    assert "https://" in str(info.value)
