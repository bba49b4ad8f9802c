"""Page 1: the use of a snapshot (migrate, back up, restore), the managers it needs — typed in or
picked from cfy profiles, and tested — and the use's own fields (an archive, a backup directory)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, RadioSet, Static

from wizard.migration.config import Mode
from wizard.migration.profiles import list_profiles
from wizard.tui.flow import Page
from wizard.tui.messages import UseChanged
from wizard.tui.model import RunModel
from wizard.tui.options import ManagerForm, UseForm
from wizard.tui.screens.base import StepPage
from wizard.tui.use import HEADINGS
from wizard.tui.widgets.manager_form import ManagerFormView
from wizard.tui.widgets.use_fields import ArchiveRow, BackupFormView, SourceFormView, UseChoice

#: the primary button per use
NEXT_LABEL = "Next: run the preflight ▶"


class ConnectPage(StepPage):
    """The use, two forms side by side (stacked when narrow), the state directory, and Next
    (which runs the preflight)."""

    page = Page.CONNECT
    intro = (
        "Choose what to do. The [b]old[/b] manager is the one you are leaving; the [b]new[/b] one is "
        "installed and empty. Use the bootstrap admin on the new manager."
    )
    #: the intro of a backup and of a restore
    INTROS = {
        Mode.BACKUP: "Choose what to do. A backup makes a snapshot of the manager and keeps it; nothing "
        "else changes on the manager, and no other manager is asked anything.",
        Mode.RESTORE: "Choose what to do. Nothing is asked of the lost manager: its archive stands for it. "
        "The [b]new[/b] manager is installed and empty: use its bootstrap admin.",
    }

    def compose_body(self) -> ComposeResult:
        """The use, the forms and where the state goes."""
        profiles = list_profiles(self.options.environ)
        use = self.options.use
        yield UseChoice(use.mode)
        yield ArchiveRow(use)
        with Horizontal(id="forms"):
            yield SourceFormView(profiles, self.options.old, use)
            yield ManagerFormView("new", "New manager (target)", profiles, self.options.new)
            yield BackupFormView(use, "<state dir>/backups")
        yield Static("", id="state-dir", classes="muted")

    def compose_buttons(self) -> ComposeResult:
        """Next."""
        yield Button(NEXT_LABEL, variant="primary", id="primary")

    def on_mount(self) -> None:
        """Show the fields of the use the wizard starts in."""
        self._show_use(self.options.use.mode)

    def form(self, label: str) -> ManagerFormView:
        """The old or new form."""
        return self.query_one(f"#form-{label}", ManagerFormView)

    @property
    def source(self) -> SourceFormView:
        """The old manager's form (with the archive)."""
        return self.query_one(SourceFormView)

    @property
    def archive(self) -> ArchiveRow:
        """The archive one already has and the repair."""
        return self.query_one(ArchiveRow)

    @property
    def backup(self) -> BackupFormView:
        """A backup's directory and retention."""
        return self.query_one(BackupFormView)

    @property
    def use_choice(self) -> UseChoice:
        """The choice of a use."""
        return self.query_one(UseChoice)

    def fill(self, old: ManagerForm, new: ManagerForm, state_dir: str, use: UseForm | None = None) -> None:
        """Prefill both forms, the use's fields and the state directory line."""
        self.form("old").fill(old)
        self.form("new").fill(new)
        if use is not None:
            self.archive.fill(use)
            self.backup.fill(use)
            self.use_choice.choose(use.mode)
            self._show_use(use.mode)
        self.backup.set_default_dir(f"{state_dir}/backups")
        self.query_one("#state-dir", Static).update(
            f"Journal, snapshot and reports go to {state_dir} (mode 0700)."
        )

    def read_use(self) -> UseForm:
        """The use and its fields as typed."""
        archive, repair = self.archive.read()
        backup_dir, keep = self.backup.read()
        return UseForm(self.use_choice.mode, archive, repair, backup_dir, keep)

    def focus_use_field(self, form: str, field: str) -> None:
        """Put the cursor in a field named by check_forms ("archive", "backup"/"keep", "old"/"url"…)."""
        if form == "backup":
            self.backup.focus_field(field)
        elif form == "archive":
            self.archive.focus_field()
        else:
            self.form(form).focus_field(field)

    def _show_use(self, mode: Mode) -> None:
        """Show the forms this use needs, and its heading."""
        self.source.set_use(mode)
        self.archive.set_use(mode)
        self.form("new").display = mode is not Mode.BACKUP
        self.backup.display = mode is Mode.BACKUP
        self.use_choice.explain(mode)
        self.query_one(".page-heading", Label).update(f"1. {HEADINGS[mode]}")
        self.query_one(".page-intro", Static).update(self.INTROS.get(mode, self.intro))

    @on(RadioSet.Changed, "#use-choice")
    def _use_chosen(self, event: RadioSet.Changed) -> None:
        event.stop()
        self._show_use(self.use_choice.mode)
        self.post_message(UseChanged(self.read_use()))

    @on(Input.Changed, "#archive")
    def _archive_typed(self, event: Input.Changed) -> None:
        # a migration from an archive one already has makes no snapshot: the plan changes
        self.post_message(UseChanged(self.read_use()))

    def sync(self, model: RunModel, busy: bool) -> None:
        """Next is disabled while something runs."""
        self.set_button("primary", disabled=busy)
        for label in ("old", "new"):
            self.set_button(f"test-{label}", disabled=busy)
