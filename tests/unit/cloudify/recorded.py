"""Load the recorded real manager exchanges (tests/fixtures/real-responses) for the client tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "real-responses"


def exchanges(name: str) -> list[dict[str, Any]]:
    """Every exchange recorded in one fixture file."""
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return list(data["exchanges"])


def body(name: str, index: int = 0) -> Any:
    """The JSON body of the index-th response in a fixture file."""
    return exchanges(name)[index]["response"]["body"]["json"]


def bodies(name: str, *, method: str | None = None, path_suffix: str = "") -> list[Any]:
    """The JSON bodies of every matching response in a fixture file."""
    out = []
    for ex in exchanges(name):
        req, resp = ex["request"], ex["response"]
        if method and req["method"] != method:
            continue
        if not req["path"].endswith(path_suffix):
            continue
        if resp["body"] and "json" in resp["body"]:
            out.append(resp["body"]["json"])
    return out


def response_of(exchange: dict[str, Any], base_url: str = "https://10.0.0.5:443") -> requests.Response:
    """A requests.Response carrying the recorded status, headers and body, as the client sees it."""
    req, resp = exchange["request"], exchange["response"]
    response = requests.Response()
    response.status_code = resp["status"]
    response.reason = resp.get("reason", "")
    response.headers.update(resp.get("headers") or {})
    recorded = resp["body"]
    if recorded is None:
        content = b""
    elif "json" in recorded:
        content = json.dumps(recorded["json"]).encode()
    elif "text" in recorded:
        content = recorded["text"].encode()
    else:
        content = b""
    response._content = content
    query = f"?{req['query']}" if req.get("query") else ""
    response.url = base_url + req["path"] + query
    prepared = requests.PreparedRequest()
    prepared.prepare(method=req["method"], url=response.url)
    response.request = prepared
    return response


def error_exchanges() -> list[tuple[str, dict[str, Any]]]:
    """(file name, exchange) for every recorded non-2xx/304 answer in the error_*.json files."""
    out = []
    for path in sorted(FIXTURES.glob("error_*.json")):
        for ex in exchanges(path.name):
            if ex["response"]["status"] >= 400:
                out.append((path.name, ex))
    return out
