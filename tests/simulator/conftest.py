"""Fixtures for the simulator's own tests (the project conftest may also provide make_simulator)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.simulator_fixtures import make_simulator

__all__ = ["SimTls", "make_simulator", "sim_tls"]


@dataclass(frozen=True)
class SimTls:
    """A test CA and a loopback server certificate for https simulators."""

    ca: Path
    cert: Path
    key: Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def sim_tls(tmp_path_factory: pytest.TempPathFactory) -> SimTls:
    """A CA and a certificate for 127.0.0.1-9, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed: cannot make a test CA")
    d = tmp_path_factory.mktemp("simtls")
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
             "-days", "2", "-subj", "/CN=cfy-sim test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
             "-subj", "/CN=cfy-manager", cwd=d)  # fmt: skip
    sans = ",".join(f"IP:127.0.0.{i}" for i in range(1, 10))
    ext = f"subjectAltName={sans}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    (d / "ext.cnf").write_text(ext)
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf", cwd=d)  # fmt: skip
    return SimTls(d / "ca.pem", d / "server.pem", d / "server.key")
