"""Page 1: the old and new managers, typed in or picked from cfy profiles, and tested."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Button, Static

from wizard.migration.profiles import list_profiles
from wizard.tui.flow import Page
from wizard.tui.model import RunModel
from wizard.tui.options import ManagerForm
from wizard.tui.screens.base import StepPage
from wizard.tui.widgets.manager_form import ManagerFormView


class ConnectPage(StepPage):
    """Two forms side by side, the state directory, and Next (which runs the preflight)."""

    page = Page.CONNECT
    intro = (
        "The [b]old[/b] manager is the one you are leaving; the [b]new[/b] one is installed and "
        "empty. Use the bootstrap admin on the new manager."
    )

    def compose_body(self) -> ComposeResult:
        """The two forms and where the state goes."""
        profiles = list_profiles(self.options.environ)
        from textual.containers import Horizontal

        with Horizontal(id="forms"):
            yield ManagerFormView("old", "Old manager (source)", profiles, self.options.old)
            yield ManagerFormView("new", "New manager (target)", profiles, self.options.new)
        yield Static("", id="state-dir", classes="muted")

    def compose_buttons(self) -> ComposeResult:
        """Next."""
        yield Button("Next: run the preflight ▶", variant="primary", id="primary")

    def form(self, label: str) -> ManagerFormView:
        """The old or new form."""
        return self.query_one(f"#form-{label}", ManagerFormView)

    def fill(self, old: ManagerForm, new: ManagerForm, state_dir: str) -> None:
        """Prefill both forms and the state directory line."""
        self.form("old").fill(old)
        self.form("new").fill(new)
        self.query_one("#state-dir", Static).update(
            f"Journal, snapshot and reports go to {state_dir} (mode 0700)."
        )

    def sync(self, model: RunModel, busy: bool) -> None:
        """Next is disabled while something runs."""
        self.set_button("primary", disabled=busy)
        for label in ("old", "new"):
            self.set_button(f"test-{label}", disabled=busy)
