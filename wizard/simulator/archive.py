"""Snapshot archives: REAL zip files in the legacy layout (metadata.json, pg_data, admin_account.json,
networks.json, agents.json ...) or the 7.x new layout (mgmt/, tenants/), and reading them back.

``pg_data`` is shaped like a real plain-SQL dump (pg_dump.py) with the simulator's own inventory as a
trailing comment line, which is what a legacy restore loads. Padding for large-transfer tests is
streamed, never held in memory.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from typing import Any

from .pg_dump import read_sim_dump, render_pg_data

PADDING_NAME = "sim-padding.bin"
_CHUNK = b"\0" * (1 << 20)

FAKE_CA = (
    "-----BEGIN CERTIFICATE-----\nMIIBsimulatedCAcertificateForCfySimulatorOnly0000000000000000\n"
    "-----END CERTIFICATE-----\n"
)


@dataclass
class ArchiveContents:
    """What a restore needs from an archive."""

    names: list[str]
    metadata: dict[str, Any]
    networks: dict[str, Any] = field(default_factory=dict)
    agents: dict[str, Any] = field(default_factory=dict)
    admin_account: dict[str, Any] | None = None
    dump: dict[str, Any] | None = None
    new_format: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: the archive's ssl/ files (name -> PEM text): what a certificate restore puts in place
    ssl: dict[str, str] = field(default_factory=dict)


def _write_json(zf: zipfile.ZipFile, name: str, data: Any, prefix: str = "") -> None:
    zf.writestr(name, prefix + json.dumps(data), compress_type=zipfile.ZIP_DEFLATED)


def _pad(zf: zipfile.ZipFile, fh: Any, pad_to: int | None) -> None:
    if not pad_to:
        return
    name_len = len(PADDING_NAME)
    central = sum(46 + len(i.filename.encode()) + len(i.extra) + len(i.comment) for i in zf.infolist())
    overhead = central + (46 + name_len + 28) + (30 + name_len + 20) + 24 + (22 + 56 + 20)
    remaining = pad_to - fh.tell() - overhead
    if remaining <= 0:
        return
    with zf.open(
        zipfile.ZipInfo(PADDING_NAME, date_time=(2024, 5, 1, 10, 0, 0)), "w", force_zip64=True
    ) as out:
        while remaining > 0:
            chunk = _CHUNK if remaining >= len(_CHUNK) else _CHUNK[:remaining]
            out.write(chunk)
            remaining -= len(chunk)


def write_legacy(
    path: str,
    *,
    metadata: dict[str, Any],
    dump: dict[str, Any],
    admin_account: dict[str, Any],
    networks: dict[str, Any],
    agents: dict[str, Any],
    pad_to: int | None = None,
    manager_cert: bytes | None = None,
    installation_status: bool = True,
    ssl_files: dict[str, str] | None = None,
) -> int:
    """Write a legacy-format snapshot zip atomically; returns its size. `manager_cert` is the
    manager's certificate (PEM) as a real archive carries it in ssl/: it names the manager's IPs.
    `ssl_files` (name -> PEM text) is the rest of the manager's /etc/cloudify/ssl (snapshot_create
    copies the whole directory): with https, its CA and its external certificate and key."""
    tmp = path + ".part"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(tmp, "wb") as fh, zipfile.ZipFile(fh, "w", allowZip64=True) as zf:
        for d in ("blueprints/", "deployments/", "snapshot-credentials/", "ssl/", "uploaded-blueprints/"):
            zf.writestr(zipfile.ZipInfo(d, date_time=(2024, 5, 1, 10, 0, 0)), b"")
        _write_json(zf, "admin_account.json", admin_account, prefix=" ")
        zf.writestr(
            "rest-security.conf",
            json.dumps(
                {
                    "secret_key": "sim-secret",
                    "hash_salt": "sim-salt",
                    "encryption_key": "sim-encryption-key",
                    "encoding_alphabet": "abcdefghijklmnopqrstuvwxyz",
                    "encoding_block_size": 24,
                    "encoding_min_length": 5,
                }
            ),
        )
        _write_json(zf, "agents.json", agents)
        _write_json(zf, "networks.json", networks)
        _write_json(zf, "metadata.json", metadata)
        zf.writestr(
            "pg_data",
            render_pg_data(dump, installation_status=installation_status),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        ssl: dict[str, str | bytes] = {"cloudify_internal_ca_cert.pem": FAKE_CA}
        if manager_cert:
            for name in ("cloudify_internal_cert.pem", "cloudify_external_cert.pem", "rabbitmq-cert.pem"):
                ssl[name] = manager_cert
        ssl.update(ssl_files or {})
        for name, text in ssl.items():
            zf.writestr(f"ssl/{name}", text)
        for bp in dump.get("blueprints", []):
            zf.writestr(
                f"blueprints/{bp['tenant_name']}/{bp['id']}/blueprint.yaml",
                "tosca_definitions_version: cloudify_dsl_1_3\nnode_templates: {}\n",
            )
        _pad(zf, fh, pad_to)
    os.replace(tmp, path)
    return os.path.getsize(path)


def write_new_format(
    path: str, *, metadata: dict[str, Any], dump: dict[str, Any], pad_to: int | None = None
) -> int:
    """Write a 7.x new-format snapshot (mgmt/ and tenants/<t>/ JSON files, no schema_revision)."""
    tmp = path + ".part"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(tmp, "wb") as fh, zipfile.ZipFile(fh, "w", allowZip64=True) as zf:
        _write_json(zf, "metadata.json", metadata)
        for seq, kind in enumerate(("tenants", "users")):
            items = [r for r in dump.get(kind, []) if not r.get("_bootstrap_admin")]
            _write_json(zf, f"mgmt/{seq:08d}.json", {"type": kind, "items": items})
        tenants = [t["name"] for t in dump.get("tenants", [])]
        for tenant in tenants:
            for n, kind in enumerate(
                (
                    "secrets",
                    "plugins",
                    "blueprints",
                    "deployments",
                    "nodes",
                    "node_instances",
                    "agents",
                    "executions",
                    "events",
                )
            ):
                items = [r for r in dump.get(kind, []) if r.get("tenant_name", r.get("_tenant")) == tenant]
                _write_json(zf, f"tenants/{tenant}/{n:08d}.json", {"type": kind, "items": items})
        _pad(zf, fh, pad_to)
    os.replace(tmp, path)
    return os.path.getsize(path)


def read_archive(path: str) -> ArchiveContents:
    """Read what a restore needs; raises ValueError for a file that is not a usable snapshot zip."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValueError(f"Snapshot archive is not a valid zip file: {exc}") from exc
    with zf:
        names = zf.namelist()
        if "metadata.json" not in names:
            raise ValueError("Snapshot archive has no metadata.json")
        contents = ArchiveContents(names=names, metadata=json.loads(zf.read("metadata.json")))
        if "networks.json" in names:
            contents.networks = json.loads(zf.read("networks.json"))
        if "agents.json" in names:
            contents.agents = json.loads(zf.read("agents.json"))
        if "admin_account.json" in names:
            contents.admin_account = json.loads(zf.read("admin_account.json"))
        if "pg_data" in names:
            text = zf.read("pg_data").decode("utf-8", errors="replace")
            try:
                contents.dump = read_sim_dump(text)
            except json.JSONDecodeError:
                contents.dump = None
        for name in names:
            if name.startswith("ssl/") and name.endswith(".pem"):
                contents.ssl[name[4:]] = zf.read(name).decode("ascii", errors="replace")
            if name.endswith(".json") and (name.startswith("mgmt/") or name.startswith("tenants/")):
                data = json.loads(zf.read(name))
                if isinstance(data, dict) and "type" in data:
                    contents.new_format.setdefault(data["type"], []).extend(data.get("items", []))
    return contents
