"""The wizard's pages and which engine steps each one drives.

The engine has eleven steps; a person thinks in eight pages. This module is the one place that
maps one onto the other, so the sidebar, the help and the controller agree. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wizard.migration.steps import StepId


class Page(StrEnum):
    """The pages of the wizard, in the order a person walks through them."""

    CONNECT = "connect"
    PREFLIGHT = "preflight"
    SNAPSHOT = "snapshot"
    DOWNLOAD = "download"
    NEW_MANAGER = "new_manager"
    RESTORE = "restore"
    AGENTS = "agents"
    SUMMARY = "summary"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class PageInfo:
    """A page's sidebar label, its heading, and the engine steps it runs (in order)."""

    page: Page
    label: str
    heading: str
    steps: tuple[StepId, ...]


PAGES: tuple[PageInfo, ...] = (
    PageInfo(Page.CONNECT, "Connect", "Connect to both managers", ()),
    PageInfo(Page.PREFLIGHT, "Preflight", "Preflight checks (read-only)", (StepId.PREFLIGHT_OLD,)),
    PageInfo(Page.SNAPSHOT, "Snapshot", "Create a snapshot on the old manager", (StepId.CREATE_SNAPSHOT,)),
    PageInfo(
        Page.DOWNLOAD,
        "Download",
        "Download and inspect the snapshot",
        (StepId.DOWNLOAD, StepId.INSPECT_ARCHIVE),
    ),
    PageInfo(Page.NEW_MANAGER, "New manager", "Is the new manager ready?", (StepId.PREFLIGHT_NEW,)),
    PageInfo(
        Page.RESTORE,
        "Restore",
        "Upload and restore on the new manager",
        (StepId.UPLOAD, StepId.RESTORE, StepId.REAUTHENTICATE, StepId.VERIFY_INVENTORY),
    ),
    PageInfo(Page.AGENTS, "Agents", "Install new agents", (StepId.INSTALL_AGENTS,)),
    PageInfo(Page.SUMMARY, "Summary", "Summary and next steps", (StepId.REPORT,)),
)

INFO: dict[Page, PageInfo] = {info.page: info for info in PAGES}

#: the page that shows a step
PAGE_OF_STEP: dict[StepId, Page] = {step: info.page for info in PAGES for step in info.steps}
# the steps of a backup and of a restore from an archive that the migration's pages do not run
PAGE_OF_STEP.update({StepId.IMPORT_ARCHIVE: Page.DOWNLOAD, StepId.PUBLISH_BACKUP: Page.DOWNLOAD})

ORDER: tuple[Page, ...] = tuple(info.page for info in PAGES)


def next_page(page: Page) -> Page | None:
    """The page after `page`, or None at the end."""
    index = ORDER.index(page)
    return ORDER[index + 1] if index + 1 < len(ORDER) else None


class PageState(StrEnum):
    """What the sidebar shows for a page."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    BLOCKED = "blocked"

    def __str__(self) -> str:
        return self.value


def page_state(page: Page, step_states: dict[StepId, str], connected: bool) -> PageState:
    """Fold the journaled states of a page's steps into one sidebar state.

    Step states are the engine's: pending, running, done, already-done, skipped, failed,
    blocked, cancelled.
    """
    info = INFO[page]
    if not info.steps:
        return PageState.DONE if connected else PageState.PENDING
    states = [step_states.get(step, "pending") for step in info.steps]
    if any(s == "running" for s in states):
        return PageState.RUNNING
    if any(s == "failed" for s in states):
        return PageState.FAILED
    if any(s == "blocked" for s in states):
        return PageState.BLOCKED
    if all(s in {"done", "already-done", "skipped"} for s in states):
        return PageState.DONE
    return PageState.PENDING
