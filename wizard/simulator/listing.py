"""List endpoints: filters, ``_include``, ``_sort``, pagination and the envelope."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .errors import ApiError, bad_parameters
from .render import View

if TYPE_CHECKING:
    from .manager import Manager

Record = dict[str, Any]
Query = list[tuple[str, str]]

#: Query keys that are never equality filters.
RESERVED = {
    "_offset",
    "_size",
    "_include",
    "_sort",
    "_all_tenants",
    "_get_all_results",
    "_search",
    "_include_system_workflows",
    "_get_data",
    "_evaluate_functions",
    "_search_name",
    "_filter_id",
    "_range",
    "_group_id",
    "_include_hidden",
}


def parse_bool(value: Any, name: str) -> bool:
    """Cloudify's verify_and_convert_bool: JSON bools or the strings true/false (any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise bad_parameters(f"{name} must be <true/false>, got {value}")


def query_values(query: Query, name: str) -> list[str]:
    """Every value of a (possibly repeated) query key."""
    return [v for k, v in query if k == name]


def query_one(query: Query, name: str) -> str | None:
    """The last value of a query key, or None."""
    values = query_values(query, name)
    return values[-1] if values else None


def query_bool(query: Query, name: str, default: bool = False) -> bool:
    """A boolean query parameter (true/false strings)."""
    value = query_one(query, name)
    if value is None or value == "":
        return default
    return value.lower() == "true"


def _int_param(query: Query, name: str, default: int) -> int:
    raw = query_one(query, name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(
            400,
            "bad_parameters_error",
            f"1 validation error for Pagination\n{name}\n  value is not a valid integer "
            "(type=type_error.integer)",
            has_traceback_key=False,
        ) from None


def pagination(query: Query, default_size: int = 1000) -> tuple[int, int, bool]:
    """(offset, size, get_all) from the query."""
    return (
        _int_param(query, "_offset", 0),
        _int_param(query, "_size", default_size),
        query_bool(query, "_get_all_results"),
    )


def includes(query: Query, allowed: Sequence[str]) -> list[str] | None:
    """The ``_include`` projection, validated against the view's fields."""
    raw = query_values(query, "_include")
    if not raw:
        return None
    wanted = [f for value in raw for f in value.split(",") if f]
    bad = [f for f in wanted if f not in allowed]
    if bad:
        raise ApiError(
            400,
            "no_such_include_field_error",
            f"Include keys '{bad}' do not exist. Allowed keys are: {list(allowed)}",
        )
    return wanted


def project(item: Record, fields: list[str] | None) -> Record:
    """Keep only the included keys (in the view's order)."""
    if fields is None:
        return item
    return {k: v for k, v in item.items() if k in fields}


def _matches(value: Any, wanted: list[str]) -> bool:
    for w in wanted:
        if isinstance(value, bool):
            if w.lower() == str(value).lower():
                return True
        elif value is None:
            if w in ("None", "null", ""):
                return True
        elif str(value) == w:
            return True
    return False


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, bool | int | float):
        return (1, value)
    return (2, str(value))


def list_items(
    mgr: Manager,
    query: Query,
    view: View,
    records: Iterable[Record],
    *,
    ignore: Iterable[str] = (),
    default_size: int = 1000,
    render: Any = None,
) -> dict[str, Any]:
    """Run one list request over ``records`` (already limited to the visible tenants)."""
    fields = view.fields(mgr)
    filter_allowed = view.filter_fields(mgr)
    ignored = set(ignore) | RESERVED
    filters: dict[str, list[str]] = {}
    for key, value in query:
        if key in ignored or key.startswith("_"):
            continue
        filters.setdefault(key, []).append(value)
    bad = [k for k in filters if k not in filter_allowed]
    if bad:
        raise bad_parameters(f"Filter keys '{bad}' do not exist. Allowed keys are: {filter_allowed}")
    sort_keys = [s for value in query_values(query, "_sort") for s in value.split(",") if s]
    bad_sort = [s.lstrip("-") for s in sort_keys if s.lstrip("-") not in fields]
    if bad_sort:
        raise bad_parameters(f"Sort keys '{bad_sort}' do not exist. Allowed keys are: {filter_allowed}")
    include = includes(query, fields)
    offset, size, get_all = pagination(query, default_size)
    search = query_one(query, "_search")
    rows = list(records)
    if search:
        rows = [r for r in rows if search in str(r.get("id", r.get("key", "")))]
    for key, wanted in filters.items():
        rows = [r for r in rows if _matches(view.value(mgr, r, key), wanted)]
    for s in reversed(sort_keys):
        name = s.lstrip("-")

        def by_field(r: Record, n: str = name) -> tuple[int, Any]:
            return _sort_key(view.value(mgr, r, n))

        rows.sort(key=by_field, reverse=s.startswith("-"))
    total = len(rows)
    page = rows if get_all else rows[offset : offset + size] if size >= 0 else rows[offset:]
    renderer = render or view.render
    items = [project(renderer(mgr, r), include) for r in page]
    return envelope(mgr, items, total, size, offset)


def envelope(mgr: Manager, items: list[Record], total: int, size: int, offset: int) -> dict[str, Any]:
    """The list envelope; ``filtered: null`` only from 6.0."""
    meta: dict[str, Any] = {"pagination": {"total": total, "size": size, "offset": offset}}
    if mgr.profile.has_filtered:
        meta["filtered"] = None
    return {"metadata": meta, "items": items}
