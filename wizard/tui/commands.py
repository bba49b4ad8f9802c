"""The command palette's wizard commands (Ctrl+P): what the pages' buttons and keys do, plus
"go to step", the log and the report — found by typing a few letters of their name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True)
class WizardCommand:
    """One palette entry: its name, a line of help, and what it does."""

    name: str
    help: str
    run: Callable[[], object]


class HasWizardCommands(Protocol):
    """The app side: which commands make sense right now."""

    def wizard_commands(self) -> list[WizardCommand]: ...


class WizardCommands(Provider):
    """Lists the wizard's commands that make sense now (see HasWizardCommands)."""

    def _commands(self) -> list[WizardCommand]:
        app = self.app
        source = getattr(app, "wizard_commands", None)
        return source() if callable(source) else []

    async def discover(self) -> Hits:
        """Every command, before anything is typed."""
        for command in self._commands():
            yield DiscoveryHit(command.name, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        """The commands whose name matches what was typed, best first."""
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(score, matcher.highlight(command.name), command.run, help=command.help)
