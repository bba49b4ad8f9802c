"""Fixtures for engine tests: pairs of simulated managers on their own loopback IPs, a config
that points the engine at them, a scripted decider, and a subprocess runner for `python -m wizard`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.migration.config import AgentOptions, ManagerConfig, MigrationConfig, Timing
from wizard.migration.decider import FailedAgent, RestoreSummary, WaveStop
from wizard.migration.events import Event
from wizard.migration.findings import Waiver
from wizard.simulator import RunningSimulator

OLD_HOST = "127.0.0.11"
NEW_HOST = "127.0.0.12"
OLD_PW = "old-admin-secret"
NEW_PW = "new-admin-secret"
FAST = {"time_scale": 0.02, "restore_outage": 0.3}
REPO = Path(__file__).resolve().parents[3]


@dataclass
class Pair:
    """Two running simulators: old (with data) and new (clean unless asked)."""

    old: RunningSimulator
    new: RunningSimulator


@pytest.fixture
def make_pair(make_simulator: Callable[..., RunningSimulator]) -> Callable[..., Pair]:
    """make_pair("6.4.2", "7.0.4", old={...}, new={...})."""

    def make(
        old_profile: str,
        new_profile: str,
        *,
        old: dict[str, Any] | None = None,
        new: dict[str, Any] | None = None,
    ) -> Pair:
        o = make_simulator(
            **{**FAST, "profile": old_profile, "host": OLD_HOST, "admin_password": OLD_PW, **(old or {})}
        )
        n = make_simulator(
            **{
                **FAST,
                "profile": new_profile,
                "host": NEW_HOST,
                "admin_password": NEW_PW,
                "clean": True,
                **(new or {}),
            }
        )
        return Pair(o, n)

    return make


def manager(label: str, url: str, user: str = "admin", password: str | None = None) -> ManagerConfig:
    """A ManagerConfig for a simulator URL."""
    pw = password if password is not None else (OLD_PW if label == "old" else NEW_PW)
    return ManagerConfig(label, Endpoint.parse(url), Credentials(user, pw))


def engine_config(pair: Pair, state_dir: Path, **overrides: Any) -> MigrationConfig:
    """A MigrationConfig for the pair with fast polling."""
    fields: dict[str, Any] = {
        "old": manager("old", pair.old.url),
        "new": manager("new", pair.new.url),
        "state_dir": state_dir,
        # unpaced: the simulator has no nginx limit unless a test turns it on
        "timing": Timing(poll_interval=0.05, progress_interval=0.1, pace=0),
        "agents": AgentOptions(concurrency=3),
    }
    waivers = overrides.pop("waive", ())
    fields["waivers"] = tuple(Waiver.parse(w) for w in waivers)
    fields.update(overrides)
    return MigrationConfig(**fields)


@dataclass
class ScriptedDecider:
    """A decider with fixed answers that records what it was asked."""

    confirm: bool = True
    password: str | None = None
    retry: bool = False
    summaries: list[RestoreSummary] = field(default_factory=list)
    asked_passwords: list[str] = field(default_factory=list)
    retried: list[list[FailedAgent]] = field(default_factory=list)
    go_on: bool = False
    stops: list[WaveStop] = field(default_factory=list)

    def confirm_restore(self, summary: RestoreSummary) -> bool:
        self.summaries.append(summary)
        return self.confirm

    def ask_password(self, manager_label: str, reason: str) -> str | None:
        self.asked_passwords.append(reason)
        return self.password

    def retry_failed_agents(self, failed: list[FailedAgent]) -> bool:
        self.retried.append(failed)
        answer, self.retry = self.retry, False
        return answer

    def continue_agents(self, stop: WaveStop) -> bool:
        self.stops.append(stop)
        return self.go_on


@pytest.fixture
def events() -> list[Event]:
    """A list the engine's events are appended to."""
    return []


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for `python -m wizard` subprocesses: passwords and fast polling."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CFY_MIGRATE_")}
    env.update(
        CFY_MIGRATE_OLD_PASSWORD=OLD_PW,
        CFY_MIGRATE_NEW_PASSWORD=NEW_PW,
        CFY_MIGRATE_POLL_INTERVAL="0.05",
        CFY_MIGRATE_PACE="0",
    )
    env.update(extra)
    return env


def run_cli(
    args: list[str], *, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `python -m wizard ARGS` and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        cwd=REPO,
        env=env or cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def install_new_agents_ids(state: dict[str, Any]) -> list[dict[str, Any]]:
    """install_new_agents executions in a simulator state."""
    return [e for e in state["executions"] if e["workflow_id"] == "install_new_agents"]


def inventory_of(state: dict[str, Any]) -> dict[str, Any]:
    """Tenant -> (sorted blueprint ids, sorted deployment ids) from a simulator state."""
    return {
        t: (sorted(v["blueprints"]), sorted(d["id"] for d in v["deployments"]))
        for t, v in state["per_tenant"].items()
        if v["blueprints"] or v["deployments"]
    }


def installed_of(state: dict[str, Any]) -> set[tuple[str, str]]:
    """(tenant, deployment) of installed deployments in a simulator state."""
    return {
        (t, d["id"])
        for t, v in state["per_tenant"].items()
        for d in v["deployments"]
        if d["installation_status"] == "active"
    }


def run_outcomes(stdout: str) -> tuple[int | None, dict[str, str], dict[str, str]]:
    """(exit code, step -> last outcome, tenant/deployment -> agent result) from `run --json`."""
    steps: dict[str, str] = {}
    agents: dict[str, str] = {}
    code = None
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("event") == "StepFinished":
            steps[event["step"]] = event["outcome"]
        elif event.get("event") == "AgentUpdate" and event["status"] in ("succeeded", "failed", "skipped"):
            agents[f"{event['tenant']}/{event['deployment']}"] = event["status"]
        elif event.get("event") == "MigrationFinished":
            code = event["exit_code"]
    return code, steps, agents
