"""Page 2: the preflight findings of both managers and this machine; waive or re-run."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Button

from wizard.tui.flow import Page
from wizard.tui.model import RunModel
from wizard.tui.screens.findings_page import FindingsPage

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
        self.set_button(
            "waive", disabled=busy or selected is None or not selected.blocking or selected.id in self.waived
        )
        self.set_button("primary", disabled=busy or blocked or not findings)
        self.set_hint(self.why_not(model, busy, has_findings=bool(findings)))
