"""The findings table: one row per check with its status in colour, plus summary counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.widgets import Static

from wizard.migration.findings import Finding, Status, summarize
from wizard.tui.widgets.flex_table import FlexColumn, FlexTable
from wizard.tui.wording import in_wizard_words

STATUS_STYLE: dict[Status, str] = {
    Status.PASS: "bold green",
    Status.WARN: "bold yellow",
    Status.FAIL: "bold white on red",
    Status.ERROR: "bold magenta",
    Status.SKIP: "dim",
}

#: blockers first, then warnings, so the eye lands on what matters
ORDER: dict[Status, int] = {Status.FAIL: 0, Status.ERROR: 1, Status.WARN: 2, Status.SKIP: 3, Status.PASS: 4}


def status_text(finding: Finding, waived: bool) -> Text:
    """The status cell: a coloured badge; a waived blocker (or an acknowledged warning) reads WAIVED."""
    if waived:
        return Text(" WAIVED ", style="bold black on yellow")
    return Text(f" {finding.status.value} ", style=STATUS_STYLE[finding.status])


class FindingsTable(FlexTable):
    """Findings sorted blockers-first: status, check (title and id), detail and what to do; the
    columns share the width, rows wrap, and a check's id (what one types to waive it) is never cut."""

    COLUMNS = (
        FlexColumn("status", "Status", 0, 8),
        FlexColumn("title", "Check", 3, 20),
        FlexColumn("detail", "Detail", 4, 16),
        FlexColumn("remediation", "What to do", 3, 14),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._findings: list[Finding] = []
        self._waived: set[str] = set()

    def least_widths(self) -> list[int]:
        """The Check column fits the longest id."""
        longest = max((len(f.id) for f in self._findings), default=0)
        return [0, longest, 0, 0]

    def show(self, findings: Iterable[Finding], waived: Iterable[str] = ()) -> None:
        """Replace the rows with `findings` (blockers first); `waived` are waived check ids."""
        self._waived = set(waived)
        self._findings = sorted(findings, key=lambda f: (ORDER[f.status], f.id))
        self._room = 0  # the longest id may have changed: share the width again
        if not self.relayout():
            self.redraw()

    def redraw(self) -> None:
        """Draw every finding (the cursor stays on its row)."""
        cursor = self.cursor_row
        self.clear()
        for finding in self._findings:
            self.add_row(
                status_text(finding, finding.id in self._waived),
                Text(f"{finding.title}\n", style="bold").append(finding.id, style="dim"),
                Text(in_wizard_words(finding.detail)),
                Text(in_wizard_words(finding.remediation), style="italic"),
                height=None,
                key=finding.id,
            )
        if self._findings:
            self.move_cursor(row=min(max(cursor, 0), len(self._findings) - 1))

    @property
    def findings(self) -> Sequence[Finding]:
        """The findings as shown (sorted)."""
        return self._findings

    @property
    def selected(self) -> Finding | None:
        """The finding under the cursor, if any."""
        if not self._findings or self.cursor_row < 0 or self.cursor_row >= len(self._findings):
            return None
        return self._findings[self.cursor_row]


def summary_text(findings: Iterable[Finding], waived: Iterable[str] = ()) -> Text:
    """pve7to8-style counts: TOTAL, PASSED, WARNINGS, FAILURES, ERRORS, SKIPPED, WAIVED."""
    items = list(findings)
    counts = summarize(items)
    waived_ids = set(waived)
    n_waived = sum(1 for f in items if f.blocking and f.id in waived_ids)
    text = Text()
    text.append(f"TOTAL {counts.total}  ", "bold")
    text.append(f"PASSED {counts.passed}  ", "green")
    text.append(f"WARNINGS {counts.warnings}  ", "yellow")
    text.append(f"FAILURES {counts.failures}  ", "bold red" if counts.failures else "")
    text.append(f"ERRORS {counts.errors}  ", "bold magenta" if counts.errors else "")
    text.append(f"SKIPPED {counts.skipped}", "dim")
    if n_waived:
        text.append(f"  WAIVED {n_waived}", "bold yellow")
    return text


class FindingsSummary(Static):
    """The counts line above a findings table."""

    def show(self, findings: Iterable[Finding], waived: Iterable[str] = ()) -> None:
        """Redraw the counts."""
        self.update(summary_text(findings, waived))
