"""The wizard's pages and which engine steps each one drives.

The engine has thirteen steps; a person thinks in eight pages. This module is the one place that
maps one onto the other, so the sidebar, the help and the controller agree. A use of a snapshot
(migrate, back up, restore) runs only some steps (its plan): a page with none of them is skipped.
No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from wizard.migration.steps import StepId, plan_steps


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
        # in plan order: a migration downloads, a restore takes the archive given, a backup keeps it
        (StepId.DOWNLOAD, StepId.IMPORT_ARCHIVE, StepId.INSPECT_ARCHIVE, StepId.PUBLISH_BACKUP),
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

ORDER: tuple[Page, ...] = tuple(info.page for info in PAGES)

#: a migration's plan (the wizard's default use)
MIGRATE_PLAN: tuple[StepId, ...] = plan_steps("migrate", makes_snapshot=True)


def page_steps(page: Page, plan: tuple[StepId, ...] = MIGRATE_PLAN) -> tuple[StepId, ...]:
    """The steps of `page` this use runs."""
    return tuple(step for step in INFO[page].steps if step in plan)


def in_plan(page: Page, plan: tuple[StepId, ...] = MIGRATE_PLAN) -> bool:
    """True when `page` has something to do in this use (Connect always has)."""
    return not INFO[page].steps or bool(page_steps(page, plan))


def next_page(page: Page, plan: tuple[StepId, ...] = MIGRATE_PLAN) -> Page | None:
    """The page after `page` that this use runs, or None at the end."""
    later = [p for p in ORDER[ORDER.index(page) + 1 :] if in_plan(p, plan)]
    return later[0] if later else None


def previous_page(page: Page, plan: tuple[StepId, ...] = MIGRATE_PLAN) -> Page | None:
    """The page before `page` that this use runs, or None at the start."""
    earlier = [p for p in ORDER[: ORDER.index(page)] if in_plan(p, plan)]
    return earlier[-1] if earlier else None


class PageState(StrEnum):
    """What the sidebar shows for a page."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    BLOCKED = "blocked"
    #: the page has no step in this use of a snapshot
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return self.value


def page_state(
    page: Page, step_states: dict[StepId, str], connected: bool, plan: tuple[StepId, ...] = MIGRATE_PLAN
) -> PageState:
    """Fold the journaled states of a page's steps in this use's plan into one sidebar state
    (a step of another use never holds a page back).

    Step states are the engine's: pending, running, done, already-done, skipped, failed,
    blocked, cancelled.
    """
    info = INFO[page]
    if not info.steps:
        return PageState.DONE if connected else PageState.PENDING
    steps = page_steps(page, plan)
    if not steps:
        return PageState.SKIPPED
    states = [step_states.get(step, "pending") for step in steps]
    if any(s == "running" for s in states):
        return PageState.RUNNING
    if any(s == "failed" for s in states):
        return PageState.FAILED
    if any(s == "blocked" for s in states):
        return PageState.BLOCKED
    if all(s in {"done", "already-done", "skipped"} for s in states):
        return PageState.DONE
    return PageState.PENDING
