"""Secrets: a whole migration (interrupted once, resumed) with distinctive passwords leaves them in
no file it writes, no file name, no argv and no output; the Authorization header never appears;
the archive, journal and reports are private (0600 files in 0700 directories)."""

from __future__ import annotations

import base64
import os
import stat
import time
from pathlib import Path

import pytest

from tests.faults.conftest import NEW_PASSWORD, OLD_PASSWORD, Pair, PairFactory, assert_migrated_once

SECRETS = [OLD_PASSWORD, NEW_PASSWORD]


def _forbidden() -> list[bytes]:
    out = []
    for pw in SECRETS:
        out.append(pw.encode())
        out.append(base64.b64encode(f"admin:{pw}".encode()))  # an HTTP Basic header's value
        out.append(pw.encode("utf-16-le"))
    out.append(b"Authorization: Basic")
    return out


def _watch_cmdline(proc_pid: int, seen: list[bytes], until: float) -> None:
    while time.monotonic() < until:
        try:
            seen.append(Path(f"/proc/{proc_pid}/cmdline").read_bytes())
        except OSError:
            return
        time.sleep(0.02)


def _run_watching_argv(
    pair: Pair, *more: str, env: dict[str, str] | None = None
) -> tuple[int, str, list[bytes]]:
    proc = pair.popen(*more, env=env)
    seen: list[bytes] = []
    deadline = time.monotonic() + 90
    while proc.poll() is None and time.monotonic() < deadline:
        _watch_cmdline(proc.pid, seen, time.monotonic() + 0.2)
    out, err = proc.communicate(timeout=30)
    return proc.returncode, out + err, seen


def test_passwords_never_written_shown_or_passed_in_argv(pair: Pair, tmp_path: Path) -> None:
    # the old password from a 0600 file, the new one from the environment
    pw_file = tmp_path / "old-password"
    pw_file.write_text(OLD_PASSWORD + "\n")
    pw_file.chmod(0o600)
    del pair.env["CFY_MIGRATE_OLD_PASSWORD"]
    pair.extra += ["--old-password-file", str(pw_file)]

    rc1, out1, argv1 = _run_watching_argv(
        pair, "--yes", "--json", env={"CFY_MIGRATE_FAILPOINT": "download.after-first-chunk"}
    )
    assert rc1 < 0, out1
    rc2, out2, argv2 = _run_watching_argv(pair, "--yes")
    assert rc2 == 0, out2
    assert argv1 and argv2, "never saw the running process"
    for blob in argv1 + argv2 + [out1.encode(), out2.encode()]:
        for bad in _forbidden():
            assert bad not in blob, f"{bad!r} leaked into argv or output"

    # every file the runs wrote, under the state dir and the (hermetic) HOME, and their names
    home = Path(pair.env["HOME"])
    files = [p for root in (pair.state_dir, home) for p in root.rglob("*") if p.is_file()]
    assert any(p.name == "journal.json" for p in files)
    assert any(p.suffix == ".zip" for p in files)
    assert any(p.name == "report.md" for p in files) and any(p.name == "report.json" for p in files)
    for path in files:
        data = path.read_bytes()
        for bad in _forbidden():
            assert bad not in data, f"{bad!r} found in {path}"
        for pw in SECRETS:
            assert pw not in str(path)
    logs = [p for p in files if p.suffix in {".log", ".jsonl"} or "log" in p.name]
    for log in logs:
        assert b"Authorization" not in log.read_bytes(), log


def test_archive_journal_and_reports_are_private(pair: Pair) -> None:
    killed = pair.run("--yes", env={"CFY_MIGRATE_FAILPOINT": "download.after-first-chunk"})
    assert killed.returncode < 0
    migration_dir = pair.journals()[0].parent
    partial = [p for p in migration_dir.iterdir() if p.name.endswith(".part")]
    assert partial, list(migration_dir.iterdir())
    assert stat.S_IMODE(partial[0].stat().st_mode) == 0o600
    result = pair.run("--yes")
    assert_migrated_once(pair, result)
    assert stat.S_IMODE(migration_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(pair.state_dir.stat().st_mode) & 0o077 == 0
    names = {p.name: p for p in migration_dir.iterdir()}
    assert "journal.json" in names and "report.json" in names and "report.md" in names
    assert any(n.endswith(".zip") for n in names)
    for name, path in names.items():
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == 0o600, f"{name} has mode {mode:04o}"
    assert os.stat(pair.journals()[0]).st_uid == os.getuid()


def test_a_password_equal_to_the_user_name_still_migrates(make_pair: PairFactory) -> None:
    pair = make_pair(old={"admin_password": "admin"}, new={"admin_password": "admin"})
    pair.env["CFY_MIGRATE_OLD_PASSWORD"] = "admin"
    pair.env["CFY_MIGRATE_NEW_PASSWORD"] = "admin"
    assert_migrated_once(pair, pair.run("--yes"))


def test_debug_logs_of_the_client_carry_no_credentials(pair: Pair, caplog: pytest.LogCaptureFixture) -> None:
    """Everything the client and urllib3 log at DEBUG, including a refused login and a retried
    5xx, holds no password and no Authorization header."""
    import logging

    from wizard.cloudify import errors
    from wizard.cloudify.client import ManagerClient
    from wizard.cloudify.endpoint import Credentials, Endpoint

    caplog.set_level(logging.DEBUG)
    pair.old.set_faults("http_error:path=/deployments,status=503,count=1")
    good = ManagerClient(
        Endpoint.parse(pair.old.url), Credentials("admin", OLD_PASSWORD), retries=2, backoff=0.01
    )
    good.version()
    list(good.deployments())
    bad = ManagerClient(Endpoint.parse(pair.old.url), Credentials("admin", NEW_PASSWORD), retries=0)
    with pytest.raises(errors.UnauthorizedError) as info:
        bad.current_user()
    good.close()
    bad.close()
    assert caplog.records, "nothing was logged at DEBUG"
    text = caplog.text + str(info.value) + repr(good) + repr(bad)
    for blob in _forbidden():
        assert blob.decode("latin-1") not in text
    assert "authorization" not in text.lower()
