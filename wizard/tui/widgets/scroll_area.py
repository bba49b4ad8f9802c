"""A scrolling area that is a Tab stop only while it has something to scroll.

A VerticalScroll is always focusable; when its content fits, focusing it shows nothing and does
nothing — a Tab stop the user cannot see. This one takes the focus only when it can scroll (and
app.tcss draws that focus)."""

from __future__ import annotations

from textual.containers import VerticalScroll


class ScrollArea(VerticalScroll):
    """See the module docstring."""

    def allow_focus(self) -> bool:
        """Focusable only while it can scroll."""
        return super().allow_focus() and (self.max_scroll_y > 0 or self.max_scroll_x > 0)
