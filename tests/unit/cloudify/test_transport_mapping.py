"""The transport error mapping for failures that cannot be produced safely on loopback
(DNS failures must not send traffic), built from the exceptions requests really raises."""

from __future__ import annotations

import http.client
import socket
import ssl

import requests
import urllib3

from wizard.cloudify import errors
from wizard.cloudify.http import transport_error

BASE = "https://mgr.example.invalid:443"
URL = BASE + "/api/v3.1/version"


def _wrapped(reason: Exception) -> requests.ConnectionError:
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, URL, reason))  # type: ignore[arg-type]


def test_dns_failure() -> None:
    reason = urllib3.exceptions.NameResolutionError(
        "mgr.example.invalid",
        None,  # type: ignore[arg-type]
        socket.gaierror(-2, "Name or service not known"),
    )
    error = transport_error(_wrapped(reason), URL, base_url=BASE)
    assert isinstance(error, errors.NameResolutionError)
    assert BASE in str(error) and "host name" in str(error)


def test_refused() -> None:
    reason = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection: refused")  # type: ignore[arg-type]
    reason.__context__ = ConnectionRefusedError(111, "Connection refused")
    error = transport_error(_wrapped(reason), URL, base_url=BASE)
    assert isinstance(error, errors.ConnectionFailedError)


def test_connect_timeout() -> None:
    reason = urllib3.exceptions.ConnectTimeoutError(None, "timed out")
    error = transport_error(
        requests.ConnectTimeout(urllib3.exceptions.MaxRetryError(None, URL, reason)),  # type: ignore[arg-type]
        URL,
        base_url=BASE,
    )
    assert isinstance(error, errors.RequestTimeoutError)


def test_certificate_failure_and_wrong_version() -> None:
    cert = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    cert.verify_message = "self-signed certificate"
    error = transport_error(
        requests.exceptions.SSLError(urllib3.exceptions.SSLError(cert)), URL, base_url=BASE
    )
    assert isinstance(error, errors.TLSError)
    assert "could not be verified" in str(error) and "self-signed" in str(error)
    assert "--old-ca-cert" in str(error)
    wrong = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1000)")
    error = transport_error(requests.exceptions.SSLError(wrong), URL, base_url=BASE)
    assert isinstance(error, errors.TLSError)
    assert "http:// instead of https://" in str(error)


def test_tls_bytes_on_plain_http() -> None:
    base = "http://10.0.0.5:443"
    reason = urllib3.exceptions.ProtocolError(
        "Connection aborted.", http.client.BadStatusLine("\x15\x03\x01\x00\x02\x02")
    )
    error = transport_error(requests.ConnectionError(reason), base + "/api/v3.1/version", base_url=base)
    assert isinstance(error, errors.TLSError)
    assert "https://" in str(error)


def test_dropped_connection() -> None:
    reason = urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "reset"))
    error = transport_error(requests.ConnectionError(reason), URL, base_url=BASE)
    assert isinstance(error, errors.ConnectionDroppedError)
    chunked = requests.exceptions.ChunkedEncodingError(urllib3.exceptions.ProtocolError("Connection broken"))
    assert isinstance(transport_error(chunked, URL, base_url=BASE), errors.ConnectionDroppedError)
    read = urllib3.exceptions.ReadTimeoutError(None, URL, "Read timed out.")  # type: ignore[arg-type]
    assert isinstance(
        transport_error(requests.ReadTimeout(read), URL, base_url=BASE), errors.RequestTimeoutError
    )
