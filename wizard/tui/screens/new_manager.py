"""Page 5: the new manager checked against the snapshot, explained in plain words."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Button, Static

from wizard.migration.events import Event, StepFinished
from wizard.migration.steps import StepId
from wizard.tui.flow import Page
from wizard.tui.model import RunModel
from wizard.tui.screens.findings_page import FindingsPage

PLAIN = """\
[b]Version order[/b]  a snapshot goes only to the same or a newer Cloudify.
[b]Clean[/b]          no blueprints, deployments, plugins or secrets: a restore onto data fails.
[b]IP rule[/b]        on another IP the agents are reinstalled (page 7); keep the old manager up.
[b]Health[/b]         every service of the new manager must run before the restore."""


class NewManagerPage(FindingsPage):
    """The checks of the new manager run right before the upload (and again before restore)."""

    page = Page.NEW_MANAGER

    def compose_body(self) -> ComposeResult:
        """The plain-words legend, then the findings."""
        yield Static(PLAIN, classes="plain-words")
        yield from super().compose_body()

    def wants(self, phase: str) -> bool:
        """The phases that check the new manager against the snapshot."""
        return phase in {
            "new",
            "archive",
            "before:preflight_new",
            "preflight_new",
            "before:upload",
            "before:restore",
        }

    def compose_buttons(self) -> ComposeResult:
        """Re-check, waive, next."""
        yield Button("Re-run checks", id="rerun")
        yield Button("Waive…", id="waive")
        yield Button("Next: restore ▶", variant="primary", id="primary")

    def on_engine_event(self, event: Event, model: RunModel) -> None:
        """Also redraw when the step ends (its state decides the Next button)."""
        super().on_engine_event(event, model)
        if (
            isinstance(event, StepFinished)
            and event.step == StepId.PREFLIGHT_NEW
            and not self.page_findings(model)
        ):
            self.summary.update(event.detail or event.outcome.value)

    def sync(self, model: RunModel, busy: bool) -> None:
        """Next only when the step is done and nothing blocks."""
        state = model.step_states.get(StepId.PREFLIGHT_NEW, "pending")
        selected = self.table.selected
        self.set_button("rerun", disabled=busy)
        self.set_button(
            "waive", disabled=busy or selected is None or not selected.blocking or selected.id in self.waived
        )
        done = state in {"done", "already-done", "skipped"}
        self.set_button("primary", disabled=busy or not done or bool(self.blockers(model)))
        self.set_hint(self.why_not(model, busy, has_findings=done))
