"""Bad input: each one a clear error that names the fix, and NOTHING changes on either manager
(compared through sim.state() before and after a `run --yes`)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import (
    OLD_PASSWORD,
    REPO,
    Pair,
    PairFactory,
    Result,
    managers_fingerprint,
    snapshots_created,
)
from wizard.cloudify import errors
from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.simulator import RunningSimulator


def _closed_port(host: str = "127.0.0.4") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


#: Runs the wizard with name resolution of *.invalid failing inside the process, so that no DNS
#: query leaves the machine (this host's resolver is not on loopback).
NO_DNS = """
import runpy, socket, sys
_real = socket.getaddrinfo
def _local_only(host, *a, **k):
    if isinstance(host, str) and host.rstrip('.').endswith('.invalid'):
        raise socket.gaierror(socket.EAI_NONAME, 'Name or service not known')
    return _real(host, *a, **k)
socket.getaddrinfo = _local_only
sys.argv = ['cfy-migrate'] + sys.argv[1:]
runpy.run_module('wizard', run_name='__main__')
"""


def _run_no_dns(pair: Pair, *more: str) -> Result:
    argv = pair.args("--yes", *more)
    proc = subprocess.run(
        [sys.executable, "-c", NO_DNS, *argv], cwd=REPO, env=pair.env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    return Result(argv, proc.returncode, proc.stdout, proc.stderr, 0.0)


Setup = Callable[[Pair, Path], tuple[list[str], dict[str, str]]]


def _args(*a: str) -> Setup:
    return lambda _p, _t: (list(a), {})


def _password_file_dir(p: Pair, t: Path) -> tuple[list[str], dict[str, str]]:
    p.env.pop("CFY_MIGRATE_OLD_PASSWORD")
    (t / "pwdir").mkdir()
    return ["--old-password-file", str(t / "pwdir")], {}


def _password_file_missing(p: Pair, t: Path) -> tuple[list[str], dict[str, str]]:
    p.env.pop("CFY_MIGRATE_OLD_PASSWORD")
    return ["--old-password-file", str(t / "no-such-file")], {}


def _password_file_world_readable(p: Pair, t: Path) -> tuple[list[str], dict[str, str]]:
    p.env.pop("CFY_MIGRATE_OLD_PASSWORD")
    f = t / "pw"
    f.write_text(OLD_PASSWORD + "\n")
    f.chmod(0o644)
    return ["--old-password-file", str(f)], {}


def _same_manager(p: Pair, _t: Path) -> tuple[list[str], dict[str, str]]:
    return ["--new", p.old.url], {"CFY_MIGRATE_NEW_PASSWORD": OLD_PASSWORD}


def _closed(p: Pair, _t: Path) -> tuple[list[str], dict[str, str]]:
    return ["--old", f"http://127.0.0.4:{_closed_port()}"], {}


# label -> (setup, new-manager overrides, accepted exit codes, words (any) the message must contain)
CASES: dict[str, tuple[Setup, dict[str, Any], set[int], tuple[str, ...]]] = {
    "malformed-url-port": (_args("--old", "http://127.0.0.2:99999"), {}, {1}, ("port",)),
    "malformed-url-path": (_args("--new", "http://127.0.0.3/api/v3.1"), {}, {1}, ("path",)),
    "malformed-url-scheme": (_args("--old", "ftp://127.0.0.2"), {}, {1}, ("http://", "https://")),
    "closed-port": (_closed, {}, {1, 2}, ("refused", "not listening", "cannot be reached")),
    "wrong-password": (
        _args(),
        {},
        {1, 2},
        ("password", "401", "unauthori"),
    ),
    "unknown-tenant": (_args("--old-tenant", "no_such_tenant"), {}, {1, 2}, ("tenant",)),
    "non-admin-user": (_args("--old-user", "alice"), {}, {1, 2}, ("admin",)),
    "same-manager-twice": (_same_manager, {}, {2}, ("same",)),
    "older-new-manager": (_args(), {"profile": "5.2.7", "clean": True}, {2}, ("version", "older")),
    "dirty-new-manager": (_args(), {"clean": False, "seed": 5}, {2}, ("clean",)),
    "password-file-missing": (_password_file_missing, {}, {1}, ("does not exist", "no such")),
    "password-file-is-a-directory": (_password_file_dir, {}, {1}, ("regular file", "not a file")),
    "password-file-world-readable": (_password_file_world_readable, {}, {1}, ("0600", "chmod", "mode")),
    # option values checked before anything runs (issues 14 and 16)
    "waive-typo": (_args("--waive", "new.claen"), {}, {1}, ("did you mean new.clean",)),
    "restore-timeout-negative": (
        lambda _p, _t: ([], {"CFY_MIGRATE_RESTORE_TIMEOUT": "-1"}), {}, {1}, ("positive number",),
    ),
    "poll-interval-negative": (_args("--poll-interval", "-1"), {}, {1}, ("positive number",)),
    "agent-timeout-negative": (_args("--agent-timeout", "-5"), {}, {1}, ("positive number",)),
    "agent-manager-ip-not-an-ip": (
        _args("--agent-manager-ip", "not an ip;rm -rf"), {}, {1}, ("is not an ip address",),
    ),
    "agent-tenants-typo": (
        _args("--agent-tenants", "tenant-l"), {}, {2}, ("not a tenant of the old manager",),
    ),
    "agent-tenants-typo-names-the-known-ones": (
        _args("--agent-tenants", "tenant-l"), {}, {2}, ("tenants it has: default_tenant, tenant-1",),
    ),
    "agent-concurrency-zero": (_args("--agent-concurrency", "0"), {}, {1}, ("--agent-concurrency 0",)),
    "agent-max-failure-rate-out-of-range": (
        _args("--agent-max-failure-rate", "5"), {}, {1}, ("not between 0 and 1",),
    ),
    "shared-state-dir": (
        lambda _p, t: (["--state-dir", str(_open_dir(t))], {}), {}, {1}, ("other users", "private"),
    ),
}


def _open_dir(tmp: Path) -> Path:
    shared = tmp / "shared-tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    return shared


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_a_clear_error_and_changes_nothing(
    make_pair: PairFactory, tmp_path: Path, case: str
) -> None:
    setup, new_cfg, codes, words = CASES[case]
    pair = make_pair(new=new_cfg)
    more, env = setup(pair, tmp_path)
    if case == "wrong-password":
        env = {"CFY_MIGRATE_OLD_PASSWORD": "Not-The-Password-9"}
    if case == "non-admin-user":
        env = {"CFY_MIGRATE_OLD_PASSWORD": "alice-password"}
    before = managers_fingerprint(pair.old, pair.new)
    result = pair.run("--yes", *more, env=env, timeout=60)
    assert result.returncode in codes, result.explain()
    assert "Traceback" not in result.output, result.explain()
    low = result.said
    assert any(w.lower() in low for w in words), result.explain()
    assert managers_fingerprint(pair.old, pair.new) == before
    assert "Not-The-Password-9" not in result.output
    if case == "shared-state-dir":
        assert (tmp_path / "shared-tmp").stat().st_mode & 0o7777 == 0o1777  # never chmodded


def test_unknown_host_in_the_invalid_tld(pair: Pair) -> None:
    before = managers_fingerprint(pair.old, pair.new)
    result = _run_no_dns(pair, "--old", "https://cfy-old.invalid")
    assert result.returncode in (1, 2), result.explain()
    assert "Traceback" not in result.output, result.explain()
    low = result.said
    assert "old.reachable" in low and "check the address given with --old" in low, result.explain()
    assert managers_fingerprint(pair.old, pair.new) == before


def _corrupt_the_journal(pair: Pair) -> Path:
    first = pair.run("--yes", env={"CFY_MIGRATE_FAILPOINT": "download.after-first-chunk"})
    assert first.returncode < 0, first.explain()
    journal = pair.journals()[0]
    journal.write_text(journal.read_text()[:200])  # cut in the middle of the JSON
    return journal


def _assert_corrupt_journal_error(pair: Pair, journal: Path, result: Result, before: object) -> None:
    assert result.returncode == 1, result.explain()
    assert "Traceback" not in result.output, result.explain()
    assert "journal" in result.said and "corrupt" in result.said and "--fresh" in result.said, (
        result.explain()
    )
    assert managers_fingerprint(pair.old, pair.new) == before
    assert snapshots_created(pair.old) == 1
    assert journal.exists() and len(journal.read_text()) == 200  # left for the administrator


def test_corrupt_journal_named_by_id_is_a_clear_error(pair: Pair) -> None:
    journal = _corrupt_the_journal(pair)
    before = managers_fingerprint(pair.old, pair.new)
    result = pair.run("--yes", "--migration-id", journal.parent.name)
    _assert_corrupt_journal_error(pair, journal, result, before)


def test_corrupt_journal_of_the_unfinished_migration_is_a_clear_error(pair: Pair) -> None:
    journal = _corrupt_the_journal(pair)
    before = managers_fingerprint(pair.old, pair.new)
    result = pair.run("--yes")
    _assert_corrupt_journal_error(pair, journal, result, before)


def test_invalid_snapshot_id_is_a_typed_error_and_changes_nothing(
    make_simulator: Callable[..., RunningSimulator],
) -> None:
    sim = make_simulator(host="127.0.0.2", admin_password=OLD_PASSWORD)
    before = managers_fingerprint(sim)
    client = ManagerClient(
        Endpoint.parse(sim.url), Credentials("admin", OLD_PASSWORD, "default_tenant"), retries=1, backoff=0.01
    )
    for bad in ("1-starts-with-a-digit", "has space", "x" * 300, "semi;colon"):
        with pytest.raises(errors.BadParametersError) as info:
            client.create_snapshot(bad)
        assert "snapshot_id" in str(info.value), str(info.value)
    with pytest.raises(errors.NotFoundError):
        client.get_snapshot("no-such-snapshot")
    assert managers_fingerprint(sim) == before
    client.close()


def test_no_password_at_all_names_the_three_ways(pair: Pair) -> None:
    pair.env.pop("CFY_MIGRATE_NEW_PASSWORD")
    before = managers_fingerprint(pair.old, pair.new)
    proc = subprocess.run(
        [sys.executable, "-m", "wizard", *pair.args("--yes")], cwd=REPO, env=pair.env,
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, check=False,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "CFY_MIGRATE_NEW_PASSWORD" in out and "--new-password-file" in out, out
    assert managers_fingerprint(pair.old, pair.new) == before
    assert os.environ.get("CFY_MIGRATE_NEW_PASSWORD") is None
