"""List endpoints: the query parameters of a list request and the envelope of its answer.

Apart from client.py so the paging rules (`_offset/_size`, `_include`, `_sort`, repeated
filters, `metadata.pagination`) are in one small module with their tests.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from wizard.cloudify.errors import ProtocolError
from wizard.cloudify.models import Page
from wizard.cloudify.transport import Transport

PAGE_SIZE = 1000


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _seg(value: str) -> str:
    """One URL path segment (ids may hold characters that need quoting)."""
    return quote(value, safe="")


def list_params(
    *,
    offset: int | None = None,
    size: int | None = None,
    filters: Mapping[str, Any] | None = None,
    include: Sequence[str] | None = None,
    sort: str | Sequence[str] | None = None,
    all_tenants: bool = False,
) -> list[tuple[str, str]]:
    """Query parameters of a list request: `_offset/_size`, `_include` comma-joined, `_sort`
    (repeated for several keys), `_all_tenants=true`, and equality filters where a sequence
    value becomes a repeated key (the server ORs them)."""
    params: list[tuple[str, str]] = []
    if filters:
        for key, value in filters.items():
            if value is None:
                continue
            if isinstance(value, str | bytes) or not isinstance(value, Sequence):
                params.append((key, _scalar(value)))
            else:
                params.extend((key, _scalar(v)) for v in value)
    if include:
        params.append(("_include", ",".join(include)))
    if sort:
        for key in [sort] if isinstance(sort, str) else sort:
            params.append(("_sort", key))
    if all_tenants:
        params.append(("_all_tenants", "true"))
    if offset is not None:
        params.append(("_offset", str(offset)))
    if size is not None:
        params.append(("_size", str(size)))
    return params


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return _bool(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def parse_page(body: Any, what: str) -> Page[dict[str, Any]]:
    """The list envelope {items, metadata.pagination{total,size,offset}} as a Page of dicts.

    Raises ProtocolError when there is no list of items; missing or odd metadata falls back on
    what the items say (total = offset + len(items)).
    """
    if not isinstance(body, Mapping):
        raise ProtocolError(f"expected a list envelope for {what}, got {type(body).__name__}")
    items = body.get("items")
    if not isinstance(items, list):
        raise ProtocolError(f"the answer for {what} has no list of items")
    rows = [dict(i) for i in items if isinstance(i, Mapping)]
    meta = body.get("metadata")
    pagination = meta.get("pagination") if isinstance(meta, Mapping) else None
    pagination = pagination if isinstance(pagination, Mapping) else {}
    offset = _int(pagination.get("offset"), 0)
    size = _int(pagination.get("size"), len(items))
    total = _int(pagination.get("total"), offset + len(items))
    return Page(rows, total, size, offset)


def _int(value: Any, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return default


class ListCalls(Transport):
    """The generic list calls (every page, one page, a count) shared by the API calls."""

    # -- generic listing ------------------------------------------------------------------------
    def iter_items(
        self,
        resource: str,
        *,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        include: Sequence[str] | None = None,
        sort: str | None = None,
        all_tenants: bool = False,
        tenant: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[dict[str, Any]]:
        """Yield every item of a list endpoint, page by page (_offset/_size), stopping on
        metadata.pagination.total (or a short page)."""
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        offset = 0
        while True:
            page = self.page(
                resource,
                offset=offset,
                size=page_size,
                filters=filters,
                include=include,
                sort=sort,
                all_tenants=all_tenants,
                tenant=tenant,
            )
            yield from page.items
            if not page.items:
                return
            offset += len(page.items)
            if offset >= page.total:
                return

    def page(
        self,
        resource: str,
        *,
        offset: int = 0,
        size: int = PAGE_SIZE,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        include: Sequence[str] | None = None,
        sort: str | None = None,
        all_tenants: bool = False,
        tenant: str | None = None,
    ) -> Page[dict[str, Any]]:
        """One page of a list endpoint, with its pagination metadata."""
        params = list_params(
            offset=offset, size=size, filters=filters, include=include, sort=sort, all_tenants=all_tenants
        )
        body = self._json("GET", "/" + resource.strip("/"), params=params, tenant=tenant)
        return parse_page(body, resource)

    def count(
        self,
        resource: str,
        *,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        all_tenants: bool = False,
        tenant: str | None = None,
    ) -> int:
        """How many items a list has, in one request (_size=1, _include=id; reads the total)."""
        return self.page(
            resource,
            offset=0,
            size=1,
            filters=filters,
            include=["id"],
            all_tenants=all_tenants,
            tenant=tenant,
        ).total
