"""The HTTP plumbing under ManagerClient: the session, its retry policy and the error mapping.

Kept apart from client.py so the transfer code (transfer.py) and the client share one place that
decides what a failure *means*: every requests/urllib3 exception and every non-2xx answer leaves
this module as a typed error from wizard.cloudify.errors, with a message a person can act on.
"""

from __future__ import annotations

import base64
import json
import logging
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from wizard.cloudify import guard as guards
from wizard.cloudify.endpoint import strip_userinfo
from wizard.cloudify.errors import (
    ERROR_CODES,
    STATUS_CLASSES,
    CloudifyError,
    HTTPError,
    HTTPSRequiredError,
    MaintenanceModeError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    TransportError,
)
from wizard.cloudify.failures import transport_error as transport_error  # re-exported

log = logging.getLogger("wizard.cloudify")

#: bytes per socket write when a request body is a file (urllib3's default is 16 KiB)
SEND_BLOCKSIZE = 1024 * 1024
#: the only methods urllib3 may repeat on its own
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})
#: the statuses worth another try for an idempotent request (gateway errors, REST restarting)
RETRY_STATUSES = (502, 503, 504)


#: the longest Retry-After we wait out inside one request (a longer one is capped to this)
MAX_RETRY_AFTER = 30.0


def is_limiter_answer(status: int, content_type: str | None) -> bool:
    """A 503 that is not JSON: nginx's limit_req page (it never reached the REST service); or a
    429, which by definition was not processed (limit_req_status may be set to it).

    The REST service's own 503s (maintenance mode) are JSON, so the Content-Type tells them
    apart before the body is read.
    """
    if status == 429:
        return True
    return status == 503 and "json" not in (content_type or "").lower()


class IdempotentRetry(Retry):
    """urllib3 Retry for a manager behind nginx.

    - Never repeats a non-idempotent request after an error or a REST-service answer, not
      even after a connect error (the engine decides whether the request may have happened)...
    - ...except nginx's limit_req 503 (HTML, no JSON), which never reached the REST service
      and is retried for every method, with backoff (Retry-After respected, capped).
    - A read timeout is repeated once at most (GET/HEAD): a silent server is reported after
      two read timeouts, not one per retry.
    - Waits between attempts end at once when the request is cancelled.
    """

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        """503/429 may be retried for any method; increment() then keeps only the limiter's."""
        if status_code in (429, 503) and self.total:
            return True
        return super().is_retry(method, status_code, has_retry_after)

    def increment(self, method: str | None = None, url: str | None = None, *args: Any, **kwargs: Any) -> Any:
        """Count one more try, or give up at once where another try is not safe or not useful."""
        response = kwargs.get("response")
        error = kwargs.get("error")
        idempotent = method is None or self.allowed_methods is None or method.upper() in self.allowed_methods
        if isinstance(error, ReadTimeoutError) and any(
            isinstance(h.error, ReadTimeoutError) for h in self.history
        ):
            raise error  # one slow answer is tried again; a silent server is not waited on twice
        status = getattr(response, "status", None) if response is not None else None
        if response is not None and status in (429, 503):
            limiter = is_limiter_answer(status, response.headers.get("Content-Type"))
            if limiter or (idempotent and status == 503):
                return super().increment(method, url, *args, **kwargs)
        if not idempotent:
            return Retry(total=0, raise_on_status=False).increment(method, url, *args, **kwargs)
        return super().increment(method, url, *args, **kwargs)

    def sleep(self, response: Any = None) -> None:
        """Wait Retry-After (at most MAX_RETRY_AFTER) or the backoff; cancellable in a guard."""
        seconds: float | None = None
        if self.respect_retry_after_header and response is not None:
            seconds = self.get_retry_after(response)
        if seconds is None:
            seconds = self.get_backoff_time()
            status = getattr(response, "status", None) if response is not None else None
            if status is not None and is_limiter_answer(status, response.headers.get("Content-Type")):
                # the limiter refills at its own pace: an immediate first retry would be refused too
                seconds = max(seconds, self.backoff_factor)
        seconds = min(max(seconds, 0.0), MAX_RETRY_AFTER)
        current = guards.current_guard()
        if current is not None:
            current.sleep(seconds)
        elif seconds > 0:
            import time

            time.sleep(seconds)


class _BigBlockAdapter(HTTPAdapter):
    """HTTPAdapter whose connections send file bodies in 1 MiB writes (uploads near wire speed)
    and report each attempt to the request's guard (pacing, deadline, cancel: guard.py)."""

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        """Same as HTTPAdapter's, plus a large blocksize and the guarded connection classes."""
        pool_kwargs.setdefault("blocksize", SEND_BLOCKSIZE)
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(guards.POOL_CLASSES)


