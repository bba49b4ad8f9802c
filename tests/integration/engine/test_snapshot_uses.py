"""Every use of a snapshot against simulator pairs over real sockets: a backup (manifest, retention,
resume after a kill), a restore from an archive when the old manager is lost (same IP: restored and
verified; another IP: blocked with nothing changed), a migration from an archive one already has
(`run --archive`), and a 7.x community pair (blocked before any snapshot, migrated with the repair)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from tests.integration.engine.conftest import (
    NEW_HOST,
    OLD_HOST,
    OLD_PW,
    Pair,
    ScriptedDecider,
    cli_env,
    engine_config,
    inventory_of,
    manager,
    run_cli,
)
from wizard.migration.backups import MANIFEST_SUFFIX
from wizard.migration.config import BackupOptions, Mode, RestoreOptions, SnapshotOptions
from wizard.migration.runner import Migration, MigrationResult
from wizard.migration.steps import Outcome, StepId

DATA = {"tenants": 2, "deployments": 5, "installed": 3}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _backup(pair: Pair, state: Path, directory: Path, keep: int | None = None) -> MigrationResult:
    config = engine_config(
        pair, state, new=None, mode=Mode.BACKUP, backup=BackupOptions(directory=directory, keep=keep)
    )
    return _run(config)


def _run(config: Any) -> MigrationResult:
    migration = Migration(config, on_event=lambda e: None, decider=ScriptedDecider())
    try:
        return migration.run()
    finally:
        migration.close()


def _manifests(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(directory.glob("*" + MANIFEST_SUFFIX))]


def test_a_backup_keeps_the_archive_and_a_manifest_and_prunes_with_keep(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", old=DATA)
    directory = tmp_path / "backups"
    first = _backup(pair, tmp_path / "state", directory, keep=1)
    assert first.exit_code == 0, first.summary
    [manifest] = _manifests(directory)
    archive = directory / manifest["archive"]
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert manifest["sha256"] == _sha(archive) and manifest["size"] == archive.stat().st_size
    assert manifest["manager"]["version"] == "6.4.2" and manifest["manager"]["ip"] == OLD_HOST
    assert manifest["archive_names"]["manager_ips"] == [OLD_HOST]
    assert manifest["inventory"]["totals"]["deployments"] == 5
    assert manifest["inventory_in_archive"]["totals"] == manifest["inventory"]["totals"]
    assert "keep it as private" in manifest["warning"]
    assert pair.new.state()["requests"]["total"] == 0  # a backup never talks to a new manager

    second = _backup(pair, tmp_path / "state", directory, keep=1)
    assert second.exit_code == 0, second.summary
    [kept] = _manifests(directory)
    assert kept["archive"] != manifest["archive"] and not archive.exists()
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [kept["archive"], kept["archive"] + MANIFEST_SUFFIX]
    )
    assert pair.old.state()["counts"]["snapshots"] == 2


def test_a_backup_killed_after_the_snapshot_request_resumes_without_a_second_snapshot(
    make_pair, tmp_path: Path
) -> None:
    pair = make_pair("6.4.2", "7.0.4", old=DATA)
    args = [
        "backup",
        "--old",
        pair.old.url,
        "--state-dir",
        str(tmp_path / "state"),
        "--dir",
        str(tmp_path / "b"),
    ]
    killed = run_cli(args, env=cli_env(CFY_MIGRATE_FAILPOINT="snapshot.after-put"))
    assert killed.returncode == -9
    done = run_cli([*args, "--json"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert pair.old.state()["counts"]["snapshots"] == 1
    [manifest] = _manifests(tmp_path / "b")
    assert (tmp_path / "b" / manifest["archive"]).is_file()


def _restore_config(pair: Pair, state: Path, archive: Path, **over: Any) -> Any:
    return engine_config(
        pair,
        state,
        old=manager("old", f"https://{OLD_HOST}", password=OLD_PW),
        mode=Mode.RESTORE,
        archive=archive,
        **over,
    )


def test_restore_after_losing_the_old_manager_onto_its_ip(make_pair, make_simulator, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", old=DATA)
    assert _backup(pair, tmp_path / "state", tmp_path / "b").exit_code == 0
    [manifest] = _manifests(tmp_path / "b")
    archive = tmp_path / "b" / manifest["archive"]
    before = _sha(archive)
    expected = inventory_of(pair.old.state())
    pair.old.stop()  # the old manager is lost; its replacement took its IP
    replacement = make_simulator(
        profile="7.0.4", host=OLD_HOST, admin_password="new-admin-secret", clean=True, time_scale=0.02,
        restore_outage=0.3,
    )  # fmt: skip
    lost = Pair(pair.old, replacement)
    config = _restore_config(lost, tmp_path / "state", archive)
    migration = Migration(config, on_event=lambda e: None, decider=ScriptedDecider())
    findings = {f.id: f for f in migration.preflight()}
    # the same IP, but the agents trust the lost manager's CA: said, with the option that fixes it
    assert findings["pair.ip-rule"].status.value == "WARN", findings["pair.ip-rule"]
    assert "--restore-certificates" in (findings["pair.ip-rule"].remediation or "")
    with_certs = _restore_config(
        lost, tmp_path / "other", archive, restore=RestoreOptions(restore_certificates=True)
    )
    check = Migration(with_certs, on_event=lambda e: None, decider=ScriptedDecider())
    assert {f.id: f for f in check.preflight()}["pair.ip-rule"].status.value == "PASS"
    check.close()
    result = migration.run()
    migration.close()
    assert result.exit_code == 0, result.summary
    assert inventory_of(replacement.state()) == expected
    verify = next(o for o in result.outcomes if o.step is StepId.VERIFY_INVENTORY)
    assert verify.outcome is Outcome.DONE
    assert _sha(archive) == before  # the given archive is never changed
    report = json.loads((Path(result.report_paths[0])).read_text())
    assert report["mode"] == "restore" and report["archive"]["source"] == "given"


def test_restore_onto_another_ip_is_blocked_and_changes_nothing(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", old=DATA)
    assert _backup(pair, tmp_path / "state", tmp_path / "b").exit_code == 0
    [manifest] = _manifests(tmp_path / "b")
    archive = tmp_path / "b" / manifest["archive"]
    config = _restore_config(pair, tmp_path / "state", archive)
    result = _run(config)
    assert result.exit_code == 2 and "pair.ip-rule" in result.summary, result.summary
    new = pair.new.state()
    assert new["restore_history"] == [] and new["counts"]["snapshots"] == 0
    # the same through the command line: it names the IP the new manager needs
    cli = run_cli(
        [
            "restore",
            "--archive",
            str(archive),
            "--new",
            pair.new.url,
            "--yes",
            "--state-dir",
            str(tmp_path / "s2"),
        ]
    )
    assert cli.returncode == 2, cli.stdout + cli.stderr
    assert OLD_HOST in cli.stdout + cli.stderr and NEW_HOST in cli.stdout + cli.stderr
    check = run_cli(
        ["check", "--archive", str(archive), "--new", pair.new.url, "--state-dir", str(tmp_path / "s3")]
    )
    assert check.returncode == 2 and "pair.ip-rule" in check.stdout, check.stdout + check.stderr
    assert "The new manager does not have the lost manager's IP" in check.stdout
    assert pair.new.state()["counts"]["snapshots"] == 0 and pair.new.state()["restore_history"] == []


def test_run_with_an_archive_one_already_has(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", old=DATA)
    assert _backup(pair, tmp_path / "state", tmp_path / "b").exit_code == 0
    [manifest] = _manifests(tmp_path / "b")
    archive = tmp_path / "b" / manifest["archive"]
    config = engine_config(pair, tmp_path / "state", archive=archive)
    result = _run(config)
    assert result.exit_code == 0, result.summary
    assert pair.old.state()["counts"]["snapshots"] == 1  # no second snapshot: the archive was used
    assert inventory_of(pair.new.state()) == inventory_of(pair.old.state())
    steps = [o.step for o in result.outcomes]
    assert StepId.IMPORT_ARCHIVE in steps and StepId.CREATE_SNAPSHOT not in steps


def test_run_with_another_managers_archive_names_whose_it_is(
    make_pair, make_simulator, tmp_path: Path
) -> None:
    pair = make_pair("6.4.2", "7.0.4", old=DATA)
    other = make_simulator(profile="6.4.2", host="127.0.0.13", admin_password=OLD_PW, time_scale=0.02)
    config = engine_config(
        Pair(other, pair.new), tmp_path / "state", new=None, mode=Mode.BACKUP,
        backup=BackupOptions(directory=tmp_path / "b"),
    )  # fmt: skip
    assert _run(config).exit_code == 0
    [manifest] = _manifests(tmp_path / "b")
    config = engine_config(pair, tmp_path / "state", archive=tmp_path / "b" / manifest["archive"])
    result = _run(config)
    assert result.exit_code == 2 and "archive.origin" in result.summary, result.summary
    assert pair.new.state()["counts"]["snapshots"] == 0


def test_a_community_7_pair_is_blocked_before_any_snapshot_and_migrates_with_the_repair(
    make_pair, tmp_path: Path
) -> None:
    community = {"edition": "community"}
    pair = make_pair("7.1.0", "7.1.0", old={**DATA, **community}, new=community)
    cli = run_cli(["check", "--old", pair.old.url, "--new", pair.new.url, "--state-dir", str(tmp_path / "s")])
    assert cli.returncode == 2 and "pair.snapshot-format" in cli.stdout, cli.stdout
    assert "--repair-community-archive" in cli.stdout
    assert pair.old.state()["counts"]["snapshots"] == 0

    config = engine_config(pair, tmp_path / "state", repair_community_archive=True)
    migration = Migration(config, on_event=lambda e: None, decider=ScriptedDecider())
    result = migration.run()
    migration.close()
    assert result.exit_code == 0, result.summary
    assert inventory_of(pair.new.state()) == inventory_of(pair.old.state())
    report = json.loads(Path(result.report_paths[0]).read_text())
    archive = report["archive"]
    assert archive["format"] == "legacy-community" and archive["repaired_sha256"]
    original = Path(result.report_paths[0]).parent / f"{report['snapshot']['id']}.zip"
    assert _sha(original) == report["snapshot"]["sha256"] != archive["repaired_sha256"]
    assert os.path.exists(str(original).replace(".zip", ".repaired.zip"))


def test_a_new_format_snapshot_on_community_says_it_is_premium_only(make_pair, tmp_path: Path) -> None:
    """The manager's cause line is kept whole: the premium-only 404, not just "contact sales"."""
    community = {"edition": "community"}
    pair = make_pair("7.1.0", "7.1.0", old={**DATA, **community}, new=community)
    config = engine_config(
        pair,
        tmp_path / "state",
        snapshot=SnapshotOptions(legacy=False),
        waive=["pair.snapshot-format=the new format on purpose"],
    )
    result = _run(config)
    assert result.exit_code == 1, result.summary
    assert "This feature exists only in the premium edition of Cloudify" in result.summary
    assert "Please contact sales" in result.summary
    assert pair.new.state()["counts"]["snapshots"] == 0
