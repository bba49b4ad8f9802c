"""Page 2: the preflight findings of both managers and this machine; waive or re-run."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Button

from wizard.migration.events import Event, FindingsReady
from wizard.migration.verdict import ACKNOWLEDGEABLE
from wizard.tui.flow import Page, next_page
from wizard.tui.model import RunModel
from wizard.tui.screens.findings_page import FindingsPage
from wizard.tui.widgets.census_table import CensusTable

NEW_MANAGER_PHASES = ("before:preflight_new", "before:upload", "before:restore", "archive", "snapshot")


class PreflightPage(FindingsPage):
    """Read-only checks; FAIL/ERROR block the snapshot until fixed (re-run) or waived by id."""

    page = Page.PREFLIGHT
    intro = (
        "Read-only checks: they change nothing on either manager. [b]FAIL[/b] and [b]ERROR[/b] block "
        "the next step: fix and re-run, or waive one by its id with a reason (it goes into the report)."
    )

    def wants(self, phase: str) -> bool:
        """Everything but the new-manager-against-snapshot phases."""
        return phase not in NEW_MANAGER_PHASES and not phase.startswith("before:") and phase != "agents"

    def compose_body(self) -> ComposeResult:
        """The findings, then the agents census."""
        yield from super().compose_body()
        yield CensusTable()

    def on_engine_event(self, event: Event, model: RunModel) -> None:
        """The findings, and the census drawn from `old.agents-census`."""
        super().on_engine_event(event, model)
        if isinstance(event, FindingsReady) and self.wants(event.phase):
            census = next((f for f in self.page_findings(model) if f.id == "old.agents-census"), None)
            self.query_one(CensusTable).show(census)

    def compose_buttons(self) -> ComposeResult:
        """Re-run, waive, next."""
        yield Button("Re-run checks", id="rerun")
        yield Button("Waive…", id="waive")
        yield Button("Next: snapshot ▶", variant="primary", id="primary")

    def sync(self, model: RunModel, busy: bool) -> None:
        """Next only without blockers; waive only on a blocker."""
        findings = self.page_findings(model)
        blocked = bool(self.blockers(model))
        selected = self.table.selected
        self.set_button("rerun", disabled=busy)
        waivable = selected is not None and selected.id not in self.waived
        waivable = waivable and selected is not None and (selected.blocking or selected.id in ACKNOWLEDGEABLE)
        self.set_button("waive", disabled=busy or not waivable)
        after = next_page(self.page, model.plan)
        self.set_button(
            "primary",
            label="Next: snapshot ▶" if after is Page.SNAPSHOT else "Next: the archive ▶",
            disabled=busy or blocked or not findings,
        )
        self.set_hint(self.why_not(model, busy, has_findings=bool(findings)))
