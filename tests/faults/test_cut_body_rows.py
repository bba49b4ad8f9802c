"""A JSON answer cut short (Content-Length kept, connection closed early) between the wizard and a
simulated manager, through the fault proxy: a connection problem, retried for GETs, never a
parse error the engine would take for a blocker (issue 14)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.conftest import OLD_PASSWORD, Pair, run_wizard
from tests.faults.fault_proxy import CutBody, FaultProxy
from wizard.cloudify import errors
from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint


@pytest.fixture
def proxy(pair: Pair) -> Iterator[FaultProxy]:
    """A fault proxy in front of the pair's old manager."""
    host, port = pair.old.url.split("://", 1)[1].rsplit(":", 1)
    p = FaultProxy(host, int(port))
    yield p
    p.close()


def _client(proxy: FaultProxy, **kwargs: object) -> ManagerClient:
    kwargs.setdefault("retries", 2)
    kwargs.setdefault("backoff", 0.01)
    return ManagerClient(Endpoint.parse(proxy.url), Credentials("admin", OLD_PASSWORD), **kwargs)  # type: ignore[arg-type]


def test_client_get_cut_once_is_retried_and_succeeds(proxy: FaultProxy) -> None:
    proxy.rules.append(CutBody("GET", "/api/v3.1/deployments", keep=15, times=1))
    with _client(proxy) as client:
        deployments = list(client.deployments())
    assert len(deployments) == 4
    assert proxy.rules[0].fired == 1
    assert sum(1 for m, p in proxy.seen if p.startswith("/api/v3.1/deployments")) == 2


def test_client_get_cut_every_time_is_a_connection_error(proxy: FaultProxy) -> None:
    proxy.rules.append(CutBody("GET", "/api/v3.1/deployments", keep=15, times=0))
    with _client(proxy) as client, pytest.raises(errors.ConnectionDroppedError) as info:
        list(client.deployments())
    assert not isinstance(info.value, errors.ProtocolError)
    assert "closed before the answer ended" in str(info.value)
    assert proxy.rules[0].fired == 3


def test_client_post_cut_is_not_sent_again(proxy: FaultProxy) -> None:
    with _client(proxy) as client:
        dep = next(iter(client.deployments()))
        proxy.rules.append(CutBody("POST", "/api/v3.1/executions", keep=10, times=1))
        with pytest.raises(errors.ConnectionDroppedError):
            client.start_execution(dep.id, "install_new_agents", tenant=dep.tenant_name)
    assert sum(1 for m, _ in proxy.seen if m == "POST") == 1


def test_check_through_a_cut_inventory_answer_is_not_blocked(pair: Pair, proxy: FaultProxy) -> None:
    """`cfy-migrate check` with the old manager's deployment list cut once: the GET is sent
    again and the check ends as it does without the fault (never "blocked by old.inventory")."""
    args = ["check", "--old", proxy.url, "--new", pair.new.url, "--state-dir", str(pair.state_dir)]
    clean = run_wizard(args, pair.env)
    proxy.rules.append(CutBody("GET", "/api/v3.1/deployments", keep=15, times=1))
    cut = run_wizard(args, pair.env)
    assert proxy.rules[0].fired == 1
    assert cut.returncode == clean.returncode, cut.explain()
    assert "blocked by old.inventory" not in cut.output


def test_an_answer_cut_every_time_is_a_connection_error_not_a_blocker(pair: Pair, proxy: FaultProxy) -> None:
    """The inventory answer cut on every try: `check` and `run` exit 1 (run again), never 2
    "blocked by old.inventory", and nothing changes on either manager."""
    proxy.rules.append(CutBody("GET", "/api/v3.1/deployments", keep=15, times=99))
    args = ["--old", proxy.url, "--new", pair.new.url, "--state-dir", str(pair.state_dir)]
    check = run_wizard(["check", *args], pair.env)
    assert check.returncode == 1, check.explain()
    assert "could not check old.inventory" in check.said and "run the check again" in check.said
    run = run_wizard(["run", "--yes", *args], pair.env)
    assert run.returncode == 1, run.explain()
    assert "blocked by old.inventory" not in run.said
    assert pair.old.state()["snapshots"] == [] and pair.new.state()["restore_history"] == []
