"""The one screen of the wizard: header, step sidebar, the current page, footer.

All eight pages stay mounted in a ContentSwitcher: engine events can update any page at any
time, and the user can look back at a finished page from the sidebar.
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Footer, Header

from wizard.tui.flow import MIGRATE_PLAN, ORDER, Page, PageState, page_state, previous_page
from wizard.tui.model import RunModel
from wizard.tui.options import LaunchOptions
from wizard.tui.screens.agents import AgentsPage
from wizard.tui.screens.base import StepPage
from wizard.tui.screens.connect import ConnectPage
from wizard.tui.screens.download import DownloadPage
from wizard.tui.screens.new_manager import NewManagerPage
from wizard.tui.screens.preflight import PreflightPage
from wizard.tui.screens.restore import RestorePage
from wizard.tui.screens.snapshot import SnapshotPage
from wizard.tui.screens.summary import SummaryPage
from wizard.tui.widgets.sidebar import StepSidebar

PAGE_CLASSES: tuple[type[StepPage], ...] = (
    ConnectPage,
    PreflightPage,
    SnapshotPage,
    DownloadPage,
    NewManagerPage,
    RestorePage,
    AgentsPage,
    SummaryPage,
)


#: page keys: the buttons each one presses, and the pages that have them
PAGE_KEYS: dict[str, tuple[tuple[str, ...], frozenset[Page]]] = {
    "test": (("test-old", "test-new"), frozenset({Page.CONNECT})),
    "rerun": (("rerun",), frozenset({Page.PREFLIGHT, Page.NEW_MANAGER})),
    "waive": (("waive",), frozenset({Page.PREFLIGHT, Page.NEW_MANAGER})),
    "retry": (("retry",), frozenset({Page.AGENTS})),
    "copy": (("copy-report",), frozenset({Page.SUMMARY})),
    "open": (("open-report",), frozenset({Page.SUMMARY})),
}

#: what a page key says when its button cannot be pressed now
REFUSED = {
    "waive": "Select a FAIL or ERROR check (↑/↓) to waive it; nothing else needs a waiver.",
    "retry": "Nothing to retry now (no failed deployment, or a step is running).",
}


class MainScreen(Screen[None]):
    """Sidebar plus pages (see the module docstring).

    Its keys move through the wizard (Ctrl+N presses the page's main button, Alt+Left goes back)
    and press the page's other buttons; the footer shows only those the page on show has.
    """

    BINDINGS = [
        Binding("ctrl+n", "next", "Next", id="next", tooltip="Press the page's main button"),
        Binding("alt+left", "back", "Back", key_display="alt+←", id="back", tooltip="The previous page"),
        Binding("ctrl+t", "page_key('test')", "Test both", id="test"),
        Binding("r", "page_key('rerun')", "Re-run", id="rerun", tooltip="Run the checks again"),
        Binding("w", "page_key('waive')", "Waive…", id="waive"),
        Binding("r", "page_key('retry')", "Retry failed", id="retry"),
        Binding("c", "page_key('copy')", "Copy report path", id="copy-report"),
        Binding("o", "page_key('open')", "Open report", id="open-report"),
        Binding("f2", "toggle_steps", "Steps", id="steps", tooltip="Show or hide the list of steps"),
    ]

    def __init__(self, options: LaunchOptions) -> None:
        super().__init__(id="main")
        self.options = options
        #: the pages the user may open (sidebar, Back, the palette's "go to step")
        self.reachable: set[Page] = {Page.CONNECT}
        self._footer_for: object = None
        self._pages: dict[Page, StepPage] = {}
        #: the steps of the chosen use of a snapshot (Back skips the pages without any)
        self._plan = MIGRATE_PLAN

    def compose(self) -> ComposeResult:
        """Header, sidebar, pages, footer."""
        yield Header(show_clock=False, icon="⇄")
        with Horizontal(id="body"):
            yield StepSidebar(id="sidebar")
            with ContentSwitcher(initial=f"page-{Page.CONNECT.value}", id="pages"):
                for cls in PAGE_CLASSES:
                    yield cls(self.options)
        yield Footer()

    # -- typed queries ---------------------------------------------------------------------------
    @property
    def sidebar(self) -> StepSidebar:
        """The step sidebar."""
        return self.query_one(StepSidebar)

    @property
    def switcher(self) -> ContentSwitcher:
        """The page switcher."""
        return self.query_one("#pages", ContentSwitcher)

    def page_widget(self, page: Page) -> StepPage:
        """The widget of one page (looked up once)."""
        if not self._pages:
            self._pages = {widget.page: widget for widget in self.query(StepPage).results(StepPage)}
        return self._pages[page]

    @property
    def connect(self) -> ConnectPage:
        """Page 1."""
        return self.query_one(ConnectPage)

    @property
    def preflight(self) -> PreflightPage:
        """Page 2."""
        return self.query_one(PreflightPage)

    @property
    def snapshot(self) -> SnapshotPage:
        """Page 3."""
        return self.query_one(SnapshotPage)

    @property
    def download(self) -> DownloadPage:
        """Page 4."""
        return self.query_one(DownloadPage)

    @property
    def new_manager(self) -> NewManagerPage:
        """Page 5."""
        return self.query_one(NewManagerPage)

    @property
    def restore(self) -> RestorePage:
        """Page 6."""
        return self.query_one(RestorePage)

    @property
    def agents(self) -> AgentsPage:
        """Page 7."""
        return self.query_one(AgentsPage)

    @property
    def summary(self) -> SummaryPage:
        """Page 8."""
        return self.query_one(SummaryPage)

    @property
    def current_page(self) -> Page:
        """The page on show."""
        current = self.switcher.current or f"page-{Page.CONNECT.value}"
        return Page(current.removeprefix("page-"))

    # -- drawing ---------------------------------------------------------------------------------
    def show_page(self, page: Page) -> None:
        """Switch to `page` and put the focus on it: its main button when enabled (Enter moves
        on), else its first field, button or table, never the step list."""
        self.switcher.current = f"page-{page.value}"
        self.focus_page()
        self.refresh_bindings()

    def focus_page(self) -> None:
        """Focus the page on show (see show_page)."""
        widget = self.page_widget(self.current_page)
        primary = widget.primary
        if self.current_page is not Page.CONNECT and primary is not None and not primary.disabled:
            self.set_focus(primary)
            return
        for candidate in widget.query("Input, Button, DataTable, Checkbox"):
            if candidate.focusable:
                self.set_focus(candidate)
                return

    def on_resize(self, event: events.Resize) -> None:
        """A compact footer under 120 columns, so that every key of the page fits."""
        self.query_one(Footer).compact = event.size.width < 120

    # -- keys ------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show and allow a page key only on the pages that have it."""
        page = self.current_page
        if action == "next":
            return self.page_widget(page).primary is not None
        if action == "back":
            return page is not Page.CONNECT
        if action == "page_key" and parameters:
            button_ids, pages = PAGE_KEYS[str(parameters[0])]
            return page in pages and any(b.display for b in self._buttons(button_ids))
        return True

    def _buttons(self, button_ids: tuple[str, ...]) -> list[Button]:
        page = self.page_widget(self.current_page)
        return [b for b in (page.button(button_id) for button_id in button_ids) if b is not None]

    def _press(self, button: Button | None, refused: str) -> None:
        if button is None:
            return
        if button.disabled:
            self.notify(refused, title=str(button.label).strip(" ▶…"), severity="warning")
            return
        button.press()

    def action_next(self) -> None:
        """Ctrl+N: the page's main button (says why, when it cannot be pressed yet)."""
        page = self.page_widget(self.current_page)
        self._press(page.primary, page.hint or "Not yet: a step is running.")

    def action_back(self) -> None:
        """Alt+Left: the previous page of this use (only to look; nothing runs)."""
        previous = previous_page(self.current_page, self._plan)
        if previous is not None:
            self.show_page(previous)
            self._resync()

    def action_page_key(self, key: str) -> None:
        """A page key (test, re-run, waive, retry): presses that button of the page."""
        button_ids, _pages = PAGE_KEYS[key]
        refused = REFUSED.get(key, "Not now: a step is running.")
        for button in self._buttons(button_ids):
            if button.display:  # e.g. no test of a lost manager
                self._press(button, refused)

    def action_toggle_steps(self) -> None:
        """F2: show or hide the step list (it folds away by itself under 100 columns)."""
        if self.has_class("-narrow"):
            self.toggle_class("-steps-open")
            opened = self.has_class("-steps-open")
        else:
            self.toggle_class("-steps-closed")
            opened = not self.has_class("-steps-closed")
        self.sidebar.can_focus = opened
        if opened:
            self.sidebar.focus()
        else:
            self.focus_page()

    def _resync(self) -> None:
        sync = getattr(self.app, "sync", None)
        if callable(sync):
            sync()

    def sync(self, model: RunModel, busy: bool) -> None:
        """Redraw the sidebar and every page's buttons from the model."""
        self._plan = model.plan
        states = {p: page_state(p, model.step_states, model.connected, model.plan) for p in ORDER}
        current = self.current_page
        reachable = {Page.CONNECT, current}
        used = [page for page in ORDER if states[page] is not PageState.SKIPPED]
        for index, page in enumerate(used):
            if states[page] is not PageState.PENDING:
                reachable.add(page)
                if index + 1 < len(used):
                    reachable.add(used[index + 1])
        if not model.connected:
            reachable = {Page.CONNECT, current}
        self.reachable = reachable
        self.sidebar.update_state(current, states, reachable, model.mode.value)
        for cls in PAGE_CLASSES:
            self.page_widget(cls.page).sync(model, busy)
        # the footer is drawn again only when what it shows may have changed (it recomposes)
        keys = (
            current,
            busy,
            tuple(b.display for b in self._buttons(("retry", "copy-report", "open-report"))),
        )
        if keys != self._footer_for:
            self._footer_for = keys
            self.refresh_bindings()

    @on(StepSidebar.PageChosen)
    def _chosen(self, event: StepSidebar.PageChosen) -> None:
        self.show_page(event.page)
        if self.has_class("-narrow") and self.has_class("-steps-open"):
            self.action_toggle_steps()
        self._resync()
