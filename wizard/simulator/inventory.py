"""The manager's data (tenants, users, blueprints, deployments, nodes, agents, executions, events...).

Records are plain dicts keyed like the REST fields, plus private keys starting with ``_`` that
the renderers never print. The whole inventory dumps to JSON: that dump is the ``pg_data`` of the
simulator's snapshots, and a legacy restore loads it back.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

Record = dict[str, Any]
Key = tuple[str, str]

#: Tenant-scoped tables: attribute name -> (record id field).
TENANT_TABLES = (
    "blueprints", "deployments", "node_instances", "agents", "secrets", "plugins", "execution_schedules",
)  # fmt: skip


class Inventory:
    """All restorable data of one manager, with the indexes list endpoints need."""

    def __init__(self) -> None:
        self.tenants: dict[str, Record] = {}
        self.users: dict[str, Record] = {}
        self.blueprints: dict[Key, Record] = {}
        self.deployments: dict[Key, Record] = {}
        self.nodes: dict[tuple[str, str, str], Record] = {}
        self.node_instances: dict[Key, Record] = {}
        self.agents: dict[Key, Record] = {}
        self.secrets: dict[Key, Record] = {}
        self.plugins: dict[Key, Record] = {}
        self.execution_schedules: dict[Key, Record] = {}
        self.executions: dict[str, Record] = {}
        self.events: list[Record] = []
        self.events_by_exec: dict[str, list[Record]] = defaultdict(list)
        self.instances_by_dep: dict[Key, list[str]] = defaultdict(list)
        self.nodes_by_dep: dict[Key, list[str]] = defaultdict(list)
        self.next_storage_id = 1

    # -- indexes -------------------------------------------------------------------------------
    def reindex(self) -> None:
        """Rebuild the secondary indexes after bulk changes (seed, restore)."""
        self.instances_by_dep = defaultdict(list)
        for (tenant, ni_id), ni in self.node_instances.items():
            self.instances_by_dep[(tenant, ni["deployment_id"])].append(ni_id)
        self.nodes_by_dep = defaultdict(list)
        for tenant, dep, node_id in self.nodes:
            self.nodes_by_dep[(tenant, dep)].append(node_id)
        self.events_by_exec = defaultdict(list)
        for ev in self.events:
            self.events_by_exec[ev["execution_id"]].append(ev)
        self.next_storage_id = max((ev["_storage_id"] for ev in self.events), default=0) + 1

    def add_node_instance(self, rec: Record) -> None:
        """Insert a node instance and index it under its deployment."""
        key = (rec["tenant_name"], rec["id"])
        self.node_instances[key] = rec
        self.instances_by_dep[(rec["tenant_name"], rec["deployment_id"])].append(rec["id"])

    def add_node(self, rec: Record) -> None:
        """Insert a node and index it under its deployment."""
        self.nodes[(rec["tenant_name"], rec["deployment_id"], rec["id"])] = rec
        self.nodes_by_dep[(rec["tenant_name"], rec["deployment_id"])].append(rec["id"])

    def add_event(self, rec: Record) -> None:
        """Append an event, giving it the next ``_storage_id``."""
        rec["_storage_id"] = self.next_storage_id
        self.next_storage_id += 1
        self.events.append(rec)
        self.events_by_exec[rec["execution_id"]].append(rec)

    def drop_events_of(self, execution_id: str) -> None:
        """Forget an execution's events (a legacy restore truncates the events table)."""
        gone = self.events_by_exec.pop(execution_id, [])
        if gone:
            ids = {id(ev) for ev in gone}
            self.events = [ev for ev in self.events if id(ev) not in ids]

    def instances_of(self, tenant: str, deployment_id: str) -> list[Record]:
        """The node instances of one deployment."""
        return [
            self.node_instances[(tenant, i)]
            for i in self.instances_by_dep.get((tenant, deployment_id), [])
            if (tenant, i) in self.node_instances
        ]

    def nodes_of(self, tenant: str, deployment_id: str) -> list[Record]:
        """The nodes of one deployment."""
        return [
            self.nodes[(tenant, deployment_id, n)]
            for n in self.nodes_by_dep.get((tenant, deployment_id), [])
            if (tenant, deployment_id, n) in self.nodes
        ]

    def installation_status(self, tenant: str, deployment_id: str) -> str:
        """The real 6.0+ rule: active iff no node instance of the deployment is not ``started``."""
        for ni in self.instances_of(tenant, deployment_id):
            if ni["state"] != "started":
                return "inactive"
        return "active"

    def blueprint_count(self) -> int:
        """Blueprints in every tenant (what the restore clean-manager check counts)."""
        return len(self.blueprints)

    # -- dump / load ---------------------------------------------------------------------------
    def dump_json(self, skip_execution: str | None = None) -> str:
        """Every table as JSON text (the simulator's ``pg_data``); cheap enough to run under the lock."""
        data = self.dump()
        if skip_execution:
            data["executions"] = [e for e in data["executions"] if e["id"] != skip_execution]
        return json.dumps(data)

    def dump(self) -> dict[str, Any]:
        """Every table as lists of records (shared, not copied: serialise before releasing the lock)."""
        data = self._dump()
        if self.execution_schedules:  # only when there are some: older archives stay byte for byte
            data["execution_schedules"] = list(self.execution_schedules.values())
        return data

    def _dump(self) -> dict[str, Any]:
        return dict(
            {
                "tenants": list(self.tenants.values()),
                "users": list(self.users.values()),
                "blueprints": list(self.blueprints.values()),
                "deployments": list(self.deployments.values()),
                "nodes": list(self.nodes.values()),
                "node_instances": list(self.node_instances.values()),
                "agents": list(self.agents.values()),
                "secrets": list(self.secrets.values()),
                "plugins": list(self.plugins.values()),
                "executions": list(self.executions.values()),
                "events": self.events,
            }
        )

    @classmethod
    def load(cls, data: dict[str, Any]) -> Inventory:
        """Rebuild an inventory from a dump."""
        inv = cls()
        for rec in data.get("tenants", []):
            inv.tenants[rec["name"]] = rec
        for rec in data.get("users", []):
            inv.users[rec["username"]] = rec
        for table in TENANT_TABLES:
            target: dict[Key, Record] = getattr(inv, table)
            id_field = "key" if table == "secrets" else "id"
            for rec in data.get(table, []):
                target[(rec["tenant_name"], rec[id_field])] = rec
        for rec in data.get("nodes", []):
            inv.nodes[(rec["tenant_name"], rec["deployment_id"], rec["id"])] = rec
        for rec in data.get("executions", []):
            inv.executions[rec["id"]] = rec
        inv.events = list(data.get("events", []))
        inv.reindex()
        return inv
