"""One manager's connection fields on the Connect page: a cfy profile or an address, user,
password (never echoed), tenant, CA bundle, insecure, and a test-connection button."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from wizard.tui.options import ManagerForm

NO_PROFILE = ""


class ManagerFormView(Vertical):
    """The form of the `old` or `new` manager."""

    def __init__(
        self, label: str, title: str, profiles: list[str], initial: ManagerForm | None = None
    ) -> None:
        super().__init__(id=f"form-{label}", classes="manager-form")
        self.label = label
        self._title = title
        self._profiles = profiles
        self._initial = initial or ManagerForm()

    def _row(self, caption: str, widget: Input | Select[str] | Checkbox, name: str = "") -> Horizontal:
        """A label/value row (with `name`, its id is `<label>-row-<name>`, to hide or relabel it)."""
        row_id = f"{self.label}-row-{name}" if name else None
        return Horizontal(Label(caption, classes="form-label"), widget, classes="form-row", id=row_id)

    def compose_source_rows(self) -> ComposeResult:
        """Rows after the address (a subclass's: the archive of the old manager)."""
        yield from ()

    def compose_extra(self) -> ComposeResult:
        """Rows before the test button (a subclass's)."""
        yield from ()

    def compose(self) -> ComposeResult:
        """The fields in label/value rows."""
        yield Label(self._title, classes="form-title")
        options = [(name, name) for name in self._profiles]
        select: Select[str] = Select(
            options,
            value=self._initial.profile or Select.NULL,
            prompt="(none: type the address)" if options else "(no cfy profiles found)",
            allow_blank=True,
            compact=True,
            id=f"{self.label}-profile",
            disabled=not options,
        )
        yield self._row("cfy profile", select, "profile")
        form = self._initial
        yield self._row(
            "Address",
            Input(form.url, placeholder="https://10.0.0.5", compact=True, id=f"{self.label}-url"),
            "url",
        )
        yield from self.compose_source_rows()
        yield self._row("User", Input(form.user, compact=True, id=f"{self.label}-user"), "user")
        yield self._row(
            "Password",
            Input(
                form.password,
                password=True,
                placeholder="typed, never shown",
                compact=True,
                id=f"{self.label}-password",
            ),
            "password",
        )
        yield self._row("Tenant", Input(form.tenant, compact=True, id=f"{self.label}-tenant"), "tenant")
        yield self._row(
            "CA bundle",
            Input(form.ca_cert, placeholder="(system trust store)", compact=True, id=f"{self.label}-ca"),
            "ca",
        )
        yield self._row(
            "",
            Checkbox("Skip TLS verification", form.insecure, compact=True, id=f"{self.label}-insecure"),
            "insecure",
        )
        yield from self.compose_extra()
        yield Button("Test connection", id=f"test-{self.label}", classes="test-button")
        yield Static("Not tested yet.", id=f"{self.label}-result", classes="probe-result")

    # -- typed accessors -------------------------------------------------------------------------
    def _input(self, name: str) -> Input:
        return self.query_one(f"#{self.label}-{name}", Input)

    @property
    def profile_select(self) -> Select[str]:
        """The cfy profile picker."""
        return self.query_one(f"#{self.label}-profile", Select)

    @property
    def insecure_box(self) -> Checkbox:
        """The skip-verification switch."""
        return self.query_one(f"#{self.label}-insecure", Checkbox)

    @property
    def result(self) -> Static:
        """The test-connection result line."""
        return self.query_one(f"#{self.label}-result", Static)

    # -- values ----------------------------------------------------------------------------------
    def fill(self, form: ManagerForm) -> None:
        """Put `form` into the fields (the password stays masked)."""
        self._input("url").value = form.url
        self._input("user").value = form.user
        self._input("password").value = form.password
        self._input("tenant").value = form.tenant
        self._input("ca").value = form.ca_cert
        self.insecure_box.value = form.insecure
        for name in ("url", "user", "password", "tenant", "ca"):
            # show a long address from its start (the scheme and host), not its end
            self._input(name).cursor_position = 0
        if form.profile and form.profile in self._profiles:
            self.profile_select.value = form.profile

    def read(self) -> ManagerForm:
        """The current field values."""
        profile = self.profile_select.value
        return ManagerForm(
            url=self._input("url").value.strip(),
            user=self._input("user").value.strip(),
            password=self._input("password").value,
            tenant=self._input("tenant").value.strip(),
            ca_cert=self._input("ca").value.strip(),
            insecure=self.insecure_box.value,
            profile=profile if isinstance(profile, str) else "",
        )

    def focus_field(self, name: str) -> None:
        """Put the cursor in one field ("url", "user", "password", "tenant", "ca")."""
        self._input(name).focus()

    def show_result(self, text: str, ok: bool) -> None:
        """Show a test-connection outcome under the button."""
        self.result.update(("✔ " if ok else "✘ ") + text)
        self.result.set_class(ok, "ok")
        self.result.set_class(not ok, "failed")

    @on(Select.Changed)
    def _profile_picked(self, event: Select.Changed) -> None:
        """A profile replaces the address: clear the address field so the profile is used."""
        if isinstance(event.value, str) and event.value:
            self._input("url").value = ""
            self._input("url").placeholder = f"(from cfy profile {event.value})"
