"""What a snapshot archive says about the manager it came from, read from the archive alone.

Restoring after the old manager is lost means nobody can ask that manager anything: the archive
must say which IPs its agents talk to, who its admin was, and what it held. A legacy archive
carries no `managers` table (the dump leaves it out), but its certificates name the manager:
agents verify the manager by the IPs in `ssl/cloudify_internal_cert.pem`, so those IPs are the
ones a replacement must answer on. The inventory comes from the `COPY` blocks of the plain-SQL
`pg_data` dump (tenants, blueprints, deployments with their installation_status, node instances,
agents), streamed line by line; a 7.x new-format archive lists its entities as JSON files.
"""

from __future__ import annotations

import ipaddress
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from wizard.migration.inventory import Inventory

#: the certificates that name the manager, most telling first
CERTS = ("ssl/cloudify_internal_cert.pem", "ssl/cloudify_external_cert.pem", "ssl/rabbitmq-cert.pem")
#: the pg_data tables whose rows are counted
TABLES = ("tenants", "blueprints", "deployments", "nodes", "node_instances", "agents")
_COPY = re.compile(r"^COPY (?:public\.)?(\w+) \((.*)\) FROM stdin;$")
#: the columns the counts need (the rest of a row is dropped as soon as it is read)
_KEPT_COLUMNS: tuple[str, ...] = ("_storage_id", "_tenant_id", "installation_status", "_deployment_fk")
_KEPT_COLUMNS += ("_node_fk", "id", "host_id", "state", "type")
_NEW_FORMAT_KINDS = {"blueprints", "deployments", "agents"}


@dataclass
class SnapshotFacts:
    """The old manager as its archive describes it. Empty fields mean "the archive does not say"."""

    manager_ips: list[str] = field(default_factory=list)
    hostnames: list[str] = field(default_factory=list)
    admin_username: str = ""
    inventory: Inventory | None = None
    #: where the facts came from, for the report ("certificate", "pg_data", ...)
    sources: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """For the journal, the report and the backup manifest."""
        return {
            "manager_ips": list(self.manager_ips),
            "hostnames": list(self.hostnames),
            "admin_username": self.admin_username,
            "inventory": self.inventory.to_json() if self.inventory else None,
            "sources": list(self.sources),
        }

    @classmethod
    def from_json(cls, data: object) -> SnapshotFacts:
        """Inverse of to_json (tolerant of missing keys)."""
        d = data if isinstance(data, dict) else {}
        inv = d.get("inventory")
        return cls(
            manager_ips=[str(x) for x in d.get("manager_ips") or []],
            hostnames=[str(x) for x in d.get("hostnames") or []],
            admin_username=str(d.get("admin_username") or ""),
            inventory=Inventory.from_json(inv) if isinstance(inv, dict) else None,
            sources=[str(x) for x in d.get("sources") or []],
        )


def read_facts(path: Path) -> SnapshotFacts:
    """Read the facts of the archive at `path` (an intact zip: inspect it first). Parts that are
    missing or unreadable are left empty rather than guessed."""
    facts = SnapshotFacts(admin_username=read_admin_username(path))
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for cert in CERTS:
            if cert in names:
                ips, hosts = certificate_names(zf.read(cert))
                if ips or hosts:
                    facts.manager_ips, facts.hostnames = ips, hosts
                    facts.sources.append(cert)
                    break
        if "pg_data" in names:
            with zf.open("pg_data") as fh:
                facts.inventory = inventory_from_dump(fh)
            if facts.inventory is not None:
                facts.sources.append("pg_data")
        elif any(n.startswith("tenants/") for n in names):
            facts.inventory = inventory_from_new_format(zf)
            facts.sources.append("tenants/")
    return facts


