"""The change ledger: what happened on the old manager after its snapshot was taken.

The snapshot is a picture of one moment. A deployment installed on the old manager afterwards stays
inactive on the new one with no agent moved; a blueprint uploaded afterwards is simply missing.
So right before the agents step (and again when the report is written) the old manager is asked,
with timestamps from its own clock compared with its own snapshot's `created_at`:

- executions created since (all tenants, system workflows included; create_snapshot, which changes
  nothing a migration carries, and install_new_agents left out; create_deployment_environment and
  upload_blueprint are told by the two listings below),
- deployments created since, blueprints uploaded since,
- deployments and blueprints deleted since (the totals against the snapshot's baseline),
- and every execution schedule (5.2+): once the snapshot is restored they fire on both managers.

Every listing is sorted newest first and read only down to the snapshot's time: a quiet manager
costs a handful of requests whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.errors import NotFoundError
from wizard.cloudify.models import Execution, ExecutionSchedule
from wizard.migration.findings import Finding, Status
from wizard.migration.units import plural

#: workflows that are ours, told by another listing (deployments, blueprints), or change nothing a
#: migration carries (a snapshot only reads the manager: measured on a real 7.1 stack, where every
#: later backup showed up as a "change" since an older archive)
IGNORED_WORKFLOWS = frozenset(
    {"install_new_agents", "create_deployment_environment", "upload_blueprint", "create_snapshot"}
)
#: items asked per page (most ledgers are empty: the first page already reaches the snapshot)
PAGE = 100
#: changes a finding's detail names
SHOWN = 5


def parse_time(text: str) -> datetime | None:
    """A manager timestamp (`2024-05-01T10:00:00.123Z`, with or without fraction or zone) in UTC."""
    raw = (text or "").strip().replace(" ", "T")
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class Ledger:
    """Changes since `since` and the schedules, as plain dicts (for the journal and the report)."""

    since: str
    changes: list[dict[str, str]] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    schedules_supported: bool = True

    @property
    def enabled_schedules(self) -> list[dict[str, Any]]:
        """The schedules that will fire."""
        return [s for s in self.schedules if s.get("enabled", True)]


def _newest_first(
    client: ManagerClient,
    resource: str,
    since: datetime,
    *,
    filters: dict[str, str] | None = None,
    include: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Items of a list endpoint created at or after `since`, newest first, page by page."""
    offset = 0
    while True:
        page = client.page(
            resource, offset=offset, size=PAGE, filters=filters, include=include, sort="-created_at",
            all_tenants=True,
        )  # fmt: skip
        for item in page.items:
            at = parse_time(str(item.get("created_at") or ""))
            if at is not None and at < since:
                return
            yield item
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


def read_ledger(
    client: ManagerClient,
    since: str,
    *,
    baseline: dict[str, Any] | None = None,
) -> Ledger:
    """Read what changed on the old manager since `since` (its snapshot's created_at)."""
    ledger = Ledger(since)
    start = parse_time(since)
    if start is None:
        raise ValueError(f"the snapshot's time {since!r} cannot be read")
    for item in _newest_first(client, "executions", start, filters={"_include_system_workflows": "true"}):
        ex = Execution.from_api(item)
        if ex.workflow_id in IGNORED_WORKFLOWS:
            continue
        target = f"deployment {ex.deployment_id}" if ex.deployment_id else "the manager"
        ledger.changes.append(
            {"kind": "execution", "tenant": ex.tenant_name, "id": ex.id, "at": ex.created_at,
             "what": f"{ex.workflow_id} on {target} ({ex.status})"}
        )  # fmt: skip
    created: dict[str, int] = {}
    for resource, verb in (("deployments", "created"), ("blueprints", "uploaded")):
        created[resource] = 0
        for item in _newest_first(client, resource, start, include=["id", "tenant_name", "created_at"]):
            created[resource] += 1
            ledger.changes.append(
                {"kind": resource[:-1], "tenant": str(item.get("tenant_name") or ""),
                 "id": str(item.get("id") or ""), "at": str(item.get("created_at") or ""),
                 "what": f"{resource[:-1]} {item.get('id')} {verb}"}
            )  # fmt: skip
    totals = (baseline or {}).get("totals") or {}
    for resource in ("deployments", "blueprints"):
        if resource not in totals:
            continue
        now = client.count(resource, all_tenants=True)
        gone = int(totals[resource]) + created[resource] - now
        if gone > 0:
            ledger.changes.append(
                {"kind": "deleted", "tenant": "", "id": "", "at": "",
                 "what": f"{plural(gone, resource[:-1])} deleted (or more than were created)"}
            )  # fmt: skip
    try:
        for item in client.iter_items("execution-schedules", all_tenants=True):
            sched = ExecutionSchedule.from_api(item)
            ledger.schedules.append(
                {"tenant": sched.tenant_name, "id": sched.id, "deployment": sched.deployment_id,
                 "workflow": sched.workflow_id, "enabled": sched.enabled, "next": sched.next_occurrence}
            )  # fmt: skip
    except NotFoundError:  # before 5.2
        ledger.schedules_supported = False
    ledger.changes.sort(key=lambda c: c.get("at") or "")
    return ledger


def changed_finding(changes: list[dict[str, str]], since: str) -> Finding:
    """old.changed: nothing changed on the old manager since the snapshot (PASS), or what did
    (WARN: the new manager does not have it, and the report keeps the old manager needed until
    each change is handled and acknowledged with --waive old.changed)."""
    if not changes:
        return Finding(
            "old.changed",
            Status.PASS,
            "Nothing changed on the old manager since the snapshot",
            f"since {since}",
        )
    shown = "; ".join(f"{c.get('tenant') or '-'}: {c['what']}" for c in changes[:SHOWN])
    more = f"; and {len(changes) - SHOWN} more" if len(changes) > SHOWN else ""
    return Finding(
        "old.changed",
        Status.WARN,
        f"The old manager changed after the snapshot ({plural(len(changes), 'change')})",
        f"Since {since}: {shown}{more}. The new manager has none of this.",
        "Redo these changes on the new manager (or migrate again with a new snapshot); the report says "
        'the old manager is still needed until then, or until --waive old.changed="why".',
        data={"since": since, "changes": changes[:100], "total": len(changes)},
    )


def schedules_finding(schedules: list[dict[str, Any]], supported: bool) -> Finding:
    """old.schedules: execution schedules of the old manager fire on BOTH managers once the
    snapshot is restored (WARN while any is enabled)."""
    enabled = [s for s in schedules if s.get("enabled", True)]
    if not enabled:
        detail = "none enabled" if supported else "this manager has no execution schedules (before 5.2)"
        return Finding("old.schedules", Status.PASS, "No execution schedules on the old manager", detail)
    shown = ", ".join(f"{s['tenant']}/{s['deployment']}: {s['workflow']}" for s in enabled[:SHOWN])
    more = f" and {len(enabled) - SHOWN} more" if len(enabled) > SHOWN else ""
    return Finding(
        "old.schedules",
        Status.WARN,
        f"{plural(len(enabled), 'execution schedule')} on the old manager "
        f"{'fires' if len(enabled) == 1 else 'fire'} on both managers",
        f"{shown}{more}. The restore copied them: until the old manager is switched off, each runs twice.",
        "Disable them on the old manager now (`cfy deployments schedule disable SCHEDULE -d DEPLOYMENT` "
        "there), or switch it off as soon as the report allows.",
        data={"schedules": enabled[:100], "total": len(enabled)},
    )
