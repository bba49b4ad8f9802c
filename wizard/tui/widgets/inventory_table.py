"""Old versus new inventory per tenant, after the restore: the proof that the data moved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.text import Text

from wizard.tui.widgets.flex_table import FlexColumn, FlexTable

KINDS = ("blueprints", "deployments", "installed", "agents")


def _tenants(data: Mapping[str, Any] | None) -> dict[str, dict[str, int]]:
    if not data:
        return {}
    tenants = data.get("tenants", {})
    if not isinstance(tenants, Mapping):
        return {}
    return {
        str(t): {k: int(v.get(k, 0)) for k in KINDS} for t, v in tenants.items() if isinstance(v, Mapping)
    }


class InventoryTable(FlexTable):
    """Rows: tenant × kind with the old count, the new count and a mark; the columns share the width."""

    COLUMNS = (
        FlexColumn("tenant", "Tenant", 2, 12),
        *(FlexColumn(kind, kind.capitalize(), 1, 11) for kind in KINDS),
    )

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="none")
        self._inventories: tuple[Mapping[str, Any] | None, Mapping[str, Any] | None] = (None, None)

    def redraw(self) -> None:
        """Draw the last inventories again."""
        self.show(*self._inventories)

    def show(self, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> bool:
        """Draw 'old → new' per tenant and kind; returns True when nothing went missing."""
        self._inventories = (old, new)
        self.clear()
        before, after = _tenants(old), _tenants(new)
        all_ok = True
        for tenant in sorted(set(before) | set(after)):
            o = before.get(tenant, dict.fromkeys(KINDS, 0))
            n = after.get(tenant, dict.fromkeys(KINDS, 0))
            cells: list[Text | str] = [tenant]
            for kind in KINDS:
                ok = n[kind] >= o[kind]
                if kind != "agents":
                    all_ok = all_ok and ok
                mark, style = (
                    ("✔", "green") if n[kind] == o[kind] else (("▲", "yellow") if ok else ("✘", "bold red"))
                )
                cells.append(Text(f"{o[kind]} → {n[kind]} {mark}", style))
            self.add_row(*cells, key=tenant)
        return all_ok
