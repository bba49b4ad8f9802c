"""The tolerant readers every model's ``from_api`` uses: a JSON object or ProtocolError, strings,
optional strings and sub-objects that never raise on a missing or odd field. Split from models.py
so the model modules share them without importing each other."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wizard.cloudify.errors import ProtocolError


def _obj(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ProtocolError(f"expected a JSON object for {what}, got {type(data).__name__}")
    return data


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _dict(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return dict(value) if isinstance(value, Mapping) else {}
