"""--restore-certificates made whole: the new manager (same IP, its own CA) reboots after the restore
and comes back with the OLD manager's certificate; cfy-migrate waits the reboot out and verifies it
with the bundle it wrote (the new CA, --old-ca-cert and the snapshot's CAs). --no-reboot is sent
and leaves the certificate alone; onto a cluster the option is refused before anything changes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.integration.engine.conftest import (
    OLD_HOST,
    ScriptedDecider,
    cli_env,
    engine_config,
    manager,
    run_cli,
)
from tests.simulator.helpers import wait_for
from wizard.cloudify.endpoint import Endpoint
from wizard.migration.config import ManagerConfig, RestoreOptions
from wizard.migration.events import LogLine
from wizard.migration.findings import Status
from wizard.migration.runner import Migration


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def two_cas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """CA `old` and CA `new`, each signing a server certificate for the loopback addresses."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed: cannot make test CAs")
    d = tmp_path_factory.mktemp("two-cas")
    (d / "ext.cnf").write_text(
        "subjectAltName="
        + ",".join(f"IP:127.0.0.{i}" for i in range(1, 20))
        + "\nbasicConstraints=CA:FALSE\n"
    )
    out: dict[str, Path] = {}
    for name in ("old", "new"):
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}-ca.key",
                 "-out", f"{name}-ca.pem", "-days", "2", "-subj", f"/CN=cfy-migrate {name} CA",
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)  # fmt: skip
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                 "-subj", f"/CN={name}-manager", cwd=d)  # fmt: skip
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{name}-ca.pem",
                 "-CAkey", f"{name}-ca.key", "-CAcreateserial", "-out", f"{name}.pem", "-days", "2",
                 "-extfile", "ext.cnf", cwd=d)  # fmt: skip
        out |= {
            f"{name}_ca": d / f"{name}-ca.pem",
            f"{name}_cert": d / f"{name}.pem",
            f"{name}_key": d / f"{name}.key",
        }
    return out


def _tls(name: str, files: dict[str, Path]) -> dict[str, Any]:
    return {
        "tls_cert": str(files[f"{name}_cert"]),
        "tls_key": str(files[f"{name}_key"]),
        "tls_ca": str(files[f"{name}_ca"]),
    }


def _config(pair: Any, tmp_path: Path, files: dict[str, Path], **restore: Any) -> Any:
    old = manager("old", pair.old.url)
    new = manager("new", pair.new.url)
    return engine_config(
        pair,
        tmp_path,
        old=ManagerConfig("old", Endpoint.parse(pair.old.url, ca_cert=files["old_ca"]), old.credentials),
        new=ManagerConfig("new", Endpoint.parse(pair.new.url, ca_cert=files["new_ca"]), new.credentials),
        restore=RestoreOptions(restore_certificates=True, **restore),
    )


def _same_ip_pair(make_pair: Any, files: dict[str, Path], **new: Any) -> Any:
    """Old and new on ONE IP (ports differ), as a certificate restore requires."""
    return make_pair(
        "6.4.2",
        "7.0.4",
        old={"hostname": "old-mgr", **_tls("old", files)},
        new={"host": OLD_HOST, "hostname": "new-mgr", "reboot_time": 10.0, **_tls("new", files)} | new,
    )


def _served_by(url: str, ca: Path) -> bool:
    try:
        requests.get(url + "/api/v3.1/version", verify=str(ca), timeout=5)
    except requests.exceptions.SSLError:
        return False
    return True