class Utf8BasicAuth(requests.auth.AuthBase):
    """HTTP Basic with `user:password` encoded as UTF-8, as the official Cloudify client does.

    requests encodes str credentials as Latin-1: `pässwörd` then reaches a UTF-8 manager as
    other bytes, and a `€` raises a UnicodeEncodeError that names the character's position in
    the password. The password is never in repr().
    """

    def __init__(self, username: str, password: str) -> None:
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._header = "Basic " + token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Set the Authorization header."""
        request.headers["Authorization"] = self._header
        return request

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Utf8BasicAuth) and other._header == self._header

    def __hash__(self) -> int:
        return hash(self._header)

    def __repr__(self) -> str:
        return "Utf8BasicAuth(***)"


def make_retry(retries: int, backoff: float) -> Retry:
    """The retry policy: GET/HEAD on connection errors and 502/503/504, every method on the
    limiter's HTML 503, honouring Retry-After; the final response is returned (not raised) so a
    503 body can still be read."""
    return IdempotentRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        backoff_factor=backoff,
        backoff_jitter=backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=IDEMPOTENT_METHODS,
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )


def make_session(
    username: str,
    password: str,
    *,
    ca_cert: Path | None,
    insecure: bool,
    retries: int,
    backoff: float,
) -> requests.Session:
    """A Session with HTTP Basic, the retry policy mounted for http and https, and TLS set up:
    CA bundle if given, else the system trust store; off only when `insecure` is set."""
    session = requests.Session()
    session.auth = Utf8BasicAuth(username, password)
    session.trust_env = False  # no proxies or netrc from the environment: talk to the manager
    if insecure:
        session.verify = False
        # The caller prints one warning of its own; urllib3 would print one per request.
        warnings.filterwarnings("ignore", category=urllib3.exceptions.InsecureRequestWarning)
    elif ca_cert is not None:
        session.verify = str(ca_cert)
    else:
        session.verify = True
    adapter = _BigBlockAdapter(max_retries=make_retry(retries, backoff))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # JSON may come gzip-compressed and chunked (nginx does so above ~1 KB); downloads ask for
    # identity themselves (transfer.py)
    session.headers["Accept-Encoding"] = "gzip, deflate"
    session.headers["Accept"] = "application/json"
    return session


# --- HTTP errors --------------------------------------------------------------------------------


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def http_error(response: requests.Response, *, base_url: str) -> HTTPError | TransportError:
    """The typed error for a non-2xx answer: by error_code, else by status.

    A non-JSON 404 (Flask's HTML page) means the URL is not a REST endpoint of this manager
    (wrong address, or a version without it); nginx's "plain HTTP request was sent to HTTPS port"
    page is a protocol mismatch and becomes a TLSError.
    """
    status = response.status_code
    url = strip_userinfo(response.url or "")  # a redirect may have led to a user:password@ URL
    method = response.request.method if response.request is not None else "GET"
    path = _path_of(url)
    body = _json_or_none(response)
    if isinstance(body, dict) and str(body.get("error_code", "")).upper() == "SSL_REQUIRED":
        return https_required(base_url, url=url)
    if isinstance(body, dict) and ("error_code" in body or "message" in body or "detail" in body):
        code = body.get("error_code")
        code = code if isinstance(code, str) else ""
        message = body.get("message") if body.get("message") is not None else body.get("detail")
        text = str(message) if message not in (None, "") else f"{method} {path} answered HTTP {status}"
        tb = body.get("server_traceback")
        cls = ERROR_CODES.get(code) or _class_for_status(status)
        return cls(
            text,
            status=status,
            error_code=code,
            url=url,
            server_traceback=tb if isinstance(tb, str) else None,
        )

    raw = response.text[:500] if response.content else ""
    if status == 400 and "plain http request was sent to https port" in raw.lower():
        return https_required(base_url, url=url)
    if is_limiter_answer(status, response.headers.get("Content-Type")):
        return RateLimitedError(
            f"{method} {path}: {base_url} answered HTTP {status} from its rate limit (nginx limit_req) "
            "after every retry",
            status=status,
            url=url,
        )
    if status == 404:
        return NotFoundError(
            f"{method} {path}: {base_url} has no such REST endpoint "
            "(HTTP 404 without a Cloudify error body); check the manager address, "
            "or the manager runs a version without this endpoint",
            status=status,
            url=url,
        )
    if status == 503 and isinstance(body, dict) and "maintenance" in str(body).lower():
        return MaintenanceModeError(str(body), status=status, url=url)
    reason = response.reason or ""
    snippet = " ".join(raw.split())[:200]
    text = f"{method} {path} answered HTTP {status} {reason}".rstrip()
    if snippet:
        text += f": {snippet}"
    return _class_for_status(status)(text, status=status, url=url)


def https_url(base_url: str) -> str:
    """The https:// form of a manager address (port 443 left implicit)."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    port = parts.port
    if port in (None, 80, 443):
        return f"https://{host}"
    return f"https://{host}:{port}"


def https_required(base_url: str, *, url: str = "") -> HTTPSRequiredError:
    """The error for an http:// address of a manager that only serves https."""
    target = https_url(base_url)
    return HTTPSRequiredError(
        f"this manager requires https: use {target} (not {base_url})",
        url=url,
        hint=f"give the manager address as {target}, with its CA certificate (--old-ca-cert/--new-ca-cert)",
    )


def _class_for_status(status: int) -> type[HTTPError]:
    cls = STATUS_CLASSES.get(status)
    if cls is not None:
        return cls
    if status >= 500:
        return ServerError
    return HTTPError


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def json_body(response: requests.Response, *, base_url: str) -> Any:
    """The JSON of a 2xx answer, or ProtocolError naming what came instead."""
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError) as exc:
        ctype = response.headers.get("Content-Type", "no Content-Type")
        method = response.request.method if response.request is not None else "GET"
        raise ProtocolError(
            f"{method} {_path_of(response.url or '')} on {base_url} answered HTTP {response.status_code} "
            f"but not with JSON ({ctype})",
            url=response.url or "",
        ) from exc


def describe(exc: CloudifyError) -> str:
    """One line for logs: the class and the text (never headers or credentials)."""
    return f"{type(exc).__name__}: {exc}"
