"""Headless output for `check` and `run`: the findings table with its pve7to8-style summary,
throttled human progress lines, or JSON lines."""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

from wizard.migration.events import (
    AgentUpdate,
    Event,
    FindingsReady,
    LogLine,
    MigrationFinished,
    StepFinished,
    StepProgress,
    StepStarted,
    to_json,
)
from wizard.migration.findings import Finding, Status, Waiver, summarize, waived_ids

MARK = {
    Status.PASS: "PASS",
    Status.WARN: "WARN",
    Status.FAIL: "FAIL",
    Status.SKIP: "SKIP",
    Status.ERROR: "ERROR",
}


def findings_table(findings: list[Finding], waivers: tuple[Waiver, ...] = ()) -> str:
    """The findings as aligned text, then a SUMMARY block."""
    waived = waived_ids(waivers)
    width = max([len(f.id) for f in findings] + [10])
    lines = []
    for f in findings:
        status = MARK[f.status] + ("*" if f.blocking and f.id in waived else "")
        lines.append(f"{status:<6} {f.id:<{width}}  {f.title}")
        if f.detail:
            lines.append(f"{'':<6} {'':<{width}}  {f.detail}")
        if f.remediation and f.status in (Status.FAIL, Status.ERROR, Status.WARN):
            lines.append(f"{'':<6} {'':<{width}}  -> {f.remediation}")
    s = summarize(findings)
    lines += [
        "",
        "= SUMMARY =",
        f"TOTAL:    {s.total}",
        f"PASSED:   {s.passed}",
        f"WARNINGS: {s.warnings}",
        f"FAILURES: {s.failures}",
        f"ERRORS:   {s.errors}",
        f"SKIPPED:  {s.skipped}",
    ]
    if any(f.blocking and f.id in waived for f in findings):
        lines.append("(* waived with --waive; recorded in the report)")
    return "\n".join(lines)


class HumanPrinter:
    """Prints events as lines for a person; progress at most a few times a second."""

    def __init__(self, out: TextIO | None = None, *, interval: float = 0.5) -> None:
        self.out = out or sys.stdout
        self.interval = interval
        self._last = 0.0

    def __call__(self, event: Event) -> None:
        line = self.format(event)
        if line is not None:
            print(line, file=self.out, flush=True)

    def format(self, event: Event) -> str | None:
        """One line for an event, or None to print nothing."""
        if isinstance(event, StepStarted):
            return f"==> {event.title}"
        if isinstance(event, StepProgress):
            now = time.monotonic()
            if now - self._last < self.interval and not (event.total and event.done >= event.total):
                return None
            self._last = now
            if event.total:
                pct = 100.0 * event.done / event.total
                return f"    {pct:5.1f}%  {event.message}"
            return f"    … {event.message}" if event.message else None
        if isinstance(event, LogLine):
            if event.level == "debug":
                return None
            prefix = {"warning": "WARNING: ", "error": "ERROR: "}.get(event.level, "")
            return f"    {prefix}{event.message}"
        if isinstance(event, FindingsReady):
            bad = [f for f in event.findings if f.status in (Status.FAIL, Status.ERROR, Status.WARN)]
            s = summarize(event.findings)
            lines = [
                f"    checks ({event.phase}): {s.passed} passed, {s.warnings} warnings, "
                f"{s.failures} failures, {s.errors} errors, {s.skipped} skipped"
            ]
            for f in bad:
                # the detail carries the cause (a TLS or DNS failure, which tenant is dirty) and
                # the remediation the fix: a blocker without them leaves the user guessing
                lines.append(f"    {MARK[f.status]:<5} {f.id}: {f.title}")
                if f.detail:
                    lines.append(f"          {f.detail}")
                if f.remediation:
                    lines.append(f"          -> {f.remediation}")
            return "\n".join(lines)
        if isinstance(event, AgentUpdate):
            if event.status in ("succeeded", "failed", "skipped"):
                reason = f" ({event.reason})" if event.reason else ""
                return f"    agents {event.tenant}/{event.deployment}: {event.status}{reason}"
            return None
        if isinstance(event, StepFinished):
            return (
                f"    {event.outcome.value}: {event.detail}" if event.detail else f"    {event.outcome.value}"
            )
        if isinstance(event, MigrationFinished):
            lines = ["", event.summary]
            lines += [f"report: {p}" for p in event.report_paths]
            return "\n".join(lines)
        return None


class JsonPrinter:
    """Prints one JSON object per event (StepProgress throttled like the human printer)."""

    def __init__(self, out: TextIO | None = None, *, interval: float = 0.5) -> None:
        self.out = out or sys.stdout
        self.interval = interval
        self._last = 0.0

    def __call__(self, event: Event) -> None:
        if isinstance(event, StepProgress):
            now = time.monotonic()
            if now - self._last < self.interval and not (event.total and event.done >= event.total):
                return
            self._last = now
        print(json.dumps(to_json(event), sort_keys=True), file=self.out, flush=True)
