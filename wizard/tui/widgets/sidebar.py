"""The step sidebar: always shows where the user is and what is done."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from wizard.tui.flow import PAGES, Page, PageState

ICONS: dict[PageState, tuple[str, str]] = {
    PageState.PENDING: ("○", "dim"),
    PageState.RUNNING: ("◐", "bold yellow"),
    PageState.DONE: ("✔", "bold green"),
    PageState.FAILED: ("✘", "bold red"),
    PageState.BLOCKED: ("■", "bold red"),
    PageState.SKIPPED: ("–", "dim"),
}


class StepSidebar(OptionList):
    """The wizard's pages with a state icon each; the current page is marked with ▶.

    Pages the user has reached can be selected to look back at them; later pages are disabled.
    Under 100 columns it folds away; F2 shows it (and focuses it) or hides it again.
    """

    @dataclass
    class PageChosen(Message):
        """The user picked a page to look at."""

        page: Page

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        # out of the Tab order (Enter on it did nothing useful): F2 focuses it, a click works
        self.can_focus = False
        self._states: dict[Page, PageState] = {info.page: PageState.PENDING for info in PAGES}
        self._current: Page = Page.CONNECT
        self._reachable: set[Page] = {Page.CONNECT}

    def on_mount(self) -> None:
        """Draw the initial list."""
        self.border_title = "Steps"
        self._redraw()

    def update_state(
        self, current: Page, states: dict[Page, PageState], reachable: set[Page], use: str = ""
    ) -> None:
        """Redraw with the current page, each page's state, which pages may be opened and the use
        of a snapshot (its name under the list, unless it is a migration)."""
        subtitle = "" if use in ("", "migrate") else f"– not in a {use}"
        if self.border_subtitle != subtitle:
            self.border_subtitle = subtitle
        if current == self._current and states == self._states and reachable == self._reachable:
            return
        self._current = current
        self._states = dict(states)
        self._reachable = set(reachable)
        self._redraw()

    def _redraw(self) -> None:
        options: list[Option] = []
        for number, info in enumerate(PAGES, start=1):
            state = self._states.get(info.page, PageState.PENDING)
            icon, style = ICONS[state]
            label = Text()
            label.append("▶ " if info.page == self._current else "  ", "bold")
            label.append(icon, style)
            if state is PageState.SKIPPED:
                # not in this use of a snapshot (a backup has no new manager, a restore no snapshot)
                label.append(f" {number}. {info.label}", "dim strike")
            else:
                label.append(f" {number}. {info.label}", "bold" if info.page == self._current else "")
            options.append(Option(label, id=info.page.value, disabled=info.page not in self._reachable))
        highlighted = [info.page for info in PAGES].index(self._current)
        self.clear_options()
        self.add_options(options)
        self.highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Turn a selection into a PageChosen message for the screen."""
        event.stop()
        if event.option.id:
            self.post_message(self.PageChosen(Page(event.option.id)))