@pytest.mark.parametrize("reboot", [10.0, 100.0])  # 0.2 s: seen by its new certificate; 2 s: seen down
def test_reboot_waited_out_and_the_old_certificate_verified(
    make_pair, tmp_path: Path, two_cas, reboot: float
) -> None:
    pair = _same_ip_pair(make_pair, two_cas, reboot_time=reboot)
    lines: list[str] = []
    config = _config(pair, tmp_path, two_cas)
    on_event = lambda e: lines.append(e.message) if isinstance(e, LogLine) else None  # noqa: E731
    migration = Migration(config, on_event=on_event, decider=ScriptedDecider())
    findings = {f.id: f for f in migration.preflight()}
    assert findings["pair.ip-rule"].status is Status.PASS
    assert findings["pair.certificates"].status is Status.PASS
    result = migration.run()
    migration.close()
    assert result.exit_code == 0, result.summary
    new = pair.new.state()
    assert new["certificates_restored"] is True and new["reboots"] == 1
    assert new["restore_history"][0]["status"] == "terminated"
    # the new manager now presents the old manager's certificate
    assert _served_by(pair.new.url, two_cas["old_ca"]) and not _served_by(pair.new.url, two_cas["new_ca"])
    (directory,) = (tmp_path / "migrations").iterdir()
    restore = json.loads((directory / "journal.json").read_text())["restore"]
    assert restore["ca_bundle"] == str(directory / "new-manager-ca-bundle.pem")
    assert {"went_down_at", "back_at"} <= set(restore["reboot"])
    assert any("new-manager-ca-bundle.pem" in line and "--new-ca-cert" in line for line in lines)
    assert any("serves the old manager's certificates" in line for line in lines)
    # the bundle trusts the manager as it is now (and is what a later run uses)
    assert _served_by(pair.new.url, Path(restore["ca_bundle"]))


def test_no_reboot_is_sent_and_changes_nothing_until_a_reboot(make_pair, tmp_path: Path, two_cas) -> None:
    pair = _same_ip_pair(make_pair, two_cas)
    migration = Migration(
        _config(pair, tmp_path, two_cas, no_reboot=True), on_event=lambda e: None, decider=ScriptedDecider()
    )
    assert {f.id: f for f in migration.preflight()}["pair.certificates"].status is Status.WARN
    result = migration.run()
    migration.close()
    assert result.exit_code == 0, result.summary
    new = pair.new.state()
    restore = next(e for e in new["executions"] if e["workflow_id"] == "restore_snapshot")
    assert (
        restore["parameters"]["no_reboot"] is True and restore["parameters"]["restore_certificates"] is True
    )
    assert new["certificates_restored"] is True and new["reboots"] == 0
    assert _served_by(pair.new.url, two_cas["new_ca"])


def test_onto_a_cluster_it_is_refused_before_anything_changes(make_pair, tmp_path: Path, two_cas) -> None:
    pair = _same_ip_pair(make_pair, two_cas, managers=2, stopped_managers=1)
    migration = Migration(
        _config(pair, tmp_path, two_cas), on_event=lambda e: None, decider=ScriptedDecider()
    )
    result = migration.run()
    migration.close()
    assert result.exit_code == 2 and "pair.certificates" in result.summary
    for sim in (pair.old, pair.new):
        writes = [r for r in sim.state()["requests"]["by_route"] if r.split()[0] in {"PUT", "POST", "DELETE"}]
        assert writes == []


def test_no_reboot_without_restore_certificates_is_a_config_error() -> None:
    from wizard.migration.config import load_config
    from wizard.migration.errors import ConfigError

    env = {"CFY_MIGRATE_OLD_PASSWORD": "x", "CFY_MIGRATE_NEW_PASSWORD": "y", "CFY_MIGRATE_NO_REBOOT": "1"}
    with pytest.raises(ConfigError) as info:
        load_config(None, env, overrides={"old.url": "https://127.0.0.5", "new.url": "https://127.0.0.6"})
    assert "--restore-certificates" in info.value.remediation


def test_killed_after_the_post_a_resume_verifies_with_the_journaled_bundle(
    make_pair, tmp_path: Path, two_cas
) -> None:
    """The new manager reboots with the old certificate while no run follows it: the next run
    trusts it from its first request (the bundle was journaled before the POST)."""
    pair = _same_ip_pair(make_pair, two_cas)
    args = [
        "run", "--old", pair.old.url, "--new", pair.new.url, "--yes", "--restore-certificates",
        "--old-ca-cert", str(two_cas["old_ca"]), "--new-ca-cert", str(two_cas["new_ca"]),
        "--state-dir", str(tmp_path),
    ]  # fmt: skip
    killed = run_cli(args, env=cli_env(CFY_MIGRATE_FAILPOINT="restore.after-post"))
    assert killed.returncode == -9, killed.stdout + killed.stderr
    wait_for(lambda: pair.new.state()["reboots"] == 1, timeout=30)
    resumed = run_cli(args)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert len(pair.new.state()["restore_history"]) == 1
    assert _served_by(pair.new.url, two_cas["old_ca"])
