"""`cfy-migrate check`, `run` and `report` as a user runs them: exit codes and output."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.engine.conftest import NEW_PW, OLD_PW, cli_env, run_cli


def test_check_passes_on_a_good_pair(make_pair) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    out = run_cli(["check", "--old", pair.old.url, "--new", pair.new.url])
    assert out.returncode == 0, out.stdout + out.stderr
    assert "= SUMMARY =" in out.stdout and "FAILURES: 0" in out.stdout
    assert "old.inventory" in out.stdout
    assert OLD_PW not in out.stdout + out.stderr and NEW_PW not in out.stdout + out.stderr


def test_check_exit_2_and_json_on_a_dirty_manager(make_pair) -> None:
    pair = make_pair("6.4.2", "7.0.4", new={"clean": False})
    out = run_cli(["check", "--old", pair.old.url, "--new", pair.new.url, "--json"])
    assert out.returncode == 2
    data = json.loads(out.stdout)
    assert "new.clean" in data["blockers"]
    assert data["summary"]["failures"] >= 1


def test_check_wrong_password_names_the_fix(make_pair) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    out = run_cli(
        ["check", "--old", pair.old.url, "--new", pair.new.url], env=cli_env(CFY_MIGRATE_OLD_PASSWORD="wrong")
    )
    assert out.returncode == 2
    assert "old.auth" in out.stdout and "password" in out.stdout


def test_check_without_password_is_a_clear_error(make_pair) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    env = cli_env()
    del env["CFY_MIGRATE_NEW_PASSWORD"]
    out = run_cli(["check", "--old", pair.old.url, "--new", pair.new.url], env=env)
    assert out.returncode == 1
    assert "CFY_MIGRATE_NEW_PASSWORD" in out.stderr and "Traceback" not in out.stderr


def test_check_bad_url_is_a_clear_error() -> None:
    out = run_cli(["check", "--old", "https://127.0.0.11/api/v3.1", "--new", "127.0.0.12"])
    assert out.returncode == 1
    assert "old manager address" in out.stderr and "Traceback" not in out.stderr


def test_run_without_yes_stops_before_restore(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    out = run_cli(["run", "--old", pair.old.url, "--new", pair.new.url, "--state-dir", str(tmp_path)])
    assert out.returncode == 2
    assert "--yes" in out.stdout + out.stderr
    assert pair.new.state()["restore_history"] == []


def test_run_json_lines_and_report(make_pair, tmp_path: Path) -> None:
    pair = make_pair("5.2.7", "6.4.2")
    out = run_cli(
        ["run", "--old", pair.old.url, "--new", pair.new.url, "--yes", "--json", "--state-dir", str(tmp_path)]
    )
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert events[-1]["event"] == "MigrationFinished" and events[-1]["exit_code"] == 0
    assert sum(1 for e in events if e["event"] == "StepProgress") < 200
    report = run_cli(["report", "--state-dir", str(tmp_path), "--json"])
    assert report.returncode == 0
    data = json.loads(report.stdout)
    assert data["schema_version"] == 1 and data["decommission"]["allowed"]
    md = run_cli(["report", "--state-dir", str(tmp_path)])
    assert "Decommissioning" in md.stdout


def test_run_dry_run_changes_nothing(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    out = run_cli(
        ["run", "--old", pair.old.url, "--new", pair.new.url, "--dry-run", "--state-dir", str(tmp_path)],
        env={**cli_env(), "CFY_MIGRATE_OLD_PASSWORD": "", "CFY_MIGRATE_NEW_PASSWORD": ""},
    )
    assert out.returncode == 0, out.stderr
    assert "PUT " in out.stdout and "/restore" in out.stdout and "install_new_agents" in out.stdout
    assert pair.old.state()["requests"]["total"] == 0 and pair.new.state()["requests"]["total"] == 0
    assert not (tmp_path / "migrations").exists()


def test_insecure_warns(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    out = run_cli(["check", "--old", pair.old.url, "--new", pair.new.url, "--insecure"])
    assert "WARNING: --insecure" in out.stderr


def test_corrupt_journal_is_a_clear_error(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    bad = tmp_path / "migrations" / "broken"
    bad.mkdir(parents=True)
    (bad / "journal.json").write_text("{not json")
    out = run_cli(
        [
            "run",
            "--old",
            pair.old.url,
            "--new",
            pair.new.url,
            "--yes",
            "--state-dir",
            str(tmp_path),
            "--migration-id",
            "broken",
        ]
    )
    assert out.returncode == 1
    assert "corrupt" in out.stderr and "mv " in out.stderr and "Traceback" not in out.stderr
