"""Endpoint parsing, manager version parsing, query building and retry policy of the client."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.cloudify.client import ManagerClient, RequestRecord, list_params
from wizard.cloudify.endpoint import Credentials, Endpoint, EndpointError
from wizard.cloudify.http import make_retry
from wizard.cloudify.models import parse_manager_version


@pytest.mark.parametrize(
    ("text", "protocol", "host", "port"),
    [
        ("https://10.0.0.5", "https", "10.0.0.5", 443),
        ("http://10.0.0.5", "http", "10.0.0.5", 80),
        ("10.0.0.5", "https", "10.0.0.5", 443),
        ("10.0.0.5:8443", "https", "10.0.0.5", 8443),
        ("http://mgr.example.com:8080/", "http", "mgr.example.com", 8080),
        ("  https://[fd00::5]:443  ", "https", "fd00::5", 443),
        ("HTTPS://Manager", "https", "manager", 443),
    ],
)
def test_endpoint_parse_good(text: str, protocol: str, host: str, port: int) -> None:
    endpoint = Endpoint.parse(text)
    assert (endpoint.protocol, endpoint.host, endpoint.port) == (protocol, host, port)
    assert endpoint.base_url.startswith(protocol + "://")
    assert str(endpoint) == endpoint.base_url


def test_endpoint_ipv6_brackets_and_tls_options() -> None:
    endpoint = Endpoint.parse("https://[fd00::5]:8443", ca_cert=Path("/ca.pem"), insecure=False)
    assert endpoint.base_url == "https://[fd00::5]:8443"
    assert endpoint.ca_cert == Path("/ca.pem")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("ftp://10.0.0.5", "unsupported protocol"),
        ("https://10.0.0.5/api/v3.1", "has a path"),
        ("https://10.0.0.5?x=1", "has a path"),
        ("https://10.0.0.5:notaport", "bad port"),
        ("https://10.0.0.5:70000", "bad port"),
        ("https://:443", "no host"),
        ("https://admin:secret@10.0.0.5", "do not put credentials"),
    ],
)
def test_endpoint_parse_bad(text: str, words: str) -> None:
    with pytest.raises(EndpointError) as info:
        Endpoint.parse(text)
    assert words in str(info.value)
    assert "secret" not in str(info.value) or "credentials" in str(info.value)


def test_credentials_never_show_password() -> None:
    creds = Credentials("admin", "s3cret", "t1")
    assert "s3cret" not in repr(creds)
    assert "s3cret" not in str(creds)
    client = ManagerClient(Endpoint.parse("http://127.0.0.1:9"), creds)
    assert "s3cret" not in repr(client)
    client.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7.1.0.dev1", "7.1.0"),
        ("4.6", "4.6.0"),
        ("6.4.2-ga", "6.4.2"),
        ("5.0.5", "5.0.5"),
        ("7.0.4", "7.0.4"),
        (" 6.4.2 ", "6.4.2"),
        ("5", "5.0.0"),
        ("4.3.3.1", "4.3.3"),
    ],
)
def test_parse_manager_version(text: str, expected: str) -> None:
    assert str(parse_manager_version(text)) == expected


@pytest.mark.parametrize("text", ["", "abc", "-", "x.y.z", "community"])
def test_parse_manager_version_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_manager_version(text)


def test_version_ordering() -> None:
    assert parse_manager_version("4.6") < parse_manager_version("5.0.5") < parse_manager_version("7.1.0.dev1")
    assert parse_manager_version("7.0.4") < parse_manager_version("7.1.0.dev1")


def test_list_params() -> None:
    params = list_params(
        offset=10,
        size=5,
        filters={
            "status": ["pending", "started"],
            "deployment_id": "d1",
            "_include_system_workflows": "true",
        },
        include=["id", "tenant_name"],
        sort="-created_at",
        all_tenants=True,
    )
    assert params == [
        ("status", "pending"),
        ("status", "started"),
        ("deployment_id", "d1"),
        ("_include_system_workflows", "true"),
        ("_include", "id,tenant_name"),
        ("_sort", "-created_at"),
        ("_all_tenants", "true"),
        ("_offset", "10"),
        ("_size", "5"),
    ]
    assert list_params() == []
    assert list_params(all_tenants=False, sort=["a", "b"]) == [("_sort", "a"), ("_sort", "b")]


def test_retry_policy_is_get_only() -> None:
    retry = make_retry(3, 0.1)
    assert retry.allowed_methods == frozenset({"GET", "HEAD"})
    assert set(retry.status_forcelist or ()) == {502, 503, 504}
    assert retry.respect_retry_after_header
    assert not retry.raise_on_status
    assert retry.is_retry("GET", 503)
    # a 503 may be retried for any method: increment() keeps only nginx's limiter page (HTML)
    assert retry.is_retry("POST", 503)
    assert not retry.is_retry("PUT", 502)


def test_request_record_has_no_credentials_field() -> None:
    fields = set(RequestRecord.__dataclass_fields__)
    assert fields == {"method", "path", "params", "status", "seconds", "tenant"}


def test_insecure_and_ca_bundle_session() -> None:
    creds = Credentials("admin", "pw")
    assert ManagerClient(Endpoint.parse("https://127.0.0.1"), creds)._session.verify is True
    with_ca = ManagerClient(Endpoint.parse("https://127.0.0.1", ca_cert=Path("/tmp/ca.pem")), creds)
    assert with_ca._session.verify == "/tmp/ca.pem"
    insecure = ManagerClient(Endpoint.parse("https://127.0.0.1", insecure=True), creds)
    assert insecure._session.verify is False
    other = insecure.with_credentials(Credentials("bob", "pw2", "t2"))
    assert other.credentials.username == "bob" and other.endpoint == insecure.endpoint
    for c in (with_ca, insecure, other):
        c.close()


def test_time_limits_for_help() -> None:
    from wizard.cloudify.transport import describe_time_limits

    text = describe_time_limits()
    assert "connect 10 s, read 30 s" in text
    assert "after 60 s" in text and "60 s per request overall" in text
    assert "overall" not in describe_time_limits((1.0, 2.0), None)
