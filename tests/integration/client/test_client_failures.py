"""Failures over real sockets: transport errors with their hints, retries for GETs only."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.client.conftest import ClientFactory
from wizard.cloudify.client import RequestRecord
from wizard.cloudify.errors import (
    ConnectionFailedError,
    NameResolutionError,
    RequestTimeoutError,
    ServerError,
    TLSError,
)
from wizard.simulator import RunningSimulator

Make = Callable[..., RunningSimulator]


def requests_total(sim: RunningSimulator) -> int:
    """How many requests the simulator has answered (faults included)."""
    total: int = sim.state()["requests"]["total"]
    return total


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_closed_port_is_connection_failed(make_client: ClientFactory) -> None:
    records: list[RequestRecord] = []
    url = f"http://127.0.0.1:{closed_port()}"
    client = make_client(url, records=records, retries=1)
    with pytest.raises(ConnectionFailedError) as info:
        client.version()
    text = str(info.value)
    assert url in text
    assert "check the host and port" in text
    assert records[-1].status is None
    with pytest.raises(ConnectionFailedError):  # POST: not retried, same typed error
        client.activate_maintenance()


def _resolver_is_local() -> bool:
    """True when every configured name server is on loopback (a lookup never leaves the machine)."""
    try:
        lines = Path("/etc/resolv.conf").read_text(encoding="utf-8").splitlines()
    except OSError:
        return True
    servers = [line.split()[1] for line in lines if line.startswith("nameserver") and len(line.split()) > 1]
    try:
        return all(ipaddress.ip_address(s).is_loopback for s in servers)
    except ValueError:
        return False


@pytest.mark.skipif(not _resolver_is_local(), reason="the resolver is not local; no DNS traffic may leave")
def test_unknown_host_is_name_resolution_error(make_client: ClientFactory) -> None:
    client = make_client("http://cfy-migrate-test.invalid:80", retries=0)
    with pytest.raises(NameResolutionError) as info:
        client.version()
    assert "cfy-migrate-test.invalid" in str(info.value)


def test_https_to_plain_http_port_is_tls_error(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2")
    client = make_client(sim.url.replace("http://", "https://"), retries=0)
    with pytest.raises(TLSError) as info:
        client.version()
    assert "http://" in str(info.value)
    assert "127.0.0.1" in str(info.value)


def test_read_timeout(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2")
    sim.set_faults("delay:seconds=1.0,path=/status")
    client = make_client(sim, timeout=(2.0, 0.2), retries=0)
    with pytest.raises(RequestTimeoutError) as info:
        client.status()
    assert "did not answer GET /api/v3.1/status within 0.2 s" in str(info.value)
    assert client.version().version == "6.4.2"


def test_get_retries_a_503_burst(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2")
    sim.set_faults("http_error:path=/version,status=503,count=2")
    records: list[RequestRecord] = []
    client = make_client(sim, retries=3, records=records)
    before = requests_total(sim)
    assert client.version().version == "6.4.2"
    assert requests_total(sim) - before == 3
    assert [r.status for r in records] == [200]


def test_get_gives_up_after_retries_with_the_final_answer(
    make_simulator: Make, make_client: ClientFactory
) -> None:
    sim = make_simulator(profile="6.4.2")
    sim.set_faults("http_error:path=/status,status=502,count=0")
    client = make_client(sim, retries=2)
    before = requests_total(sim)
    with pytest.raises(ServerError) as info:
        client.status()
    assert info.value.status == 502
    assert requests_total(sim) - before == 3


def test_post_is_never_retried(make_simulator: Make, make_client: ClientFactory) -> None:
    """A 502 may come after the REST service got the request: a POST is never sent twice.
    (An HTML 503 is nginx's limiter and is retried for every method: tests/faults.)"""
    sim = make_simulator(profile="6.4.2", deployments=1, installed=1, tenants=1)
    client = make_client(sim, retries=3)
    dep = next(iter(client.deployments()))
    sim.set_faults("http_error:path=/executions,method=POST,status=502,count=1")
    before = requests_total(sim)
    with pytest.raises(ServerError) as info:
        client.start_execution(dep.id, "install_new_agents")
    assert info.value.status == 502
    assert requests_total(sim) - before == 1
    assert client.start_execution(dep.id, "install_new_agents").id
