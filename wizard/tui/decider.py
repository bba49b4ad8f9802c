"""The engine's Decider, answered by dialogs.

The engine calls these methods from its worker thread and expects them to block until the
person answers. Each one pushes a modal on the UI thread (`call_from_thread`) and waits on a
Future for the dialog's dismiss value; if the user cancels the run (Esc) while a dialog is
open, the dialog is closed with the safe answer.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text

from wizard.migration.decider import FailedAgent, RestoreSummary, WaveStop
from wizard.tui.dialogs.confirm import ConfirmDialog
from wizard.tui.dialogs.password import PasswordDialog
from wizard.tui.dialogs.typed_confirm import TypedConfirmDialog

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import ModalScreen

T = TypeVar("T")


def restore_text(summary: RestoreSummary, show: Any = str) -> Text:
    """What the restore does and what cannot be undone, for the typed confirmation."""
    text = Text()
    text.append("The snapshot ", "")
    text.append(summary.snapshot_id, "bold")
    text.append(
        f" ({summary.snapshot_format} format) of\n  {show(summary.old_manager_url)} "
        f"(Cloudify {summary.old_version})\nwill be restored onto\n  "
    )
    text.append(f"{show(summary.new_manager_url)} (Cloudify {summary.new_version})\n\n", "bold")
    if summary.overwritten:
        text.append("It replaces on the new manager:\n", "bold")
        for item in summary.overwritten:
            text.append(f"  • {item}\n")
    if summary.irreversible:
        text.append("This cannot be undone:\n", "bold red")
        for item in summary.irreversible:
            text.append(f"  • {item}\n", "red")
    if summary.force:
        text.append("\nFORCE is set: existing data on the new manager is DELETED.\n", "bold white on red")
    if summary.maintenance_mode:
        text.append("The new manager goes into maintenance mode during the restore.\n")
    return text


class TuiDecider:
    """Decider for the TUI (see the module docstring)."""

    def __init__(self, app: App[Any], cancel: threading.Event, show: Any = str) -> None:
        self.app = app
        self.cancel = cancel
        self.show = show

    def _ask(self, screen: ModalScreen[T], default: T) -> T:
        future: Future[T] = Future()

        def done(result: T | None) -> None:
            if not future.done():
                future.set_result(default if result is None and default is not None else result)  # type: ignore[arg-type]

        def push() -> None:
            self.app.push_screen(screen, callback=done)

        self.app.call_from_thread(push)
        while True:
            try:
                return future.result(timeout=0.1)
            except FutureTimeout:
                if self.cancel.is_set() or not self.app.is_running:
                    if not future.done():
                        future.set_result(default)
                    if self.app.is_running:
                        self.app.call_from_thread(self._close, screen)
                    return default

    @staticmethod
    def _close(screen: ModalScreen[Any]) -> None:
        if screen.is_attached and screen.app.screen is screen:
            screen.app.pop_screen()

    def confirm_restore(self, summary: RestoreSummary) -> bool:
        """Type the new manager's host name to restore."""
        dialog = TypedConfirmDialog(
            "Restore onto the new manager?",
            restore_text(summary, self.show),
            summary.expected_answer,
            action="Restore",
        )
        return self._ask(dialog, False)

    def ask_password(self, manager_label: str, reason: str) -> str | None:
        """A masked prompt; None when the user gives up."""
        return self._ask(PasswordDialog(manager_label, reason), None)

    def retry_failed_agents(self, failed: list[FailedAgent]) -> bool:
        """List the failed deployments and ask whether to retry them."""
        body = Text()
        body.append(f"install_new_agents failed for {len(failed)} deployment(s):\n\n")
        for agent in failed[:12]:
            body.append(f"  • {agent.tenant}/{agent.deployment}", "bold")
            body.append(f" — {agent.error}\n", "red")
        if len(failed) > 12:
            body.append(f"  … and {len(failed) - 12} more\n")
        body.append("\nRetry them now? (The old manager must still be running.)")
        return self._ask(ConfirmDialog("Retry failed agents?", body, yes="Retry", no="Not now"), False)

    def continue_agents(self, stop: WaveStop) -> bool:
        """A wave failed too often: go on with the remaining deployments, or stop here?"""
        body = Text()
        body.append(f"install_new_agents stopped after {stop.description}.\n\n")
        for agent in stop.failed[:8]:
            body.append(f"  • {agent.tenant}/{agent.deployment}", "bold")
            body.append(f" — {agent.error}\n", "red")
        body.append("\nGo on with the remaining deployments anyway? (Stop to fix the cause first.)")
        return self._ask(ConfirmDialog("Too many agents failed", body, yes="Go on", no="Stop"), False)
