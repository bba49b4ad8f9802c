"""App-wide messages: how engine events (from a worker thread) reach the widgets.

The engine calls `on_event` on its own thread; the bridge wraps each event in a message and
`post_message`s it to the app (thread-safe). Progress messages replace each other while queued,
so a flood of progress collapses into the newest one and the screen repaints a few times a
second, never once per chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from wizard.migration.events import Event, StepProgress
from wizard.migration.steps import StepId
from wizard.tui.flow import Page
from wizard.tui.options import UseForm


class EngineEvent(Message):
    """Any engine event other than progress (step started/finished, log line, findings, agents)."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event


class EngineProgress(Message):
    """A StepProgress event; while queued, a newer one for the same step replaces it."""

    def __init__(self, event: StepProgress) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        """Progress of the same step supersedes: only the newest is drawn."""
        return isinstance(message, EngineProgress) and message.event.step == self.event.step


@dataclass
class ConnectionTested(Message):
    """A test-connection worker finished: `summary` on success, otherwise `error` (what kind of
    failure) and `detail` (its cause, e.g. which certificate check failed)."""

    label: str
    summary: str
    error: str = ""
    detail: str = ""


@dataclass
class JobFinished(Message):
    """A controller job (a page's steps) ended; `ok` tells whether the flow may move on."""

    job: str
    page: Page
    ok: bool
    detail: str = ""


@dataclass
class ShowPage(Message):
    """Ask the main screen to show a page (posted by the controller from its worker)."""

    page: Page


@dataclass
class PageAction(Message):
    """A page asks the app to do something: run its steps, re-check, waive, move on."""

    page: Page
    action: str


@dataclass
class PlanReady(Message):
    """The engine's plan (step states from the journal) after connecting, resuming or a rewind
    (`replace`: the states replace the model's, even done ones)."""

    states: dict[str, str]
    replace: bool = False
    #: the steps of this use of a snapshot, as the engine planned them
    steps: tuple[StepId, ...] | None = None


@dataclass
class UseChanged(Message):
    """The Connect page's use of a snapshot (or its archive) changed: the plan may differ."""

    use: UseForm
