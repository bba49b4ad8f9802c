"""The real-manager suite: skipped unless CFY_MIGRATE_REAL_OLD and CFY_MIGRATE_REAL_NEW name two real
managers (URLs; CA bundles in CFY_MIGRATE_REAL_OLD_CA / _NEW_CA, admin passwords in
CFY_MIGRATE_REAL_OLD_PASSWORD / _NEW_PASSWORD). Read-only: nothing here changes either manager.
The same rows run against a pair of simulators dressed as the real ones (7.1 community, https,
the port-80 listener) so that each row asserts the same outcome on both."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from tests.simulator.conftest import SimTls, sim_tls
from wizard.simulator import RunningSimulator, SimulatorConfig, start_simulator

__all__ = ["Endpoint", "real_pair", "sim_pair", "sim_tls"]


@dataclass(frozen=True)
class Endpoint:
    """One manager as the CLI is given it: https URL, CA bundle, admin password, plain-http URL."""

    url: str
    ca: str | None
    password: str
    http_url: str  # plain http to its port-80 listener
    https_port_as_http: str  # plain http to its https port


def _real(prefix: str) -> Endpoint:
    url = os.environ[prefix].rstrip("/")
    host = urlsplit(url).hostname or ""
    port = urlsplit(url).port or 443
    if not host.startswith("127."):
        pytest.skip(
            f"{prefix} must be a loopback address (127.0.0.0/8): this suite sends traffic nowhere else"
        )
    return Endpoint(
        url=url,
        ca=os.environ.get(f"{prefix}_CA") or None,
        password=os.environ.get(f"{prefix}_PASSWORD", "admin"),
        http_url=f"http://{host}",
        https_port_as_http=f"http://{host}:{port}",
    )


@pytest.fixture(scope="session")
def real_pair() -> tuple[Endpoint, Endpoint]:
    """The two real managers from the environment (skips the suite when they are not set)."""
    if not (os.environ.get("CFY_MIGRATE_REAL_OLD") and os.environ.get("CFY_MIGRATE_REAL_NEW")):
        pytest.skip("set CFY_MIGRATE_REAL_OLD and CFY_MIGRATE_REAL_NEW to run the real-manager suite")
    return _real("CFY_MIGRATE_REAL_OLD"), _real("CFY_MIGRATE_REAL_NEW")


def _sim_endpoint(sim: RunningSimulator, ca: str) -> Endpoint:
    assert sim.http_url is not None
    return Endpoint(
        url=sim.url,
        ca=ca,
        password=sim.config.admin_password,
        http_url=sim.http_url,
        https_port_as_http=sim.url.replace("https://", "http://"),
    )


@pytest.fixture(scope="session")
def sim_pair(sim_tls: SimTls) -> Iterator[tuple[Endpoint, Endpoint]]:
    """Two simulators like the realstack pair: a seeded old 7.1 community manager and a clean new one."""
    common = {
        "profile": "7.1.0",
        "edition": "community",
        "tls_cert": str(sim_tls.cert),
        "tls_key": str(sim_tls.key),
        "http_port": 0,
        "real_shapes": True,
        "rate_limit": True,
        "time_scale": 0.05,
    }
    old = start_simulator(
        SimulatorConfig(
            **common, host="127.0.0.5", tenants=3, deployments=8, installed=5, admin_password="old-pw"
        )
    )
    new = start_simulator(SimulatorConfig(**common, host="127.0.0.6", clean=True, admin_password="new-pw"))
    try:
        yield _sim_endpoint(old, str(sim_tls.ca)), _sim_endpoint(new, str(sim_tls.ca))
    finally:
        old.stop()
        new.stop()


@pytest.fixture(scope="session")
def restore_allowed() -> bool:
    """CFY_MIGRATE_REAL_RESTORE=1: the suite may restore onto the real new manager (read before the
    per-test fixtures clear every CFY_MIGRATE_* variable)."""
    return os.environ.get("CFY_MIGRATE_REAL_RESTORE") == "1"
