"""Restores the manager refuses (each validation message the simulator produces), a restore that
"succeeds" but restores nothing, and install_new_agents failing for some deployments: each is a
failure in the wizard's words *and* the manager's own, and the agents can be retried."""

from __future__ import annotations

from typing import Any

import pytest

from tests.faults.conftest import (
    NEW_PASSWORD,
    Pair,
    PairFactory,
    installed_deployments,
    managers_fingerprint,
    restores,
    workflow_counts,
)
from wizard.simulator.passwords import hash_password
from wizard.simulator.seed_records import user_record


def _add_second_admin(pair: Pair, name: str, password: str) -> None:
    """A sys_admin who is not the bootstrap admin (white-box: the simulator has no user API)."""
    mgr = pair.new.manager
    with mgr.lock:
        mgr.inv.users[name] = user_record(
            name,
            "sys_admin",
            hash_password(password, f"{name}-salt"),
            {"default_tenant": "user"},
            "2024-01-01T00:00:00.000Z",
        )


CASES: dict[str, dict[str, Any]] = {
    "newer-snapshot": {
        "old": {"profile": "7.0.4"},
        "new": {"profile": "6.4.2"},
        "waive": ["new.version-order", "archive.version"],
        "message": "Cannot restore a newer manager's snapshot on this manager [7.0.4 > 6.4.2]",
    },
    "not-bootstrap-admin": {
        "old": {},
        "new": {},
        "user": "ops",
        "waive": ["new.bootstrap-admin"],
        "message": "Only the bootstrap admin is allowed to perform this action",
    },
    "missing-agent-networks": {
        "old": {"extra_networks": ("net-b",)},
        "new": {},
        "waive": ["new.networks"],
        "message": "Snapshot networks: `net-b` are used by agents, but are missing from the manager",
    },
}


@pytest.mark.parametrize("case", list(CASES))
def test_restore_refused_by_the_manager_is_a_failure_with_its_message(
    make_pair: PairFactory, case: str
) -> None:
    spec = CASES[case]
    pair = make_pair(old=spec["old"], new=spec["new"])
    env = None
    if "user" in spec:
        _add_second_admin(pair, spec["user"], "Ops-S3cret-Def-3")
        pair.extra += ["--new-user", spec["user"]]
        env = {"CFY_MIGRATE_NEW_PASSWORD": "Ops-S3cret-Def-3"}
    new_before = pair.new.state()
    waives = [a for w in spec["waive"] for a in ("--waive", f"{w}=fault-matrix test")]
    result = pair.run("--yes", *waives, env=env)
    assert result.returncode == 1, result.explain()
    assert spec["message"].lower() in result.said, result.explain()
    assert "Traceback" not in result.output
    assert pair.step_status().get("restore") == "failed", pair.step_status()
    assert restores(pair.new) == 1
    assert pair.new.state()["restore_history"][0]["error"], "the simulator recorded no failure?"
    # nothing lost: the new manager keeps what it had, nothing ran on it after the restore
    after = pair.new.state()
    assert after["per_tenant"] == new_before["per_tenant"]
    assert not workflow_counts(pair.new, "install_new_agents")
    # running again does not restore twice behind the user's back
    again = pair.run("--yes", *waives, env=env)
    assert again.returncode != 0, again.explain()
    assert restores(pair.new) == 1, pair.new.state()["restore_history"]


def test_dirty_new_manager_is_blocked_before_anything_changes(make_pair: PairFactory) -> None:
    """The manager's own "not clean" refusal is never reached: the wizard blocks first (a restore
    without force on it would fail; with the new.clean waiver it restores with force, by design)."""
    pair = make_pair(new={"clean": False, "seed": 7})
    before = managers_fingerprint(pair.old, pair.new)
    result = pair.run("--yes")
    assert result.returncode == 2, result.explain()
    assert "new.clean" in result.output and "BLOCKED" in result.output.upper(), result.explain()
    assert managers_fingerprint(pair.old, pair.new) == before


def test_restore_that_would_restore_nothing_is_blocked_before_the_snapshot(make_pair: PairFactory) -> None:
    """7.0.4 takes a community legacy archive for the new format and restores nothing: the
    pair.snapshot-format check says so from /version, before a snapshot is even made; waived,
    archive.format says it again before anything is uploaded."""
    pair = make_pair(old={"edition": "community"}, new={"edition": "community"})
    before = managers_fingerprint(pair.new)
    result = pair.run("--yes")
    assert result.returncode == 2, result.explain()
    assert "pair.snapshot-format" in result.output and "restore NOTHING" in result.output, result.explain()
    assert "--repair-community-archive" in result.output, result.explain()
    assert pair.old.state()["counts"]["snapshots"] == 0
    assert managers_fingerprint(pair.new) == before
    result = pair.run("--yes", "--waive", "pair.snapshot-format=fault-matrix test")
    assert result.returncode == 2, result.explain()
    assert "archive.format" in result.output and "restore NOTHING" in result.output, result.explain()
    assert managers_fingerprint(pair.new) == before


def test_restore_that_restores_nothing_is_a_failure(make_pair: PairFactory) -> None:
    """Waived anyway: the restore "succeeds" and restores nothing; the wizard calls it a failure."""
    pair = make_pair(old={"edition": "community"}, new={"edition": "community"})
    result = pair.run(
        "--yes",
        "--waive",
        "pair.snapshot-format=fault-matrix test",
        "--waive",
        "archive.format=fault-matrix test",
    )
    assert result.returncode == 1, result.explain()
    assert "Traceback" not in result.output
    assert restores(pair.new) == 1 and pair.new.state()["restore_history"][0]["restored"] is False
    assert pair.new.state()["counts"]["deployments"] == 0
    assert not workflow_counts(pair.new, "install_new_agents")
    assert "Successfully restored snapshot" in result.output, result.explain()  # the manager's words
    assert "verify.restored-something" in result.output or "nothing" in result.said, result.explain()


# -- install_new_agents failures ------------------------------------------------------------------
def test_failed_agents_exit_3_listed_and_retryable(pair: Pair) -> None:
    installed = sorted(installed_deployments(pair.old))
    broken = installed[0]
    message = "Simulated agent install failure: host unreachable"
    pair.new.set_faults(f"fail_execution:workflow=install_new_agents,deployment={broken},message={message}")
    first = pair.run("--yes")
    assert first.returncode == 3, first.explain()
    assert broken in first.output and message in first.output, first.explain()
    assert "--retry-failed-agents" in first.output, first.explain()
    counts = workflow_counts(pair.new, "install_new_agents")
    assert set(counts) == set(installed) and all(n == 1 for n in counts.values()), counts
    # a plain second run does not start anything again
    again = pair.run("--yes")
    assert again.returncode == 3, again.explain()
    assert workflow_counts(pair.new, "install_new_agents") == counts
    # the fault is cleared; --retry-failed-agents retries only the failed one
    pair.new.clear_faults()
    retry = pair.run("--yes", "--retry-failed-agents")
    assert retry.returncode == 0, retry.explain()
    counts = workflow_counts(pair.new, "install_new_agents")
    assert counts[broken] == 2 and all(counts[d] == 1 for d in installed if d != broken), counts
    assert restores(pair.new) == 1
    assert NEW_PASSWORD not in retry.output
