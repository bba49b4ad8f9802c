"""Read-only preflight (`cfy-migrate check`) and the bad-input rows against two real managers, each row
asserting the same outcome (exit code and the non-PASS findings) as against simulators dressed alike.

Run:  CFY_MIGRATE_REAL_OLD=https://127.0.0.41 CFY_MIGRATE_REAL_OLD_CA=/tmp/real/s1/ca.pem \\
      CFY_MIGRATE_REAL_OLD_PASSWORD=... CFY_MIGRATE_REAL_NEW=https://127.0.0.42 \\
      CFY_MIGRATE_REAL_NEW_CA=/tmp/real/s2/ca.pem CFY_MIGRATE_REAL_NEW_PASSWORD=... \\
      python -m pytest tests/real -q
Nothing here changes either manager (no snapshot, no restore): `check` is read-only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.real.conftest import Endpoint

Pair = tuple[Endpoint, Endpoint]


@dataclass(frozen=True)
class Outcome:
    """What a row is judged on: the exit code and the findings that did not PASS (local.* aside)."""

    exit_code: int
    findings: tuple[tuple[str, str], ...]
    details: dict[str, str]


def check(old: Endpoint, new: Endpoint, state: Path, *, old_url: str | None = None, **over: Any) -> Outcome:
    """`cfy-migrate check --json` in a subprocess; passwords through the environment, never argv."""
    # both pairs are 7.1 community: without the repair, pair.snapshot-format blocks (restores nothing)
    args = [
        sys.executable,
        "-m",
        "wizard",
        "check",
        "--json",
        "--repair-community-archive",
        "--state-dir",
        str(state),
    ]
    args += ["--old", old_url or old.url, "--new", over.get("new_url", new.url)]
    if old.ca:
        args += ["--old-ca-cert", old.ca]
    new_ca = over.get("new_ca", new.ca)
    if new_ca:
        args += ["--new-ca-cert", new_ca]
    if over.get("old_tenant"):
        args += ["--old-tenant", over["old_tenant"]]
    env = {
        **os.environ,
        "CFY_MIGRATE_OLD_PASSWORD": over.get("old_password", old.password),
        "CFY_MIGRATE_NEW_PASSWORD": over.get("new_password", new.password),
    }
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=180)
    assert "Traceback" not in proc.stderr, proc.stderr
    data = json.loads(proc.stdout)
    shown = [f for f in data["findings"] if f["status"] != "PASS" and not f["id"].startswith("local.")]
    return Outcome(
        proc.returncode,
        tuple(sorted((f["id"], f["status"]) for f in shown)),
        {f["id"]: f.get("detail") or "" for f in shown},
    )


ROWS = [
    "preflight",
    "wrong_password",
    "unknown_tenant",
    "http_to_port_80",
    "http_to_https_port",
    "same_manager",
]


def run_row(row: str, pair: Pair, state: Path) -> Outcome:
    """One row of the bad-input table."""
    old, new = pair
    if row == "preflight":
        return check(old, new, state)
    if row == "wrong_password":
        return check(old, new, state, old_password="certainly-not-the-password")
    if row == "unknown_tenant":
        return check(old, new, state, old_tenant="no_such_tenant")
    if row == "http_to_port_80":
        return check(old, new, state, old_url=old.http_url)
    if row == "http_to_https_port":
        return check(old, new, state, old_url=old.https_port_as_http)
    if row == "same_manager":
        return check(new, new, state)
    raise AssertionError(row)


EXPECTED = {
    "preflight": (0, "new.version-order", "WARN"),
    "wrong_password": (2, "old.auth", "FAIL"),
    "unknown_tenant": (2, "old.auth", "FAIL"),
    "http_to_port_80": (2, "old.reachable", "FAIL"),
    "http_to_https_port": (2, "old.reachable", "FAIL"),
    "same_manager": (2, "pair.same-manager", "FAIL"),
}


@pytest.mark.parametrize("row", ROWS)
def test_row_same_outcome_on_real_and_simulated_managers(
    row: str, real_pair: Pair, sim_pair: Pair, tmp_path: Path
) -> None:
    real = run_row(row, real_pair, tmp_path / "real")
    sim = run_row(row, sim_pair, tmp_path / "sim")
    code, finding, status = EXPECTED[row]
    assert real.exit_code == code, real
    assert (finding, status) in real.findings, real
    assert (real.exit_code, real.findings) == (sim.exit_code, sim.findings), f"real {real}\nsim  {sim}"
