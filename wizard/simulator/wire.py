"""Request/response objects shared by the server and the route handlers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from typing import TYPE_CHECKING, Any

from .errors import ApiError

if TYPE_CHECKING:
    from .server import SimHandler


@dataclass
class FileBody:
    """A response body streamed from disk with os.sendfile."""

    path: str
    offset: int
    length: int
    cut_after: int | None = None


@dataclass
class Response:
    """What a route answers: status, headers and a bytes body or a file."""

    status: int
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)
    file: FileBody | None = None
    close: bool = False
    drop: bool = False  # close the connection without answering

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        """A JSON answer."""
        return cls(status, json.dumps(data).encode())


@dataclass
class Request:
    """One API request as the route handlers see it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: Message
    handler: SimHandler
    user: dict[str, Any] | None = None
    tenant: str | None = None
    params: dict[str, str] = field(default_factory=dict)

    def json_body(self) -> dict[str, Any]:
        """The JSON object body ({} when empty); 400 for a body that is not a JSON object."""
        raw = self.handler.read_body()
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            raise ApiError(
                400,
                "bad_parameters_error",
                "Failed to decode JSON object: Expecting value: line 1 column 1 (char 0)",
            ) from None
        if not isinstance(data, dict):
            raise ApiError(400, "bad_parameters_error", "Request body must be a JSON object")
        return data