def read_certificate_ips(path: Path) -> list[str]:
    """The manager IPs named by the archive's certificates only (cheap: no dump is read)."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        for cert in CERTS:
            if cert in names:
                ips, _hosts = certificate_names(zf.read(cert))
                if ips:
                    return ips
    return []


def read_admin_username(path: Path) -> str:
    """The archive's admin user name (admin_account.json), '' when it does not say."""
    with zipfile.ZipFile(path) as zf:
        if "admin_account.json" not in zf.namelist():
            return ""
        try:
            account = json.loads(zf.read("admin_account.json").decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return ""
    return str(account.get("username") or "") if isinstance(account, dict) else ""


def certificate_names(pem: bytes) -> tuple[list[str], list[str]]:
    """The IPs and DNS names a manager certificate is issued for (subjectAltName, else the CN),
    without the loopback and `localhost` entries every manager's certificate carries for itself."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    try:
        cert = x509.load_pem_x509_certificate(pem)
    except ValueError:
        return [], []
    ips: list[str] = []
    hosts: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        ips = [str(ip) for ip in san.get_values_for_type(x509.IPAddress)]
        hosts = [str(h) for h in san.get_values_for_type(x509.DNSName)]
    except x509.ExtensionNotFound:
        for attr in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME):
            value = str(attr.value)
            (ips if _is_ip(value) else hosts).append(value)
    return [ip for ip in ips if ip not in ("127.0.0.1", "::1")], [h for h in hosts if h != "localhost"]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def copy_blocks(fh: IO[bytes], tables: tuple[str, ...] = TABLES) -> Iterator[tuple[str, list[str], str]]:
    """(table, columns, row) for every row of a plain-SQL dump's COPY blocks of `tables`, one line
    at a time (a dump of several GB is never held in memory)."""
    table: str | None = None
    columns: list[str] = []
    for raw in fh:
        line = raw.decode("utf-8", errors="replace").rstrip("\n")
        if table is None:
            m = _COPY.match(line)
            if m and m.group(1) in tables:
                table, columns = m.group(1), [c.strip().strip('"') for c in m.group(2).split(",")]
            continue
        if line == "\\.":
            table = None
            continue
        yield table, columns, line


def inventory_from_dump(fh: IO[bytes]) -> Inventory | None:
    """Per-tenant counts from a plain-SQL dump (None when it has no tenants table: not a dump we
    can read). Installed = installation_status `active` (6.0+), else every Compute host instance
    of the deployment `started` (the rule `cfy agents install` follows before 6.0)."""
    tenant_names: dict[str, str] = {}
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    for table, columns, line in copy_blocks(fh):
        values = line.split("\t")
        if len(values) != len(columns):
            continue
        row = dict(zip(columns, values, strict=True))
        if table == "tenants":
            tenant_names[row.get("id", "")] = row.get("name", "")
        else:
            keep = _KEPT_COLUMNS
            rows[table].append({k: row[k] for k in keep if k in row})
    if not tenant_names:
        return None
    inv = Inventory()
    for name in tenant_names.values():
        inv.tenants.setdefault(name, {"blueprints": 0, "deployments": 0, "installed": 0, "agents": 0})

    def tenant_of(row: dict[str, str]) -> str:
        return tenant_names.get(row.get("_tenant_id", ""), "")

    for kind in ("blueprints", "deployments", "agents"):
        for row in rows[kind]:
            if tenant_of(row):
                inv.add(tenant_of(row), kind)
    deployments = rows["deployments"]
    if deployments and all("installation_status" in d for d in deployments):
        for d in deployments:
            if d["installation_status"] == "active" and tenant_of(d):
                inv.add(tenant_of(d), "installed")
        return inv
    node_deployment = {n.get("_storage_id", ""): n.get("_deployment_fk", "") for n in rows["nodes"]}
    not_started: set[str] = set()
    for ni in rows["node_instances"]:
        if ni.get("id") and ni.get("id") == ni.get("host_id") and ni.get("state") != "started":
            not_started.add(node_deployment.get(ni.get("_node_fk", ""), ""))
    for d in deployments:
        if d.get("_storage_id") not in not_started and tenant_of(d):
            inv.add(tenant_of(d), "installed")
    return inv


def inventory_from_new_format(zf: zipfile.ZipFile) -> Inventory:
    """Per-tenant counts from a 7.x new-format archive (tenants/<name>/NNN.json files, each
    {"type": kind, "items": [...]})."""
    inv = Inventory()
    for name in zf.namelist():
        parts = name.split("/")
        if len(parts) != 3 or parts[0] != "tenants" or not parts[2].endswith(".json"):
            continue
        tenant = parts[1]
        inv.tenants.setdefault(tenant, {"blueprints": 0, "deployments": 0, "installed": 0, "agents": 0})
        try:
            data = json.loads(zf.read(name).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        kind = data.get("type") if isinstance(data, dict) else None
        items = data.get("items") if isinstance(data, dict) else None
        if kind in _NEW_FORMAT_KINDS and isinstance(items, list):
            inv.add(tenant, str(kind), len(items))
            if kind == "deployments":
                active = sum(
                    1 for i in items if isinstance(i, dict) and i.get("installation_status") == "active"
                )
                inv.add(tenant, "installed", active)
    return inv
