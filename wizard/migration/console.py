"""Headless output for `check` and `run`: the findings table with its pve7to8-style summary,
throttled human progress lines (a transfer shows its speed and ETA, rewritten in place on a
terminal), colour on a terminal unless NO_COLOR is set, or JSON lines."""

from __future__ import annotations

import json
import os
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
from wizard.migration.steps import Outcome, StepId
from wizard.migration.units import TransferMeter, plural

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


#: ANSI colours of the headless output (used only on a terminal, and never with NO_COLOR)
_COLOURS = {
    "PASS": "32",
    "WARN": "33",
    "FAIL": "31",
    "ERROR": "31",
    "==>": "1",
    "WARNING:": "33",
    "ERROR:": "31",
}


def _use_colour(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def checks_line(phase: str, findings: tuple[Finding, ...] | list[Finding]) -> str:
    """'checks (preflight): 11 passed, 1 warning, 0 failures, 0 errors, 6 skipped'."""
    s = summarize(list(findings))
    return (
        f"checks ({phase}): {s.passed} passed, {plural(s.warnings, 'warning')}, "
        f"{plural(s.failures, 'failure')}, {plural(s.errors, 'error')}, {s.skipped} skipped"
    )


class HumanPrinter:
    """Prints events as lines for a person. Progress: on a terminal one line rewritten in place
    a few times a second; elsewhere (a log, a pipe) a line every `quiet_interval` seconds."""

    def __init__(
        self, out: TextIO | None = None, *, interval: float = 0.5, quiet_interval: float = 5.0
    ) -> None:
        self.out = out or sys.stdout
        self.tty = bool(getattr(self.out, "isatty", lambda: False)())
        self.colour = _use_colour(self.out)
        self.interval = interval if self.tty else quiet_interval
        self._last = 0.0
        self._meters: dict[StepId, TransferMeter] = {}
        self._open_line = False

    def __call__(self, event: Event) -> None:
        line = self.format(event)
        if line is None:
            return
        if isinstance(event, StepProgress) and self.tty:
            done = bool(event.total) and event.done >= event.total
            print("\r\x1b[2K" + line, end="\n" if done else "", file=self.out, flush=True)
            self._open_line = not done
            return
        if self._open_line:
            print(file=self.out)
            self._open_line = False
        print(self._paint(line), file=self.out, flush=True)

    def _paint(self, text: str) -> str:
        if not self.colour:
            return text
        out = []
        for line in text.split("\n"):
            stripped = line.lstrip()
            word = stripped.split(" ", 1)[0] if stripped else ""
            code = _COLOURS.get(word)
            out.append(f"{line[: len(line) - len(stripped)]}\x1b[{code}m{stripped}\x1b[0m" if code else line)
        return "\n".join(out)

    def format(self, event: Event) -> str | None:
        """One line for an event, or None to print nothing."""
        if isinstance(event, StepStarted):
            return f"==> {event.title}"
        if isinstance(event, StepProgress):
            meter = self._meters.setdefault(event.step, TransferMeter())
            if event.unit == "bytes":
                meter.add(event.at, event.done)
            now = time.monotonic()
            if now - self._last < self.interval and not (event.total and event.done >= event.total):
                return None
            self._last = now
            if event.unit == "bytes":
                share = f"{100.0 * event.done / event.total:5.1f}%  " if event.total else ""
                return f"    {share}{meter.line(event.done, event.total, 'bytes')}"
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
            lines = [f"    {checks_line(event.phase, event.findings)}"]
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
            if event.status in ("succeeded", "failed", "skipped", "manual"):
                reason = f" ({event.reason})" if event.reason else ""
                status = "CANNOT MOVE automatically" if event.status == "manual" else event.status
                return f"    agents {event.tenant}/{event.deployment}: {status}{reason}"
            return None
        if isinstance(event, StepFinished):
            if event.outcome is Outcome.ALREADY_DONE and event.detail == "done in an earlier run":
                return f"==> {event.step.label}: already done in an earlier run"
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
