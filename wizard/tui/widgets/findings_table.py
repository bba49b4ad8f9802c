"""The findings table: one row per check with its status in colour, plus summary counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.widgets import DataTable, Static

from wizard.migration.findings import Finding, Status, summarize

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


class FindingsTable(DataTable[Text | str]):
    """Findings sorted blockers-first: status, title, detail and remediation, rows wrap."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._findings: list[Finding] = []

    def on_mount(self) -> None:
        """Declare the columns (fixed widths so long text wraps instead of scrolling)."""
        self.add_column("Status", width=7, key="status")
        self.add_column("Check", width=24, key="title")
        self.add_column("Detail", width=28, key="detail")
        self.add_column("What to do", width=21, key="remediation")

    def show(self, findings: Iterable[Finding], waived: Iterable[str] = ()) -> None:
        """Replace the rows with `findings` (blockers first); `waived` are waived check ids."""
        waived_ids = set(waived)
        cursor = self.cursor_row
        self._findings = sorted(findings, key=lambda f: (ORDER[f.status], f.id))
        self.clear()
        for finding in self._findings:
            self.add_row(
                status_text(finding, finding.id in waived_ids),
                Text(f"{finding.title}\n", style="bold").append(finding.id, style="dim"),
                Text(finding.detail),
                Text(finding.remediation, style="italic"),
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
