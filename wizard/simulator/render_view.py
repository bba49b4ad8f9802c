"""The ``View`` a resource's wire shape is described by, and the fields every tenant resource shares.

Split from render.py so the per-resource render modules can share it without importing each other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .manager import Manager

Record = dict[str, Any]
Renderer = Callable[["Manager", Record], Record]


@dataclass
class View:
    """One resource type's wire shape."""

    model: str
    fields: Callable[[Manager], list[str]]
    render: Renderer
    computed: dict[str, Callable[[Manager, Record], Any]] = field(default_factory=dict)
    extra_filters: tuple[str, ...] = ()
    #: The model's filterable columns in order, where they differ from ``fields + extra_filters``.
    filters: Callable[[Manager], list[str]] | None = None

    def filter_fields(self, mgr: Manager) -> list[str]:
        """What a list's filter and sort keys may be (the real error message lists them in this order)."""
        if self.filters is not None:
            return self.filters(mgr)
        return list(self.fields(mgr)) + list(self.extra_filters)

    def value(self, mgr: Manager, rec: Record, name: str) -> Any:
        """A field's value for filtering and sorting, without rendering the whole record."""
        fn = self.computed.get(name)
        return fn(mgr, rec) if fn is not None else rec.get(name)


def _res(rec: Record, *, private: bool = False) -> dict[str, Any]:
    vis = rec.get("visibility", "tenant")
    return {
        "tenant_name": rec.get("tenant_name"),
        "created_by": rec.get("created_by", "admin"),
        "resource_availability": vis,
        "private_resource": vis == "private",
    }
