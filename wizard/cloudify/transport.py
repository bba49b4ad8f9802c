"""The request machinery under ManagerClient: one place where every REST call is sent.

Kept apart from client.py (which holds the API calls) so the rules that apply to every request
live together: the Tenant header and UTF-8 Basic auth, the time limits (connect/read timeouts,
an overall deadline per attempt), cancellation (a cancel event or Ctrl-C stops a request in
flight: guard.py), the pace below nginx's limit_req, retries, and the typed errors.
"""

from __future__ import annotations

import json as jsonlib
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Self
from urllib.parse import urlsplit

import requests
import urllib3.exceptions as urllib3_errors
from packaging.version import Version

from wizard.cloudify import guard as guards
from wizard.cloudify import http
from wizard.cloudify.endpoint import Credentials, Endpoint, name_problem
from wizard.cloudify.errors import (
    CloudifyError,
    ConnectionDroppedError,
    InvalidNameError,
    RequestCancelledError,
    RequestTimeoutError,
    TransferCancelledError,
)
from wizard.cloudify.guard import DEFAULT_PACE, Pace, TokenBucket

API = "/api/v3.1"
#: (connect, read) seconds per socket operation: a silent server is reported after two read
#: timeouts for a GET (a read timeout is retried once), one for anything else
DEFAULT_TIMEOUT = (10.0, 30.0)
#: overall seconds per attempt: response headers plus, for a non-streamed answer, the body
#: (a server trickling bytes slower than that is cut off); a streamed body's progress is bounded
#: by the read timeout of each receive instead
DEFAULT_DEADLINE = 60.0

log = logging.getLogger("wizard.cloudify")

