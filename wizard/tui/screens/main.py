"""The one screen of the wizard: header, step sidebar, the current page, footer.

All eight pages stay mounted in a ContentSwitcher: engine events can update any page at any
time, and the user can look back at a finished page from the sidebar.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header

from wizard.tui.flow import ORDER, Page, PageState, page_state
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


class MainScreen(Screen[None]):
    """Sidebar plus pages (see the module docstring)."""

    def __init__(self, options: LaunchOptions) -> None:
        super().__init__(id="main")
        self.options = options

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
        """The widget of one page."""
        return self.query_one(f"#page-{page.value}", StepPage)

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
        """Switch to `page` (and focus its primary button, so Enter moves on)."""
        self.switcher.current = f"page-{page.value}"
        widget = self.page_widget(page)
        buttons = widget.query("#primary")
        if page is not Page.CONNECT and buttons:
            self.set_focus(buttons.first())

    def sync(self, model: RunModel, busy: bool) -> None:
        """Redraw the sidebar and every page's buttons from the model."""
        states = {p: page_state(p, model.step_states, model.connected) for p in ORDER}
        current = self.current_page
        reachable = {Page.CONNECT, current}
        for index, page in enumerate(ORDER):
            if states[page] is not PageState.PENDING:
                reachable.add(page)
                if index + 1 < len(ORDER):
                    reachable.add(ORDER[index + 1])
        if not model.connected:
            reachable = {Page.CONNECT, current}
        self.sidebar.update_state(current, states, reachable)
        for cls in PAGE_CLASSES:
            self.page_widget(cls.page).sync(model, busy)

    @on(StepSidebar.PageChosen)
    def _chosen(self, event: StepSidebar.PageChosen) -> None:
        self.show_page(event.page)
        app = self.app
        sync = getattr(app, "sync", None)
        if callable(sync):
            sync()
