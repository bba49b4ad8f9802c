"""Outcomes beyond the happy path: an empty restore caught, failing agents and their retry,
maintenance mode, the password prompt after a restore, cancellation."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.integration.engine.conftest import ScriptedDecider, engine_config, manager
from wizard.cloudify.endpoint import Credentials
from wizard.migration.config import RestoreOptions
from wizard.migration.events import AgentUpdate, Event, StepStarted
from wizard.migration.runner import Migration
from wizard.migration.steps import Outcome, StepId


def test_restore_that_restores_nothing_is_a_failure(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", old={"edition": "community"}, new={"edition": "community"})
    blocked = Migration(
        engine_config(pair, tmp_path), on_event=lambda e: None, decider=ScriptedDecider()
    ).run()
    # decided from /version before anything is created: no snapshot on the old manager
    assert blocked.exit_code == 2 and "pair.snapshot-format" in blocked.summary
    assert "--repair-community-archive" in blocked.summary
    assert pair.old.state()["counts"]["snapshots"] == 0
    assert pair.new.state()["restore_history"] == []

    waive = ["pair.snapshot-format=testing the empty restore"]
    blocked = Migration(
        engine_config(pair, tmp_path, waive=waive), on_event=lambda e: None, decider=ScriptedDecider()
    ).run()
    assert blocked.exit_code == 2 and "archive.format" in blocked.summary
    assert pair.new.state()["restore_history"] == []

    config = engine_config(pair, tmp_path, waive=[*waive, "archive.format=testing the empty restore"])
    result = Migration(config, on_event=lambda e: None, decider=ScriptedDecider()).run()
    assert result.exit_code == 1
    verify = next(o for o in result.outcomes if o.step is StepId.VERIFY_INVENTORY)
    assert verify.outcome is Outcome.FAILED
    assert "NOTHING" in verify.detail
    assert len(pair.new.state()["restore_history"]) == 1
    assert pair.new.state()["counts"]["deployments"] == 0


def test_failed_agents_give_exit_3_then_retry_succeeds(
    make_pair, tmp_path: Path, events: list[Event]
) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    pair.new.set_faults(
        "fail_execution:workflow=install_new_agents,deployment=dep-1,times=1,message=host down"
    )
    config = engine_config(pair, tmp_path)
    first = Migration(config, on_event=events.append, decider=ScriptedDecider()).run()
    assert first.exit_code == 3, first.summary
    failed = [e for e in events if isinstance(e, AgentUpdate) and e.status == "failed"]
    assert [e.deployment for e in failed] == ["dep-1"] and "host down" in failed[0].reason

    decider = ScriptedDecider(retry=True)
    second = Migration(config, on_event=lambda e: None, decider=decider).run()
    assert second.exit_code == 0, second.summary
    assert [f.deployment for f in decider.retried[0]] == ["dep-1"]
    runs = [
        e
        for e in pair.new.state()["executions"]
        if e["workflow_id"] == "install_new_agents"
        and e["deployment_id"] == "dep-1"
        and e["status"] in ("terminated", "failed")
    ]
    assert sorted(e["status"] for e in runs)[-2:] == ["failed", "terminated"]


def test_maintenance_mode_is_on_during_restore_and_off_after(make_pair, tmp_path: Path) -> None:
    pair = make_pair("5.2.7", "6.4.2")
    config = engine_config(pair, tmp_path, restore=RestoreOptions(maintenance_mode=True))
    result = Migration(config, on_event=lambda e: None, decider=ScriptedDecider()).run()
    assert result.exit_code == 0, result.summary
    state = pair.new.state()
    assert state["maintenance"] == "deactivated"
    assert state["requests"]["by_route"].get("POST /maintenance/activate") == 1


def test_password_is_asked_when_neither_works(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    # the old manager's admin password is given wrong for the new side's re-login only:
    # after the restore, neither the configured old password nor the new one opens the new manager
    config = engine_config(pair, tmp_path)
    decider = ScriptedDecider(password="old-admin-secret")
    migration = Migration(config, on_event=lambda e: None, decider=decider)
    migration.run_step(StepId.PREFLIGHT_OLD)
    for step in (
        StepId.CREATE_SNAPSHOT,
        StepId.DOWNLOAD,
        StepId.INSPECT_ARCHIVE,
        StepId.PREFLIGHT_NEW,
        StepId.UPLOAD,
        StepId.RESTORE,
    ):
        assert migration.run_step(step).outcome.ok
    ctx = migration._context()
    object.__setattr__(ctx.config.old, "credentials", Credentials("admin", "forgotten"))
    ctx.use_new_credentials(Credentials("admin", "new-admin-secret"))
    import time

    time.sleep(0.5)  # let the simulated post-restore commands switch the password
    outcome = migration.run_step(StepId.REAUTHENTICATE)
    assert outcome.outcome is Outcome.DONE, outcome.detail
    assert decider.asked_passwords and "changed" in outcome.detail


def test_cancel_stops_safely_and_resume_finishes(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    cancel = threading.Event()

    def stop_at_upload(event: Event) -> None:
        if isinstance(event, StepStarted) and event.step is StepId.UPLOAD:
            cancel.set()

    config = engine_config(pair, tmp_path)
    first = Migration(config, on_event=stop_at_upload, decider=ScriptedDecider(), cancel=cancel).run()
    assert first.exit_code in (130, 0)
    second = Migration(config, on_event=lambda e: None, decider=ScriptedDecider()).run()
    assert second.exit_code == 0
    assert len(pair.new.state()["restore_history"]) == 1
    assert len(pair.old.state()["snapshots"]) == 1


def test_non_admin_new_user_is_blocked(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", new={"clean": True})
    config = engine_config(pair, tmp_path, new=manager("new", pair.new.url, "alice", "alice-password"))
    result = Migration(config, on_event=lambda e: None, decider=ScriptedDecider()).run()
    assert result.exit_code in (1, 2)
    assert pair.old.state()["snapshots"] == []