_OK = range(200, 300)
_NO_BODY: Any = object()


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP exchange as seen by the client, for logs, dry runs and request counting.

    Never holds credentials: the Authorization header is not part of it.
    """

    method: str
    path: str
    params: tuple[tuple[str, str], ...]
    status: int | None
    seconds: float
    tenant: str


class Transport:
    """Sends the requests of one ManagerClient (see the module docstring for the rules)."""

    def __init__(
        self,
        endpoint: Endpoint,
        credentials: Credentials,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 4,
        backoff: float = 0.5,
        on_request: Callable[[RequestRecord], None] | None = None,
        cancel: threading.Event | None = None,
        pace: Pace | None = DEFAULT_PACE,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> None:
        """`timeout` (connect, read) bounds each socket operation, `deadline` each attempt as a
        whole (None: no overall limit); `cancel`, when set, stops any request in flight within
        a fraction of a second (RequestCancelledError); `pace` paces every request to this
        manager (None or a zero rate: off)."""
        self.endpoint = endpoint
        self.credentials = credentials
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.on_request = on_request
        self.cancel = cancel
        self.pace = pace
        self.deadline = deadline
        self._bucket = TokenBucket(pace) if pace is not None and pace.enabled else None
        self.base_url = endpoint.base_url
        #: the version read by version(), to pick version-dependent requests
        self.server_version: Version | None = None
        self._installation_status_supported: bool | None = None
        self._session = http.make_session(
            credentials.username,
            credentials.password,
            ca_cert=endpoint.ca_cert,
            insecure=endpoint.insecure,
            retries=retries,
            backoff=backoff,
        )

    endpoint: Endpoint
    credentials: Credentials

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url}, {self.credentials})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- the one place requests happen ------------------------------------------------------------

    def close(self) -> None:
        """Close the session's connections."""
        self._session.close()

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        json: Any = _NO_BODY,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        tenant: str | None = None,
        auth: bool = True,
        stream: bool = False,
        accept: Sequence[int] | range = _OK,
        api: bool = True,
        cancel: threading.Event | None = None,
        timeout: tuple[float, float] | None = None,
        deadline: float | Literal["default"] | None = "default",
    ) -> requests.Response:
        """Send one request; return the response when its status is in `accept`, else raise the
        typed HTTPError. Transport failures raise TransportError subclasses, a cancel raises
        RequestCancelledError. A GET whose body is cut short is sent again (up to `retries`).
        Every exchange is reported to `on_request` (without credentials)."""
        full_path = (API + path) if api else path
        url = self.base_url + full_path
        tenant_name = tenant or self.credentials.tenant
        if not (tenant_name.isascii() and tenant_name.isprintable()):
            raise InvalidNameError(name_problem("tenant", tenant_name) or "bad tenant name", url=url)
        send_headers: dict[str, str] = {"Tenant": tenant_name}
        body: Any = data
        if json is not _NO_BODY:
            send_headers["Content-Type"] = "application/json"
            body = None if json is None else _dumps(json)
        if headers:
            send_headers.update(headers)
        limit = self.deadline if deadline == "default" else deadline
        events = tuple(e for e in (self.cancel, cancel) if e is not None)
        body_retries = self.retries if method in http.IDEMPOTENT_METHODS and not stream else 0
        started = time.monotonic()
        status: int | None = None
        try:
            while True:
                guard = guards.Guard(cancel=events, limit=limit, bucket=self._bucket)
                try:
                    response = self._attempt(
                        guard, method, url, params, body, send_headers, timeout or self.timeout, stream, auth
                    )
                except _BodyCutError as error:
                    # urllib3 retries what fails before the headers; a body cut short after
                    # them is retried here, for GET/HEAD only
                    if body_retries <= 0 or not self._pause(events, body_retries):
                        log.debug("%s %s -> %s", method, full_path, http.describe(error))
                        raise
                    body_retries -= 1
                    continue
                except CloudifyError as error:
                    log.debug("%s %s -> %s", method, full_path, http.describe(error))
                    raise
                break
            status = response.status_code
            log.debug("%s %s -> %s (%.3fs)", method, full_path, status, time.monotonic() - started)
            if status not in accept:
                try:
                    raise http.http_error(response, base_url=self.base_url)
                finally:
                    response.close()
            if stream:
                guards.watch_stream(guard, response)
            return response
        finally:
            self._record(method, full_path, params, status, time.monotonic() - started, tenant_name)

    def _attempt(
        self,
        guard: guards.Guard,
        method: str,
        url: str,
        params: Sequence[tuple[str, str]],
        body: Any,
        headers: dict[str, str],
        timeout: tuple[float, float],
        stream: bool,
        auth: bool,
    ) -> requests.Response:
        """One requests call (urllib3's own retries inside) under `guard`, errors typed."""

        def call() -> requests.Response:
            return self._session.request(
                method,
                url,
                params=list(params),
                data=body,
                headers=headers,
                timeout=timeout,
                stream=stream,
                allow_redirects=method in ("GET", "HEAD"),
                auth=None if auth else _no_auth,
            )

        try:
            return guards.run(call, guard)
        except guards.RequestAborted as exc:
            reason = guard.reason or str(exc)
            if reason == guards.DEADLINE:
                raise RequestTimeoutError(
                    f"{self.base_url} did not finish answering {method} {_path_only(url)} "
                    f"within {guard.limit:g} s",
                    url=url,
                ) from None
            raise RequestCancelledError(
                f"{method} {_path_only(url)} to {self.base_url} stopped at your request", url=url
            ) from None
        except UnicodeError:
            raise InvalidNameError(
                f"a value sent to {self.base_url} holds characters that cannot be sent in an "
                "HTTP header (only ASCII can)",
                url=url,
            ) from None
        except TransferCancelledError:
            raise
        except (requests.RequestException, OSError, urllib3_errors.HTTPError) as exc:
            error = http.transport_error(exc, url, base_url=self.base_url)
            if isinstance(error, RequestTimeoutError):
                connect_s, read_s = timeout
                if "connecting" in error.message:
                    error = RequestTimeoutError(
                        f"connecting to {self.base_url} timed out after {connect_s:g} s", url=url
                    )
                else:
                    error = RequestTimeoutError(
                        f"{self.base_url} did not answer {method} {_path_only(url)} within {read_s:g} s",
                        url=url,
                    )
            if isinstance(exc, requests.exceptions.ChunkedEncodingError) and isinstance(
                error, ConnectionDroppedError
            ):
                raise _BodyCutError(error.message, url=url, hint=error.hint) from exc
            raise error from exc

    def _pause(self, events: tuple[threading.Event, ...], left: int) -> bool:
        """Back off before sending a GET again; False when cancelled meanwhile."""
        step = self.backoff * (2 ** max(0, self.retries - left))
        end = time.monotonic() + min(step, 10.0)
        while True:
            if any(e.is_set() for e in events):
                return False
            remaining = end - time.monotonic()
            if remaining <= 0:
                return True
            time.sleep(min(remaining, guards.POLL))

    def _record(
        self,
        method: str,
        path: str,
        params: Sequence[tuple[str, str]],
        status: int | None,
        seconds: float,
        tenant: str,
    ) -> None:
        if self.on_request is None:
            return
        record = RequestRecord(
            method, path, tuple((str(k), str(v)) for k, v in params), status, seconds, tenant
        )
        try:
            self.on_request(record)
        except Exception:  # a broken logger must not break the migration
            log.exception("on_request hook failed")

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        try:
            return http.json_body(response, base_url=self.base_url)
        finally:
            response.close()


def describe_time_limits(
    timeout: tuple[float, float] = DEFAULT_TIMEOUT, deadline: float | None = DEFAULT_DEADLINE
) -> str:
    """One line for `--help`: the time limits a client with these settings applies."""
    connect, read = timeout
    text = (
        f"connect {connect:g} s, read {read:g} s (a GET is tried once more after a read timeout, "
        f"so a silent manager is reported after {2 * read:g} s)"
    )
    if deadline is not None:
        text += f", at most {deadline:g} s per request overall"
    return text


class _BodyCutError(ConnectionDroppedError):
    """The answer's body ended before its Content-Length or last chunk (after the headers)."""


def _path_only(url: str) -> str:
    """The path of a URL (no query: filters may be long), for messages."""
    return urlsplit(url).path


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    """An auth callable that sends nothing (requests would otherwise use the session's)."""
    request.headers.pop("Authorization", None)
    return request


def _dumps(value: Any) -> bytes:
    return jsonlib.dumps(value).encode("utf-8")
