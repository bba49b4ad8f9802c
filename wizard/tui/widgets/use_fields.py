"""The Connect page's choice of a use of a snapshot and the fields each use adds: the choice with
what it means, the archive one already has (and the community repair), the old manager's form (a
restore's lost manager: only its admin user and password), and a backup's directory and retention."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, Static

from wizard.migration.config import Mode
from wizard.tui.options import ManagerForm, UseForm
from wizard.tui.use import EXPLANATIONS, LABELS, LOST_PASSWORD_NOTE, REPAIR_NOTE
from wizard.tui.widgets.manager_form import ManagerFormView

#: the old manager's form title per use
SOURCE_TITLES: dict[Mode, str] = {
    Mode.MIGRATE: "Old manager (source)",
    Mode.BACKUP: "Manager to back up",
    Mode.RESTORE: "Lost manager (from its archive)",
}

#: the rows of the old manager's form that a restore hides (nothing is asked of a lost manager)
LOST_HIDDEN = ("profile", "url", "tenant", "ca", "insecure")


class UseChoice(Horizontal):
    """Migrate / Back up only / Restore, and what the chosen one means."""

    def __init__(self, mode: Mode) -> None:
        super().__init__(id="use")
        self._mode = mode

    def compose(self) -> ComposeResult:
        """The radio buttons and the explanation."""
        with RadioSet(id="use-choice", compact=True):
            for mode, label in LABELS.items():
                yield RadioButton(label, value=mode is self._mode, id=f"use-{mode.value}", compact=True)
        yield Static(EXPLANATIONS[self._mode], id="use-explanation")

    @property
    def mode(self) -> Mode:
        """The use chosen."""
        pressed = self.query_one(RadioSet).pressed_button
        return (
            Mode((pressed.id or "use-migrate").removeprefix("use-")) if pressed is not None else Mode.MIGRATE
        )

    def choose(self, mode: Mode) -> None:
        """Select `mode` (the explanation follows through the page's RadioSet.Changed)."""
        self.query_one(f"#use-{mode.value}", RadioButton).value = True
        self.explain(mode)

    def explain(self, mode: Mode) -> None:
        """Show what `mode` means."""
        self.query_one("#use-explanation", Static).update(EXPLANATIONS[mode])


class SourceFormView(ManagerFormView):
    """The old manager's form; in a restore, the lost manager's: no profile, tenant or TLS fields
    and no test (nothing is asked of it), its address optional (the archive names it), and why
    its admin password is asked."""

    def __init__(self, profiles: list[str], initial: ManagerForm, use: UseForm) -> None:
        super().__init__("old", SOURCE_TITLES[use.mode], profiles, initial)
        self._use = use

    def compose_extra(self) -> ComposeResult:
        """Why a restore asks for the lost manager's password."""
        yield Static(LOST_PASSWORD_NOTE, id="old-lost-note", classes="form-note")

    def on_mount(self) -> None:
        """Show the fields of the use it starts in."""
        self.set_use(self._use.mode)

    def set_use(self, mode: Mode) -> None:
        """Show, hide and label the fields for `mode`."""
        restore = mode is Mode.RESTORE
        self.query_one(".form-title", Label).update(SOURCE_TITLES[mode])
        for name in LOST_HIDDEN:
            self.query_one(f"#old-row-{name}").display = not restore
        self.query_one("#old-lost-note").display = restore
        self.query_one("#test-old").display = not restore
        self.result.display = not restore


class ArchiveRow(Vertical):
    """The archive one already has (migrate: optional, then no snapshot is made; restore: the
    lost manager's archive) and the community-archive repair, with what the repair does."""

    def __init__(self, use: UseForm) -> None:
        super().__init__(id="archive-row")
        self._use = use

    def compose(self) -> ComposeResult:
        """Path, repair switch, the repair's note (shown while it is ticked)."""
        with Horizontal(classes="form-row"):
            yield Label("Archive", classes="form-label")
            yield Input(self._use.archive, compact=True, id="archive")
            yield Checkbox(
                "Repair a community archive (7.x)",
                self._use.repair_community_archive,
                compact=True,
                id="repair",
            )
        yield Static(REPAIR_NOTE, id="repair-note", classes="muted form-note")

    def on_mount(self) -> None:
        """Show the fields of the use it starts in."""
        self.set_use(self._use.mode)

    def set_use(self, mode: Mode) -> None:
        """Hidden in a backup (it makes its own archive); required in a restore."""
        self.display = mode is not Mode.BACKUP
        self.query_one("#archive", Input).placeholder = (
            "the snapshot .zip to restore" if mode is Mode.RESTORE else "(optional) a .zip you have"
        )
        self._show_note()

    @on(Checkbox.Changed, "#repair")
    def _show_note(self) -> None:
        self.query_one("#repair-note").display = self.query_one("#repair", Checkbox).value

    def read(self) -> tuple[str, bool]:
        """The archive path and the repair switch as typed."""
        return self.query_one("#archive", Input).value.strip(), self.query_one("#repair", Checkbox).value

    def fill(self, use: UseForm) -> None:
        """Put the use's archive and repair switch into the fields."""
        self.query_one("#archive", Input).value = use.archive
        self.query_one("#repair", Checkbox).value = use.repair_community_archive

    def focus_field(self) -> None:
        """The archive path."""
        self.query_one("#archive", Input).focus()


class BackupFormView(Vertical):
    """Where a backup goes and how many of this manager's backups are kept."""

    def __init__(self, use: UseForm, default_dir: str) -> None:
        super().__init__(id="form-backup", classes="manager-form")
        self._use = use
        self._default_dir = default_dir

    def compose(self) -> ComposeResult:
        """Directory, keep, and the secrets warning."""
        yield Label("Backup", classes="form-title")
        yield Horizontal(
            Label("Directory", classes="form-label"),
            Input(self._use.backup_dir, placeholder=self._default_dir, compact=True, id="backup-dir"),
            classes="form-row",
        )
        yield Horizontal(
            Label("Keep newest", classes="form-label"),
            Input(
                self._use.keep,
                placeholder="(all)",
                compact=True,
                id="backup-keep",
            ),
            classes="form-row",
        )
        yield Static(
            "Keep newest N deletes this manager's older backups. The archive (mode 0600) and its "
            "manifest go into this directory (0700); they hold the manager's credentials, certificates, "
            "keys and password hashes: keep them as private as the manager.",
            classes="muted form-note",
        )

    def set_default_dir(self, text: str) -> None:
        """The directory used when the field is left empty."""
        self.query_one("#backup-dir", Input).placeholder = text

    def read(self) -> tuple[str, str]:
        """Directory and keep as typed."""
        return (
            self.query_one("#backup-dir", Input).value.strip(),
            self.query_one("#backup-keep", Input).value.strip(),
        )

    def fill(self, use: UseForm) -> None:
        """Put the use's backup fields in."""
        self.query_one("#backup-dir", Input).value = use.backup_dir
        self.query_one("#backup-keep", Input).value = use.keep

    def focus_field(self, name: str) -> None:
        """The directory ("dir") or keep ("keep") field."""
        self.query_one(f"#backup-{name}", Input).focus()
