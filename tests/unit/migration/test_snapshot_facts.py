"""What an archive says about its manager, read from a real 7.1 archive's parts (the manager's
certificate, the COPY blocks of its pg_data, a community metadata.json: tests/fixtures), and the
community repair's copy."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from wizard.migration.archive import inspect_archive
from wizard.migration.archive_repair import REPAIR_KEYS, repair_archive, repaired_path
from wizard.migration.snapshot_facts import inventory_from_dump, read_certificate_ips, read_facts

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "real-responses" / "r71" / "archive"


def _real_archive(path: Path) -> Path:
    """A legacy archive made of the recorded parts of a real 7.1 community snapshot."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", (REAL / "metadata_community.json").read_text())
        zf.writestr("pg_data", (REAL / "pg_data_excerpt.sql").read_text())
        zf.writestr("ssl/cloudify_internal_cert.pem", (REAL / "cloudify_internal_cert.pem").read_bytes())
        zf.writestr("admin_account.json", ' {"id": 0, "username": "admin", "password": "<redacted>"}')
        zf.writestr("networks.json", '{"active_networks": []}')
        zf.writestr("blueprints/", b"")
    return path


def test_the_real_archive_names_its_manager_and_counts_what_it_holds(tmp_path: Path) -> None:
    archive = _real_archive(tmp_path / "real.zip")
    facts = read_facts(archive)
    # the certificate's SANs are 127.0.0.41, 127.0.0.1, localhost, realmgr-1: loopback and localhost
    # are on every manager's certificate and say nothing about which manager it is
    assert facts.manager_ips == ["127.0.0.41"] and facts.hostnames == ["realmgr-1"]
    assert read_certificate_ips(archive) == ["127.0.0.41"]
    assert facts.admin_username == "admin"
    assert facts.inventory is not None
    # what `cfy-migrate run` verified on the real stacks: 3 tenants, 6 blueprints, 8 deployments,
    # 5 installed
    assert facts.inventory.summary() == "3 tenants, 6 blueprints, 8 deployments (5 installed), 0 agents"
    tenant_b = {"blueprints": 1, "deployments": 1, "installed": 0, "agents": 0}
    assert facts.inventory.tenants["tenant_b"] == tenant_b


def test_before_6_0_installed_follows_the_compute_hosts(tmp_path: Path) -> None:
    """No installation_status column: a deployment is installed when its host instances are started."""
    dump = "\n".join(
        [
            "COPY public.tenants (id, name) FROM stdin;",
            "0\tdefault_tenant",
            "\\.",
            "COPY public.deployments (_storage_id, id, _tenant_id) FROM stdin;",
            "1\tup\t0",
            "2\tdown\t0",
            "\\.",
            "COPY public.nodes (_storage_id, id, _deployment_fk, _tenant_id) FROM stdin;",
            "1\thost\t1\t0",
            "2\thost\t2\t0",
            "\\.",
            "COPY public.node_instances (_storage_id, id, host_id, state, _node_fk, _tenant_id) FROM stdin;",
            "1\thost_a\thost_a\tstarted\t1\t0",
            "2\thost_b\thost_b\tdeleted\t2\t0",
            "\\.",
            "",
        ]
    )
    inv = inventory_from_dump(io.BytesIO(dump.encode()))
    assert inv is not None and inv.tenants["default_tenant"]["installed"] == 1
    assert inv.tenants["default_tenant"]["deployments"] == 2


def test_the_repair_adds_the_two_keys_to_a_copy_and_keeps_the_original(tmp_path: Path) -> None:
    original = _real_archive(tmp_path / "real.zip")
    before = hashlib.sha256(original.read_bytes()).hexdigest()
    info, _ = inspect_archive(original)
    assert info.format == "legacy-community"
    dest = repaired_path(original)
    meta = repair_archive(original, dest)
    assert hashlib.sha256(original.read_bytes()).hexdigest() == before
    assert dest.name == "real.repaired.zip" and (dest.stat().st_mode & 0o777) == 0o600
    assert all(meta[k] == "" for k in REPAIR_KEYS) and meta["schema_revision"] == "edd6d829a209"
    repaired, findings = inspect_archive(dest)
    assert repaired.format == "legacy" and all(f.status.value in ("PASS", "SKIP") for f in findings)
    with zipfile.ZipFile(original) as a, zipfile.ZipFile(dest) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if name != "metadata.json":
                assert a.read(name) == b.read(name), name
        assert json.loads(b.read("metadata.json")) == meta
