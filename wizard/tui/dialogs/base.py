"""The shared frame of every dialog: a centred box with a title, a body and a button row."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A modal screen with the `dialog` look (see app.tcss); subclasses compose the content."""

    DEFAULT_CLASSES = "dialog"
