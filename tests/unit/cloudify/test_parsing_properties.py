"""Property-based: whatever JSON a manager (or something posing as one) sends, parsing gives a
value or a typed error, never an unhandled exception."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.cloudify import errors, models
from wizard.cloudify.client import parse_page
from wizard.cloudify.http import http_error, json_body

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)

FIELDS = [
    "id",
    "status",
    "version",
    "edition",
    "services",
    "hostname",
    "private_ip",
    "networks",
    "name",
    "host",
    "username",
    "role",
    "active",
    "tenant_name",
    "blueprint_id",
    "installation_status",
    "workflows",
    "deployment_id",
    "node_id",
    "host_id",
    "state",
    "deployment",
    "ip",
    "workflow_id",
    "error",
    "is_system_workflow",
    "parameters",
    "message",
    "reported_timestamp",
    "timestamp",
    "type",
    "event_type",
    "context",
    "instances",
    "display_name",
    "items",
    "metadata",
    "pagination",
    "total",
    "size",
    "offset",
]

# bodies that look like manager objects: known keys with random values, plus random extra keys
objects = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_values, max_size=10)

PARSERS: list[Callable[[object], object]] = [
    models.VersionInfo.from_api,
    models.ManagerStatus.from_api,
    models.ManagerNode.from_api,
    models.ManagerNode.from_provider_context,
    models.Broker.from_api,
    models.CurrentUser.from_api,
    models.Tenant.from_api,
    models.Blueprint.from_api,
    models.Deployment.from_api,
    models.NodeInstance.from_api,
    models.Agent.from_api,
    models.Execution.from_api,
    models.Event.from_api,
    models.Snapshot.from_api,
    models.MaintenanceState.from_api,
]


@pytest.mark.parametrize("parse", PARSERS, ids=[p.__qualname__ for p in PARSERS])
@settings(max_examples=40, deadline=None)
@given(data=objects | json_values)
def test_from_api_never_crashes(parse: Callable[[object], object], data: Any) -> None:
    try:
        value = parse(data)
    except errors.ProtocolError:
        assert not isinstance(data, dict)
        return
    assert value is not None
    # every string field is a string (missing -> "")
    for field_value in vars(value).values():
        assert field_value is None or isinstance(field_value, str | bool | dict | tuple | int | list)


@settings(max_examples=150, deadline=None)
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "items": st.lists(objects | json_values, max_size=5) | json_values,
            "metadata": st.fixed_dictionaries(
                {},
                optional={
                    "pagination": st.dictionaries(
                        st.sampled_from(["total", "size", "offset", "x"]), json_values, max_size=4
                    )
                    | json_values
                },
            )
            | json_values,
        },
    )
    | json_values
)
def test_parse_page_never_crashes(data: Any) -> None:
    try:
        page = parse_page(data, "things")
    except errors.ProtocolError:
        return
    assert isinstance(page.total, int) and isinstance(page.size, int) and isinstance(page.offset, int)
    assert all(isinstance(i, dict) for i in page.items)


def _response(status: int, content: bytes, ctype: str) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = content
    response.headers["Content-Type"] = ctype
    response.url = "https://127.0.0.1:443/api/v3.1/x"
    prepared = requests.PreparedRequest()
    prepared.prepare(method="GET", url=response.url)
    response.request = prepared
    return response


@settings(max_examples=200, deadline=None)
@given(
    status=st.integers(min_value=300, max_value=599),
    body=objects.map(json.dumps).map(str.encode)
    | st.binary(max_size=64)
    | json_values.map(json.dumps).map(str.encode),
    ctype=st.sampled_from(["application/json", "text/html", ""]),
)
def test_any_error_answer_becomes_typed_error(status: int, body: bytes, ctype: str) -> None:
    error = http_error(_response(status, body, ctype), base_url="https://127.0.0.1:443")
    assert isinstance(error, errors.HTTPError | errors.TLSError)
    if isinstance(error, errors.HTTPError):
        assert error.status == status
        assert isinstance(error.error_code, str)
    assert isinstance(str(error), str) and str(error)


@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=64))
def test_json_body_value_or_protocol_error(body: bytes) -> None:
    with contextlib.suppress(errors.ProtocolError):
        json_body(_response(200, body, "application/json"), base_url="https://127.0.0.1:443")
