"""Rewind: a stage found that an earlier stage's result is gone or changed (the archive on disk,
the snapshot on a manager), so those stages must run again. The runner reopens them and goes on
from the earliest; the user reads one line saying what was found and what is done about it."""

from __future__ import annotations

from wizard.migration.steps import StepId


class Rewind(Exception):
    """Reopen `steps` (the earliest runs next) because of `why`."""

    def __init__(self, steps: tuple[StepId, ...], why: str) -> None:
        super().__init__(why)
        self.steps = steps
        self.why = why
