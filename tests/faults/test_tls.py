"""TLS: the simulator serves https with a CA the test makes; the wizard verifies by default, works
with --old-ca-cert/--new-ca-cert, fails with a clear message without them (or with the wrong CA,
or with the wrong protocol), and --insecure warns on every run."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.faults.conftest import (
    OLD_PASSWORD,
    REPO,
    Pair,
    PairFactory,
    TlsFiles,
    assert_migrated_once,
    managers_fingerprint,
)
from wizard.cloudify import errors
from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint


def _tls_pair(make_pair: PairFactory, tls: TlsFiles, old_tls: bool = True, new_tls: bool = True) -> Pair:
    cfg = {"tls_cert": str(tls.cert), "tls_key": str(tls.key)}
    return make_pair(old=cfg if old_tls else {}, new=cfg if new_tls else {})


def test_simulator_serves_https_and_the_client_verifies_it(
    make_pair: PairFactory, tls_files: TlsFiles
) -> None:
    pair = _tls_pair(make_pair, tls_files)
    assert pair.old.url.startswith("https://127.0.0.2:")
    good = ManagerClient(
        Endpoint.parse(pair.old.url, ca_cert=tls_files.ca), Credentials("admin", OLD_PASSWORD), retries=0
    )
    assert good.version().version == "6.4.2"
    good.close()
    for ca in (None, tls_files.other_ca):
        bad = ManagerClient(
            Endpoint.parse(pair.old.url, ca_cert=ca), Credentials("admin", OLD_PASSWORD), retries=0
        )
        with pytest.raises(errors.TLSError) as info:
            bad.version()
        assert "certificate" in str(info.value).lower(), str(info.value)
        bad.close()


def test_full_migration_over_https_with_ca_certs(make_pair: PairFactory, tls_files: TlsFiles) -> None:
    pair = _tls_pair(make_pair, tls_files)
    pair.extra += ["--old-ca-cert", str(tls_files.ca), "--new-ca-cert", str(tls_files.ca)]
    result = pair.run("--yes")
    assert_migrated_once(pair, result)
    assert "insecure" not in result.said


@pytest.mark.parametrize("which", ["no-ca-cert", "wrong-ca"])
def test_unverifiable_certificate_is_a_clear_error(
    make_pair: PairFactory, tls_files: TlsFiles, which: str
) -> None:
    pair = _tls_pair(make_pair, tls_files)
    if which == "wrong-ca":
        pair.extra += ["--old-ca-cert", str(tls_files.other_ca), "--new-ca-cert", str(tls_files.other_ca)]
    before = managers_fingerprint(pair.old, pair.new)
    for command in ("check", "run"):
        result = pair.run("--yes", command=command) if command == "run" else pair.run(command=command)
        assert result.returncode in (1, 2), result.explain()
        assert "Traceback" not in result.output
        assert "old.reachable" in result.output and "new.reachable" in result.output, result.explain()
        assert "--old" in result.output, result.explain()
    check = pair.run(command="check")
    low = check.said
    assert "certificate" in low and "could not be verified" in low and "ca-cert" in low, check.explain()
    assert managers_fingerprint(pair.old, pair.new) == before


def test_run_names_the_certificate_problem(make_pair: PairFactory, tls_files: TlsFiles) -> None:
    pair = _tls_pair(make_pair, tls_files)
    result = pair.run("--yes")
    assert result.returncode in (1, 2), result.explain()
    assert "could not be verified" in result.said, result.explain()


@pytest.mark.slow
def test_insecure_warns_on_every_run(make_pair: PairFactory, tls_files: TlsFiles) -> None:
    pair = _tls_pair(make_pair, tls_files)
    check = pair.run("--insecure", command="check")
    assert check.returncode == 0, check.explain()
    first = pair.run("--yes", "--insecure", env={"CFY_MIGRATE_FAILPOINT": "upload.before"})
    assert first.returncode == -signal.SIGKILL
    second = pair.run("--yes", "--insecure")
    assert_migrated_once(pair, second)
    for result in (check, first, second):
        assert "WARNING: --insecure" in result.stderr and "NOT verified" in result.stderr, result.explain()


@pytest.mark.slow
@pytest.mark.parametrize("direction", ["http-to-https", "https-to-http"])
def test_wrong_protocol_is_a_clear_error(make_pair: PairFactory, tls_files: TlsFiles, direction: str) -> None:
    if direction == "http-to-https":
        pair = _tls_pair(make_pair, tls_files, new_tls=False)
        url = pair.old.url.replace("https://", "http://")
        hint = "https"
    else:
        pair = _tls_pair(make_pair, tls_files, old_tls=False, new_tls=False)
        url = pair.old.url.replace("http://", "https://")
        hint = "http://"
    before = managers_fingerprint(pair.old, pair.new)
    for command in ("run", "check"):
        more = ("--yes",) if command == "run" else ()
        result = pair.run(*more, "--old", url, "--old-ca-cert", str(tls_files.ca), command=command)
        assert result.returncode in (1, 2), result.explain()
        assert "Traceback" not in result.output
        assert "old.reachable" in result.output and "protocol" in result.output, result.explain()
    assert hint in result.said, result.explain()  # check's table has the detail
    assert managers_fingerprint(pair.old, pair.new) == before


def test_simulate_command_serves_https(tls_files: TlsFiles, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "wizard", "simulate", "--host", "127.0.0.6", "--time-scale", "0.05",
         "--tls-cert", str(tls_files.cert), "--tls-key", str(tls_files.key)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.strip().rsplit(" ", 1)[-1]
        assert url.startswith("https://127.0.0.6:"), line
        r = requests.get(
            f"{url}/api/v3.1/version", auth=("admin", "admin"), verify=str(tls_files.ca), timeout=10
        )
        assert r.status_code == 200 and r.json()["version"] == "6.4.2"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
    # only one of the pair: a clear refusal
    argv = ["simulate", "--host", "127.0.0.6", "--tls-cert", str(tls_files.cert)]
    bad = subprocess.run(
        [sys.executable, "-m", "wizard", *argv],
        cwd=REPO, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "tls_key" in bad.stderr, bad.stderr
