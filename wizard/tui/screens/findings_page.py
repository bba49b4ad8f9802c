"""What the Preflight and New-manager pages share: a findings table with counts, re-run, and
waive-by-id for a blocker."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult

from wizard.migration.events import Event, FindingsReady
from wizard.migration.findings import Finding, blockers
from wizard.tui.model import RunModel
from wizard.tui.screens.base import StepPage
from wizard.tui.widgets.findings_table import FindingsSummary, FindingsTable


class FindingsPage(StepPage):
    """A page whose body is a findings table; subclasses say which findings belong to it."""

    waived: frozenset[str] = frozenset()

    def compose_body(self) -> ComposeResult:
        """Counts and the table."""
        yield FindingsSummary("No checks have run yet.", classes="findings-summary")
        yield FindingsTable()

    @property
    def table(self) -> FindingsTable:
        """The findings table."""
        return self.query_one(FindingsTable)

    @property
    def summary(self) -> FindingsSummary:
        """The counts line."""
        return self.query_one(FindingsSummary)

    def wants(self, phase: str) -> bool:
        """True when findings of `phase` belong on this page."""
        raise NotImplementedError

    def page_findings(self, model: RunModel) -> list[Finding]:
        """The newest finding per id from this page's phases."""
        by_id: dict[str, Finding] = {}
        for phase, batch in model.findings.items():
            if self.wants(phase):
                for finding in batch:
                    by_id[finding.id] = finding
        return list(by_id.values())

    def show_findings(self, findings: Iterable[Finding], waived: Iterable[str]) -> None:
        """Draw the table and the counts."""
        items = list(findings)
        self.waived = frozenset(waived)
        self.table.show(items, self.waived)
        self.summary.show(items, self.waived)

    def blockers(self, model: RunModel) -> list[Finding]:
        """Unwaived FAIL/ERROR findings on this page."""
        from wizard.migration.findings import Waiver

        return blockers(self.page_findings(model), [Waiver(i) for i in self.waived])

    def why_not(self, model: RunModel, busy: bool, *, has_findings: bool) -> str:
        """Why Next is disabled: a step runs, the checks have not run, or which checks block."""
        if busy:
            return "Checks are running…"
        if not has_findings:
            return "The checks have not run yet: press Re-run checks (r)."
        ids = [f.id for f in self.blockers(model)]
        if ids:
            return f"Blocked by {', '.join(ids)}: fix and re-run (r), or waive (w)."
        return ""

    def on_engine_event(self, event: Event, model: RunModel) -> None:
        """Redraw when a batch of this page's findings arrives."""
        if isinstance(event, FindingsReady) and self.wants(event.phase):
            self.show_findings(self.page_findings(model), self.waived)
