"""Page 6: what the restore does and what cannot be undone; upload progress; the restore
through the REST outage; the credential switch; old-versus-new inventory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Button, Collapsible, Label, Static

from wizard.migration.events import Event, LogLine, StepFinished, StepProgress, StepStarted
from wizard.migration.steps import StepId
from wizard.migration.units import human_duration
from wizard.tui.flow import Page
from wizard.tui.model import RunModel
from wizard.tui.screens.base import StepPage
from wizard.tui.widgets.event_log import EventLog
from wizard.tui.widgets.inventory_table import InventoryTable
from wizard.tui.widgets.transfer import TransferProgress

WHAT_HAPPENS = (
    "[b]What happens[/b]: the snapshot is uploaded and verified, you confirm by typing the new manager's "
    "host name, the restore runs (the REST API goes away for a while: expected), the wizard logs in "
    "again, and the inventory is compared, old versus new.\n"
    "[b red]Cannot be undone[/b red]: the new manager's data and users are replaced by the snapshot's; "
    "its admin password becomes the [b]old[/b] manager's. The old manager is not touched: keep it running."
)

STEPS = (StepId.UPLOAD, StepId.RESTORE, StepId.REAUTHENTICATE, StepId.VERIFY_INVENTORY)


class RestorePage(StepPage):
    """Upload, restore, re-authenticate, verify — one button, one confirmation."""

    page = Page.RESTORE

    def compose_body(self) -> ComposeResult:
        """The warning, the two progress sections, credentials, inventory, log."""
        with Collapsible(title="What happens, and what cannot be undone", collapsed=False, id="what-happens"):
            yield Static(WHAT_HAPPENS, classes="warning-box")
        yield Label("Upload", classes="section-title")
        yield TransferProgress("Not started.", id="upload-progress")
        yield Label("Restore", classes="section-title")
        yield TransferProgress("Not started.", id="restore-progress")
        yield Label("Credentials", classes="section-title")
        yield Static("Unchanged so far.", id="credentials")
        yield Label("Inventory, old → new", classes="section-title")
        yield InventoryTable(id="inventory")
        yield Static("", id="inventory-verdict")

    def compose_log(self) -> ComposeResult:
        """The upload's, the restore's and the new login's notes."""
        yield EventLog(id="restore-log", classes="page-log")

    def compose_buttons(self) -> ComposeResult:
        """Upload and restore / next."""
        yield Button("Upload and restore ▶", variant="error", id="primary")

    def _progress(self, step: StepId) -> TransferProgress | None:
        if step == StepId.UPLOAD:
            return self.query_one("#upload-progress", TransferProgress)
        if step in (StepId.RESTORE, StepId.REAUTHENTICATE):
            return self.query_one("#restore-progress", TransferProgress)
        return None

    def on_engine_event(self, event: Event, model: RunModel) -> None:
        """Logs (REST outage notes included), step ends, the credential switch."""
        if isinstance(event, LogLine):
            self.query_one("#restore-log", EventLog).add(event)
            if "password" in event.message.lower() and event.step in (StepId.RESTORE, StepId.REAUTHENTICATE):
                self.query_one("#credentials", Static).update(f"⚠ {event.message}")
            if "restarting" in event.message or "unreachable" in event.message.lower():
                bar = self._progress(StepId.RESTORE)
                if bar is not None:
                    bar.set_text("The REST API is restarting (expected during a restore); waiting…")
        elif isinstance(event, StepStarted) and event.step == StepId.UPLOAD:
            self.query_one("#upload-progress", TransferProgress).start(event.at)
            # read and confirmed: the progress below matters now (the text stays one key away)
            self.query_one("#what-happens", Collapsible).collapsed = True
        elif isinstance(event, StepStarted) and event.step == StepId.RESTORE:
            bar = self._progress(StepId.RESTORE)
            if bar is not None:
                bar.set_text("Waiting for your confirmation…")
        elif isinstance(event, StepFinished):
            bar = self._progress(event.step)
            if bar is not None and event.step != StepId.REAUTHENTICATE:
                if event.outcome.ok:
                    bar.finish(f"✔ {event.detail}")
                else:
                    bar.set_text(f"✘ {event.outcome.value}: {event.detail}")
            if event.step == StepId.VERIFY_INVENTORY:
                self.show_verdict()
            if event.step == StepId.REAUTHENTICATE and event.outcome.ok:
                self.query_one("#credentials", Static).update(
                    f"✔ Logged in again ({event.detail}). The new manager now uses the old manager's "
                    "admin password: update your cfy profile."
                )

    def on_engine_progress(self, event: StepProgress, model: RunModel) -> None:
        """Upload bytes; restore elapsed time and status."""
        bar = self._progress(event.step)
        if bar is None:
            return
        if event.unit == "bytes":
            bar.update_progress(
                StepProgress(event.step, event.done, event.total, event.unit, "", at=event.at)
            )
        elif event.unit == "s":
            bar.set_text(f"{human_duration(event.done)} elapsed — {event.message}")
        else:
            bar.update_progress(event)

    def show_inventory(self, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> None:
        """Old versus new per tenant, and the verdict."""
        ok = self.query_one("#inventory", InventoryTable).show(old, new)
        verdict = (
            "[green]✔ Everything the old manager had is on the new one.[/green]"
            if ok
            else "[b red]✘ Something is missing on the new manager: do not decommission the old one.[/b red]"
        )
        self.query_one("#inventory-verdict", Static).update(verdict)
        self.show_verdict()

    def show_verdict(self) -> None:
        """The verdict is what the restore proves: scroll it into view (the log keeps the rest)."""
        body = self.query_one(".page-body")
        self.call_after_refresh(lambda: body.scroll_end(animate=False))

    def sync(self, model: RunModel, busy: bool) -> None:
        """Next once the inventory is verified."""
        done = all(model.step_states.get(s, "pending") in {"done", "already-done", "skipped"} for s in STEPS)
        if done:
            self.set_button("primary", label="Next: agents ▶", disabled=busy)
            self.query_one("#primary").variant = "primary"  # type: ignore[attr-defined]
        else:
            self.set_button("primary", label="Upload and restore ▶", disabled=busy)
