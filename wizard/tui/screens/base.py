"""What every wizard page has: a heading, an intro, a body, and a button row at the bottom.

Pages are mounted once inside the main screen (a ContentSwitcher shows one at a time), so the
engine's events can update any of them at any time, and the user can look back at a page that
is done. Pages never call the engine: they post PageAction messages to the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from wizard.migration.events import Event, LogLine, StepFinished, StepProgress, StepStarted
from wizard.migration.steps import Outcome
from wizard.tui.flow import INFO, ORDER, Page
from wizard.tui.messages import PageAction
from wizard.tui.widgets.event_log import EventLog
from wizard.tui.widgets.scroll_area import ScrollArea

if TYPE_CHECKING:
    from wizard.tui.model import RunModel
    from wizard.tui.options import LaunchOptions


class StepPage(Vertical):
    """Base of the eight pages (see the module docstring)."""

    page: ClassVar[Page]
    intro: ClassVar[str] = ""

    def __init__(self, options: LaunchOptions) -> None:
        super().__init__(id=f"page-{self.page.value}", classes="page")
        self.options = options
        #: why the main button is disabled, shown beside it ("" when it is enabled)
        self.hint = ""
        self._buttons: dict[str, Button] | None = None

    def compose(self) -> ComposeResult:
        """Heading; the intro and the page body in a scroll area; the log; the hint and buttons."""
        number = ORDER.index(self.page) + 1
        yield Label(f"{number}. {INFO[self.page].heading}", classes="page-heading")
        with ScrollArea(classes="page-body"):
            if self.intro:
                yield Static(self.intro.strip(), classes="page-intro")
            yield from self.compose_body()
        logs = list(self.compose_log())
        if logs:
            self.add_class("-with-log")
            yield from logs
        with Horizontal(classes="page-buttons"):
            yield Static("", classes="page-hint")
            yield from self.compose_buttons()

    def compose_body(self) -> ComposeResult:
        """The page's own widgets."""
        yield from ()

    def compose_log(self) -> ComposeResult:
        """The page's event log, under the body, growing with the terminal (if it has one)."""
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        """The page's buttons; the one with id `primary` moves the flow on."""
        yield from ()

    def button(self, button_id: str) -> Button | None:
        """One of the page's buttons by id (looked up once: sync runs after every event)."""
        if self._buttons is None:
            self._buttons = {b.id: b for b in self.query(Button).results(Button) if b.id}
        return self._buttons.get(button_id)

    @property
    def primary(self) -> Button | None:
        """The button that moves the flow on (Ctrl+N presses it), if the page has one."""
        return self.button("primary")

    def set_hint(self, text: str) -> None:
        """Say, beside the buttons, why the main button is disabled (or nothing)."""
        if text != self.hint:
            self.hint = text
            self.query_one(".page-hint", Static).update(text)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        if event.button.id:
            event.stop()
            self.post_message(PageAction(self.page, event.button.id))

    # -- called by the app on the UI thread ------------------------------------------------------
    def on_engine_event(self, event: Event, model: RunModel) -> None:
        """An engine event that concerns this page arrived (model already updated)."""

    def on_engine_progress(self, event: StepProgress, model: RunModel) -> None:
        """The newest progress of one of this page's steps."""

    def note_step(self, event: StepStarted | StepFinished) -> None:
        """Write a step's start and end into this page's event log, if it has one."""
        for log in self.query(EventLog):
            if isinstance(event, StepStarted):
                log.add(LogLine(event.step, "info", f"▶ {event.title}", at=event.at))
            else:
                # stopped on purpose (not confirmed, cancelled, no longer followed) is not an error
                stopped = event.outcome in (Outcome.DECLINED, Outcome.CANCELLED, Outcome.DETACHED)
                mark = "✔" if event.outcome.ok else ("■" if stopped else "✘")
                level = "info" if event.outcome.ok else ("warning" if stopped else "error")
                log.add(
                    LogLine(
                        event.step,
                        level,
                        f"{mark} {event.step.label}: {event.outcome.value}"
                        + (f" — {event.detail}" if event.detail else ""),
                        at=event.at,
                    )
                )

    def sync(self, model: RunModel, busy: bool) -> None:
        """Redraw buttons and texts from the model (after any change)."""

    def set_button(
        self,
        button_id: str,
        *,
        label: str | None = None,
        disabled: bool | None = None,
        visible: bool | None = None,
    ) -> None:
        """Change one of this page's buttons if it exists."""
        button = self.button(button_id)
        if button is not None:
            if label is not None and str(button.label) != label:
                button.label = label
                button.refresh(layout=True)
            if disabled is not None:
                button.disabled = disabled
            if visible is not None:
                button.display = visible
