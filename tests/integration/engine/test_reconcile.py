"""The managers are the truth, the journal a memory: the reconcile scenarios of issue 10.

Each test makes the records and a manager (or the archive on disk) disagree, then runs again and
checks, through the simulators' own state, that the migration either finishes with nothing done
twice or stops with one clear line that names the command to continue. (The wizard's scenarios —
Esc during the restore, quit and resume, a corrected URL — are in tests/tui/test_reconcile_tui.py;
two runs at once in tests/faults/test_run_lock.py.)
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from tests.integration.engine.conftest import (
    NEW_HOST,
    Pair,
    ScriptedDecider,
    engine_config,
    manager,
)
from tests.integration.engine.cutting_proxy import CuttingProxy
from wizard.migration.events import Event, LogLine
from wizard.migration.runner import Migration
from wizard.migration.state import Journal
from wizard.migration.steps import Outcome, StepId
from wizard.simulator import start_simulator


def migrate(
    pair: Pair,
    state_dir: Path,
    *,
    events: list[Event] | None = None,
    decider: ScriptedDecider | None = None,
    **config: Any,
) -> Any:
    """One in-process run with a confirming decider; closes the migration (frees its lock)."""
    m = Migration(
        engine_config(pair, state_dir, **config),
        on_event=(events.append if events is not None else lambda e: None),
        decider=decider or ScriptedDecider(),
    )
    try:
        return m.run()
    finally:
        m.close()


def journal_of(state_dir: Path) -> Journal:
    (path,) = (state_dir / "migrations").glob("*/journal.json")
    return Journal.load(path)


def restores(pair: Pair) -> int:
    return len(pair.new.state()["restore_history"])


def snapshot_creates(pair: Pair) -> int:
    return sum(1 for e in pair.old.state()["executions"] if e["workflow_id"] == "create_snapshot")


def deployments(sim: Any) -> dict[str, list[str]]:
    return {
        t: sorted(d["id"] for d in v["deployments"])
        for t, v in sim.state()["per_tenant"].items()
        if v["deployments"]
    }


#: the steps before the restore, for the tests that stop right there
UP_TO_THE_UPLOAD = (
    StepId.PREFLIGHT_OLD,
    StepId.CREATE_SNAPSHOT,
    StepId.DOWNLOAD,
    StepId.INSPECT_ARCHIVE,
    StepId.PREFLIGHT_NEW,
    StepId.UPLOAD,
)


def said(events: list[Event]) -> str:
    return "\n".join(e.message for e in events if isinstance(e, LogLine))


def test_without_yes_nothing_reaches_the_new_manager(make_pair, tmp_path: Path) -> None:
    """Scenario 10: a run without the confirmation stops BEFORE the upload."""
    pair = make_pair("6.4.2", "7.0.4")
    before = pair.new.state()
    result = migrate(pair, tmp_path, decider=ScriptedDecider(confirm=False))
    assert result.exit_code == 2, result.summary
    upload = next(o for o in result.outcomes if o.step is StepId.UPLOAD)
    assert upload.outcome is Outcome.DECLINED and "nothing was sent to the new manager" in upload.detail
    after = pair.new.state()
    assert after["snapshots"] == before["snapshots"] == [] and after["restore_history"] == []
    assert "--yes" in upload.remediation
    # the snapshot and the archive are kept: confirming later goes on from there
    assert migrate(pair, tmp_path).exit_code == 0
    assert snapshot_creates(pair) == 1 and restores(pair) == 1


def test_archive_changed_after_the_download_is_downloaded_again(make_pair, tmp_path: Path) -> None:
    """Scenario 5: same size, valid CRCs, one deployment renamed inside the dump: never sent."""
    pair = make_pair("6.4.2", "7.0.4")
    assert migrate(pair, tmp_path, decider=ScriptedDecider(confirm=False)).exit_code == 2
    j = journal_of(tmp_path)
    archive = j.archive_path()
    original_sha = j.state.archive.sha256
    size = archive.stat().st_size
    entries: list[tuple[zipfile.ZipInfo, bytes]] = []
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            entries.append((info, zf.read(info)))
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as out:
        for info, data in entries:
            out.writestr(info, data.replace(b"dep-1", b"dep-X"))
    archive.write_bytes(tampered.getvalue())
    with zipfile.ZipFile(archive) as zf:
        assert zf.testzip() is None  # every CRC valid: only the sha256 can tell
    events: list[Event] = []
    result = migrate(pair, tmp_path, events=events)
    assert result.exit_code == 0, result.summary
    assert "changed since its download" in said(events) and "Downloading" in said(events)
    assert deployments(pair.new) == deployments(pair.old)  # the original data, not the altered
    state = journal_of(tmp_path).state
    assert state.archive.sha256 == original_sha and state.archive.discarded[-1]["reason"] in (
        "content changed",
        "size changed",
    )
    assert list(archive.parent.glob(f"{archive.name}.discarded-*")), "the changed file is kept aside"
    assert snapshot_creates(pair) == 1 and restores(pair) == 1
    assert size > 0


def test_a_flipped_byte_after_the_inspection_never_reaches_the_restore(make_pair, tmp_path: Path) -> None:
    """Scenario 5: a byte flipped (or the file truncated) after the inspection."""
    pair = make_pair("6.4.2", "7.0.4")
    assert migrate(pair, tmp_path, decider=ScriptedDecider(confirm=False)).exit_code == 2
    archive = journal_of(tmp_path).archive_path()
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data[: len(data) - 7]))
    result = migrate(pair, tmp_path)
    assert result.exit_code == 0, result.summary
    assert restores(pair) == 1 and deployments(pair.new) == deployments(pair.old)


def test_a_bad_deflate_stream_is_an_integrity_failure_not_a_traceback(tmp_path: Path) -> None:
    """Scenario 5: zlib.error inside the inspection becomes archive.integrity FAIL."""
    from wizard.migration.archive import inspect_archive

    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", json.dumps({"snapshot_version": "6.4.2"}) * 50)
    raw = bytearray(path.read_bytes())
    start = raw.index(b"metadata.json") + len(b"metadata.json")  # the local header's name ends here
    for i in range(start + 2, start + 30):
        raw[i] = 0xFF  # garbage inside the deflate stream
    path.write_bytes(bytes(raw))
    _info, findings = inspect_archive(path)
    integrity = next(f for f in findings if f.id == "archive.integrity")
    assert integrity.status.value == "FAIL"


def test_an_upload_cut_short_is_caught_and_sent_again(make_pair, tmp_path: Path) -> None:
    """Scenario 6: the manager kept a quarter of the bytes and said `uploaded`."""
    pair = make_pair("6.4.2", "7.0.4", old={"snapshot_size": 400_000})
    with CuttingProxy((pair.new.host, pair.new.port), NEW_HOST, cuts=1) as proxy:
        events: list[Event] = []
        result = migrate(pair, tmp_path, events=events, new=manager("new", proxy.url))
        assert proxy.cut == 1
    assert result.exit_code == 0, result.summary
    assert "cut short" in said(events)
    state = journal_of(tmp_path).state
    assert state.upload.verified and state.upload.remote_size == state.archive.size
    assert restores(pair) == 1


def test_an_upload_always_cut_short_is_a_clear_failure(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", old={"snapshot_size": 400_000})
    with CuttingProxy((pair.new.host, pair.new.port), NEW_HOST, cuts=99) as proxy:
        result = migrate(pair, tmp_path, new=manager("new", proxy.url))
    assert result.exit_code == 1
    upload = next(o for o in result.outcomes if o.step is StepId.UPLOAD)
    assert "keeps only" in upload.detail and "proxy" in upload.remediation
    assert restores(pair) == 0


def test_a_failed_restore_then_a_reinstalled_manager_restores_afresh(make_pair, tmp_path: Path) -> None:
    """Scenario 3: refused restore; running again says "reinstall" at once (no 4 h wait); after
    the manager is reinstalled clean at the same address, upload and restore happen again."""
    pair = make_pair("6.4.2", "7.0.4")
    pair.new.set_faults("fail_execution:workflow=restore_snapshot,message=disk full on the manager")
    first = migrate(pair, tmp_path)
    assert first.exit_code == 1 and "disk full on the manager" in first.summary
    assert "reinstall" in first.summary
    again = migrate(pair, tmp_path, restore=_short_restore())
    assert again.exit_code == 1 and "reinstall" in again.summary
    restore = next(o for o in again.outcomes if o.step is StepId.RESTORE)
    assert "failed" in restore.detail
    # reinstall: a clean manager at the same address
    host, port, cfg = pair.new.host, pair.new.port, pair.new.config
    pair.new.stop()
    fresh = start_simulator(
        type(cfg)(**{**vars(cfg), "port": port, "host": host, "faults": None, "_validated": False})
    )
    try:
        pair.new = fresh
        events: list[Event] = []
        third = migrate(pair, tmp_path, events=events)
        assert third.exit_code == 0, third.summary
        assert "gone" in said(events) and "Uploading and restoring again" in said(events)
        assert len(fresh.state()["restore_history"]) == 1
        assert deployments(fresh) == deployments(pair.old)
        assert journal_of(tmp_path).state.restore.abandoned
    finally:
        fresh.stop()


def _short_restore() -> Any:
    from wizard.migration.config import RestoreOptions

    return RestoreOptions(timeout=30)


def test_everything_gone_makes_a_new_snapshot_instead_of_looping(make_pair, tmp_path: Path) -> None:
    """Scenario 8: the snapshot deleted on the old manager, the uploaded one on the new, the
    archive on disk: a new snapshot is made (no "run again" forever)."""
    pair = make_pair("6.4.2", "7.0.4")

    class StopBeforeRestore(ScriptedDecider):
        calls = 0

        def confirm_restore(self, summary: Any) -> bool:  # confirm the upload, refuse the restore
            self.calls += 1
            return self.calls == 1

    m = Migration(engine_config(pair, tmp_path), on_event=lambda e: None, decider=StopBeforeRestore())
    try:
        for step in UP_TO_THE_UPLOAD:
            assert m.run_step(step).outcome.ok
    finally:
        m.close()
    j = journal_of(tmp_path)
    sid = j.state.snapshot.id
    assert sid is not None
    from wizard.cloudify.client import ManagerClient

    for sim, cfg in ((pair.old, manager("old", pair.old.url)), (pair.new, manager("new", pair.new.url))):
        with ManagerClient(cfg.endpoint, cfg.credentials) as client:
            client.delete_snapshot(sid)
        assert sim.state()["snapshots"] == [] or all(s["id"] != sid for s in sim.state()["snapshots"])
    j.archive_path().unlink()
    events: list[Event] = []
    result = migrate(pair, tmp_path, events=events)
    assert result.exit_code == 0, result.summary
    assert "a new snapshot is created" in said(events)
    state = journal_of(tmp_path).state
    assert state.snapshot.id != sid and sid in state.snapshot.replaced_ids
    assert snapshot_creates(pair) == 2 and restores(pair) == 1
    assert deployments(pair.new) == deployments(pair.old)


def test_the_inventory_baseline_is_taken_right_before_the_snapshot(make_pair, tmp_path: Path) -> None:
    """Scenario 9: a deployment uninstalled on the old manager after the preflight: the restore is
    compared with the old manager as the snapshot took it (no "missing inventory" forever)."""
    pair = make_pair("6.4.2", "7.0.4")
    m = Migration(engine_config(pair, tmp_path), on_event=lambda e: None, decider=ScriptedDecider())
    try:
        assert m.run_step(StepId.PREFLIGHT_OLD).outcome.ok
    finally:
        m.close()
    before = journal_of(tmp_path).state.inventory.old
    assert before is not None
    tenant, dep = _an_installed_deployment(pair)
    from wizard.cloudify.client import ManagerClient

    cfg = manager("old", pair.old.url)
    with ManagerClient(cfg.endpoint, cfg.credentials) as client:
        ex = client.start_execution(dep, "uninstall", tenant=tenant)
        import time

        deadline = time.monotonic() + 30
        while not client.get_execution(ex.id, tenant=tenant).finished:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    events: list[Event] = []
    result = migrate(pair, tmp_path, events=events)
    assert result.exit_code == 0, result.summary
    assert "changed since the preflight" in said(events)
    after = journal_of(tmp_path).state.inventory.old
    assert after is not None and after != before


def _an_installed_deployment(pair: Pair) -> tuple[str, str]:
    for tenant, v in pair.old.state()["per_tenant"].items():
        for d in v["deployments"]:
            if d["installation_status"] == "active":
                return tenant, d["id"]
    raise AssertionError("no installed deployment")


def test_preflight_while_this_migrations_restore_runs_does_not_block(make_pair, tmp_path: Path) -> None:
    """Scenario 2, headless: detached from a running restore, the checks run again while the new
    manager restarts: its login failures are warnings, new.clean says "restored by this migration"."""
    import threading

    pair = make_pair("6.4.2", "7.0.4", new={"restore_outage": 200.0, "outage_mode": "refuse"})
    cancel = threading.Event()
    m = Migration(
        engine_config(pair, tmp_path), on_event=lambda e: None, decider=ScriptedDecider(), cancel=cancel
    )
    try:
        for step in UP_TO_THE_UPLOAD:
            assert m.run_step(step).outcome.ok
        timer = threading.Timer(1.0, cancel.set)
        timer.start()
        assert m.run_step(StepId.RESTORE).outcome is Outcome.DETACHED
        cancel.clear()
        findings = {f.id: f for f in m.preflight()}
    finally:
        m.close()
    assert (
        findings["new.clean"].status.value == "PASS"
        and "Restored by this migration" in findings["new.clean"].title
    )
    assert not [f.id for f in findings.values() if f.blocking and f.id.startswith("new.")], findings
    assert migrate(pair, tmp_path).exit_code == 0
    assert restores(pair) == 1


def test_a_restore_measured_on_a_real_71_stack(make_pair, tmp_path: Path) -> None:
    """The legacy restore as a real 7.1 manager behind nginx does it: two REST restarts answered
    502, ~26 s (scaled) in which neither admin password works, the event log replaced by the
    database swap. The engine waits it all out, reads the new log from its start, and finishes."""
    pair = make_pair(
        "7.0.4",
        "7.1.0",
        new={
            "outage_mode": "nginx",
            "restore_auth_gap": True,
            "outage_hang": 0.5,
            "restore_outage": 11.0,
            "restore_outage2": 3.0,
            "time_scale": 0.05,
        },
    )
    events: list[Event] = []
    result = migrate(pair, tmp_path, events=events)
    assert result.exit_code == 0, result.summary
    text = said(events)
    # the log after the database swap is shown from its start, the old admin's hash redacted
    assert "Restoring database" in text and "Successfully restored snapshot" in text
    assert "pbkdf2" not in text and "password='***'" in text
    assert "switched to the OLD" not in text  # never claimed while neither password works
    state = journal_of(tmp_path).state
    assert state.credentials.which == "old" and state.credentials.changed
    assert restores(pair) == 1
