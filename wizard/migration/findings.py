"""Preflight findings: what a check saw, how bad it is, and what to do about it.

A Finding is the unit every check returns and every screen, table and report shows. A FAIL (or an
ERROR: the check itself could not run, so nothing is known) blocks the next destructive step
unless the user waives it by naming its id; every waiver ends up in the report.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """How a check ended. ERROR means the check itself could not run (not that the system is bad)."""

    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"
    SKIP = "SKIP"
    ERROR = "ERROR"

    def __str__(self) -> str:
        return self.value


#: statuses that stop the next destructive step unless waived
BLOCKING = frozenset({Status.FAIL, Status.ERROR})

#: every check id a migration can report (what --waive may name; a test keeps it complete)
CHECK_IDS = frozenset(
    {
        *(
            f"old.{c}"
            for c in (
                "reachable", "auth", "admin", "version", "health", "active-executions", "inventory",
                "agents-census", "changed", "schedules", "licence", "ldap", "freeze",
            )
        ),
        *(
            f"new.{c}"
            for c in (
                "reachable", "auth", "bootstrap-admin", "version-order", "health", "clean",
                "plugins-secrets", "networks", "licence", "ldap",
            )
        ),
        "cluster.old",
        "cluster.new",
        "pair.edition",
        "pair.plugins",
        "pair.certificates",
        "pair.same-manager",
        "pair.ip-rule",
        "pair.agent-tenants",
        "pair.snapshot-format",
        "local.disk",
        "local.state-dir",
        "local.terminal",
        *(f"archive.{c}" for c in ("integrity", "metadata", "format", "version", "origin")),
        *(f"verify.{c}" for c in ("inventory", "restored-something", "agents")),
    }
)  # fmt: skip


@dataclass(frozen=True)
class Finding:
    """One check's result: a stable `id` (e.g. `new.clean`), a status and human text.

    `data` carries machine-readable facts (counts, versions) for the report; never a secret.
    """

    id: str
    status: Status
    title: str
    detail: str = ""
    remediation: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        """True for FAIL and ERROR (before waivers are applied)."""
        return self.status in BLOCKING

    def to_json(self) -> dict[str, Any]:
        """A plain dict for JSON output, the journal and the report."""
        return {
            "id": self.id,
            "status": self.status.value,
            "title": self.title,
            "detail": self.detail,
            "remediation": self.remediation,
            "data": dict(self.data),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        """Inverse of to_json (for findings read back from the journal)."""
        return cls(
            id=str(data.get("id", "")),
            status=Status(str(data.get("status", "ERROR"))),
            title=str(data.get("title", "")),
            detail=str(data.get("detail", "")),
            remediation=str(data.get("remediation", "")),
            data=dict(data.get("data") or {}),
        )


@dataclass(frozen=True)
class Waiver:
    """The user's explicit decision to go on despite a blocking finding, named by its id."""

    id: str
    reason: str = ""

    @classmethod
    def parse(cls, text: str) -> Waiver:
        """Parse `ID` or `ID=reason` (the --waive syntax)."""
        ident, _, reason = text.partition("=")
        ident = ident.strip()
        if not ident:
            raise ValueError(f"--waive needs a check id, e.g. --waive new.plugins-secrets; got {text!r}")
        if ident not in CHECK_IDS:
            import difflib

            near = difflib.get_close_matches(ident, sorted(CHECK_IDS), n=1)
            hint = f" Did you mean {near[0]}?" if near else ""
            raise ValueError(f"--waive {ident}: there is no check with that id.{hint}")
        return cls(ident, reason.strip())

    def to_json(self) -> dict[str, str]:
        """A plain dict for the journal and the report."""
        return {"id": self.id, "reason": self.reason}


@dataclass(frozen=True)
class Summary:
    """Counts in the pve7to8 style: TOTAL / PASSED / WARNINGS / FAILURES / ERRORS / SKIPPED."""

    total: int
    passed: int
    warnings: int
    failures: int
    errors: int
    skipped: int

    def to_json(self) -> dict[str, int]:
        """A plain dict for JSON output."""
        return {
            "total": self.total,
            "passed": self.passed,
            "warnings": self.warnings,
            "failures": self.failures,
            "errors": self.errors,
            "skipped": self.skipped,
        }


def summarize(findings: Iterable[Finding]) -> Summary:
    """Count findings per status."""
    items = list(findings)

    def n(status: Status) -> int:
        return sum(1 for f in items if f.status is status)

    return Summary(
        len(items), n(Status.PASS), n(Status.WARN), n(Status.FAIL), n(Status.ERROR), n(Status.SKIP)
    )


def waived_ids(waivers: Iterable[Waiver]) -> frozenset[str]:
    """The set of waived check ids."""
    return frozenset(w.id for w in waivers)


def blockers(findings: Iterable[Finding], waivers: Iterable[Waiver] = ()) -> list[Finding]:
    """The findings that stop the next destructive step: FAIL or ERROR and not waived by id."""
    waived = waived_ids(waivers)
    return [f for f in findings if f.blocking and f.id not in waived]


def applied_waivers(findings: Iterable[Finding], waivers: Iterable[Waiver]) -> list[Waiver]:
    """The waivers that actually let a blocking finding through (these go in the report)."""
    blocking_ids = {f.id for f in findings if f.blocking}
    return [w for w in waivers if w.id in blocking_ids]
