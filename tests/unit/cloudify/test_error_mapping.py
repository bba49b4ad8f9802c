"""Every recorded error answer of a real manager becomes the right typed error, with its text."""

from __future__ import annotations

import json

import pytest
import requests

from tests.unit.cloudify.recorded import error_exchanges, exchanges, response_of
from wizard.cloudify import errors
from wizard.cloudify.http import http_error, json_body

BASE = "https://10.0.0.5:443"

EXPECTED: dict[str, type[errors.HTTPError]] = {
    "error_400_bad_parameters.json": errors.BadParametersError,
    "error_400_existing_running_execution.json": errors.ExistingRunningExecutionError,
    "error_400_no_reboot.json": errors.BadParametersError,
    "error_400_no_such_include_field.json": errors.BadParametersError,
    "error_400_undeclared_parameter.json": errors.BadParametersError,
    "error_400_unknown_workflow.json": errors.UnavailableWorkflowError,
    "error_401.json": errors.UnauthorizedError,
    "error_403_unknown_tenant.json": errors.ForbiddenError,
    "error_404.json": errors.NotFoundError,
    "error_404_execution_on_unknown_deployment.json": errors.NotFoundError,
    "error_404_premium_only.json": errors.NotFoundError,
    "error_404_unknown_url_html.json": errors.NotFoundError,
    "error_409_snapshot_exists.json": errors.ConflictError,
    "error_415.json": errors.BadParametersError,
    "error_500_restore_without_force.json": errors.ServerError,
    "error_503_maintenance.json": errors.MaintenanceModeError,
}

CASES = error_exchanges()


def test_every_error_file_is_covered() -> None:
    assert {name for name, _ in CASES} == set(EXPECTED)


@pytest.mark.parametrize(("name", "exchange"), CASES, ids=[f"{n}#{e['seq']}" for n, e in CASES])
def test_recorded_error_maps_to_typed_error(name: str, exchange: dict[str, object]) -> None:
    response = response_of(exchange)
    error = http_error(response, base_url=BASE)
    assert type(error) is EXPECTED[name]
    assert isinstance(error, errors.HTTPError)
    assert error.status == response.status_code
    recorded = exchange["response"]["body"]  # type: ignore[index]
    if "json" in recorded:
        assert error.error_code == recorded["json"]["error_code"]
        assert error.message == recorded["json"]["message"]
    assert str(error)
    assert "Traceback" not in str(error)


def test_html_404_says_not_a_rest_endpoint() -> None:
    for exchange in exchanges("error_404_unknown_url_html.json"):
        error = http_error(response_of(exchange), base_url=BASE)
        assert isinstance(error, errors.NotFoundError)
        assert "no such REST endpoint" in error.message
        assert BASE in error.message
        assert error.error_code == ""


def test_maintenance_503_in_maintenance_file() -> None:
    blocked = [e for e in exchanges("maintenance.json") if e["response"]["status"] == 503]
    error = http_error(response_of(blocked[0]), base_url=BASE)
    assert isinstance(error, errors.MaintenanceModeError)
    assert "maintenance" in str(error)
    assert error.server_traceback == "NoneType: None\n"


def _response(
    status: int, content: bytes, ctype: str = "text/html", method: str = "GET"
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = "Reason"
    response._content = content
    response.headers["Content-Type"] = ctype
    response.url = BASE + "/api/v3.1/status"
    prepared = requests.PreparedRequest()
    prepared.prepare(method=method, url=response.url)
    response.request = prepared
    return response


def test_nginx_plain_http_to_https_port_is_tls_error() -> None:
    page = b"<html><head><title>400 The plain HTTP request was sent to HTTPS port</title></head></html>"
    error = http_error(_response(400, page), base_url="http://10.0.0.5:443")
    assert isinstance(error, errors.TLSError)
    assert "https://" in str(error)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (502, errors.ServerError),
        (503, errors.RateLimitedError),  # an HTML 503 is nginx's limit_req page
        (504, errors.ServerError),
        (401, errors.UnauthorizedError),
        (403, errors.ForbiddenError),
        (409, errors.ConflictError),
        (418, errors.HTTPError),
    ],
)
def test_non_json_errors_map_by_status(status: int, cls: type[errors.HTTPError]) -> None:
    error = http_error(_response(status, b"<html>Bad Gateway</html>"), base_url=BASE)
    assert type(error) is cls
    assert error.status == status
    assert str(status) in error.message


def test_unknown_error_code_falls_back_on_status() -> None:
    body = json.dumps({"message": "nope", "error_code": "brand_new_error", "server_traceback": None}).encode()
    error = http_error(_response(403, body, "application/json"), base_url=BASE)
    assert type(error) is errors.ForbiddenError
    assert error.error_code == "brand_new_error"
    error = http_error(_response(507, body, "application/json"), base_url=BASE)
    assert type(error) is errors.ServerError


def test_detail_key_and_empty_message() -> None:
    body = json.dumps({"detail": "from detail"}).encode()
    assert http_error(_response(400, body, "application/json"), base_url=BASE).message == "from detail"
    body = json.dumps({"message": "", "error_code": "conflict_error"}).encode()
    error = http_error(_response(409, body, "application/json"), base_url=BASE)
    assert isinstance(error, errors.ConflictError)
    assert "409" in error.message


def test_json_less_2xx_is_protocol_error() -> None:
    with pytest.raises(errors.ProtocolError) as info:
        json_body(_response(200, b"<html>welcome to nginx</html>"), base_url=BASE)
    assert BASE in str(info.value)
    assert "not with JSON" in str(info.value)
