"""Small HTTP helpers for the simulator tests: plain requests over real sockets."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import requests

from wizard.simulator import RunningSimulator

PORTABLE_RESTORE = {
    "force": False,
    "restore_certificates": False,
    "no_reboot": False,
    "recreate_deployments_envs": True,
    "ignore_plugin_failure": False,
}


class Api:
    """``requests`` bound to one simulator's /api/v3.1 with Basic auth and a Tenant header."""

    def __init__(
        self,
        sim: RunningSimulator,
        user: str = "admin",
        password: str | None = None,
        tenant: str | None = "default_tenant",
    ) -> None:
        self.sim = sim
        self.base = f"{sim.url}/api/v3.1"
        self.session = requests.Session()
        self.session.auth = (user, password if password is not None else sim.config.admin_password)
        if tenant:
            self.session.headers["Tenant"] = tenant

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.session.get(self.base + path, timeout=10, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.session.post(self.base + path, timeout=10, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.session.put(self.base + path, timeout=30, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.session.delete(self.base + path, timeout=10, **kw)


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, interval: float = 0.01) -> Any:
    """Poll until ``predicate()`` is truthy (tolerating connection errors); returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except requests.ConnectionError:
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)


def execution_done(sim: RunningSimulator, exec_id: str) -> dict[str, Any]:
    """Wait (via /_sim/state, no auth) until an execution ended; returns its state entry."""

    def ended() -> dict[str, Any] | None:
        for exe in sim.state()["executions"]:
            if exe["id"] == exec_id and exe["status"] in ("terminated", "failed", "cancelled"):
                return exe
        return None

    return wait_for(ended)  # type: ignore[no-any-return]


def make_snapshot(api: Api, snapshot_id: str = "snap1", **body: Any) -> requests.Response:
    """Create a snapshot and wait until it is created."""
    r = api.put(f"/snapshots/{snapshot_id}", json=body)
    assert r.status_code == 201, r.text
    execution_done(api.sim, r.json()["id"])
    return r


def deployments_by(sim: RunningSimulator, **match: Any) -> list[dict[str, Any]]:
    """Deployments (with tenant) from /_sim/state matching the given fields."""
    out = []
    for tenant, data in sim.state()["per_tenant"].items():
        for dep in data["deployments"]:
            if all(dep.get(k) == v for k, v in match.items()):
                out.append({**dep, "tenant": tenant})
    return out
