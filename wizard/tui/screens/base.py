"""What every wizard page has: a heading, an intro, a body, and a button row at the bottom.

Pages are mounted once inside the main screen (a ContentSwitcher shows one at a time), so the
engine's events can update any of them at any time, and the user can look back at a page that
is done. Pages never call the engine: they post PageAction messages to the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from wizard.migration.events import Event, LogLine, StepFinished, StepProgress, StepStarted
from wizard.tui.flow import INFO, ORDER, Page
from wizard.tui.messages import PageAction
from wizard.tui.widgets.event_log import EventLog

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

    def compose(self) -> ComposeResult:
        """Heading, intro, the page body in a scroll area, then the buttons."""
        number = ORDER.index(self.page) + 1
        yield Label(f"{number}. {INFO[self.page].heading}", classes="page-heading")
        if self.intro:
            yield Static(self.intro.strip(), classes="page-intro")
        with VerticalScroll(classes="page-body"):
            yield from self.compose_body()
        with Horizontal(classes="page-buttons"):
            yield from self.compose_buttons()

    def compose_body(self) -> ComposeResult:
        """The page's own widgets."""
        yield from ()

    def compose_buttons(self) -> ComposeResult:
        """The page's buttons; the one with id `primary` moves the flow on."""
        yield from ()

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
                mark = "✔" if event.outcome.ok else "✘"
                level = "info" if event.outcome.ok else "error"
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
        for button in self.query(f"#{button_id}").results(Button):
            if label is not None and str(button.label) != label:
                button.label = label
                button.refresh(layout=True)
            if disabled is not None:
                button.disabled = disabled
            if visible is not None:
                button.display = visible
