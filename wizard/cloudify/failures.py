"""What a failure to get an HTTP answer means: requests/urllib3/socket/ssl exceptions turned into
the TransportError subclass that says what to check (wrong port, TLS, name, timeout, a drop).

Apart from http.py (which keeps the session, the retry policy and the HTTP error mapping) so
each module stays readable; `http.transport_error` is this function.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import requests
import urllib3

from wizard.cloudify.endpoint import strip_userinfo
from wizard.cloudify.errors import (
    ConnectionDroppedError,
    ConnectionFailedError,
    NameResolutionError,
    RequestTimeoutError,
    TLSError,
    TransportError,
)

_TLS_MISMATCH_MARKERS = (
    "wrong version number",
    "record layer failure",
    "unknown protocol",
    "packet length too long",
    "http request",  # "SSL: HTTP_REQUEST" when the peer speaks plain HTTP
    "unexpected eof while reading",
)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """exc, its args that are exceptions, its __cause__/__context__ and MaxRetryError.reason."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
        stack.extend(a for a in current.args if isinstance(a, BaseException))
        if current.__cause__ is not None:
            stack.append(current.__cause__)
        if current.__context__ is not None:
            stack.append(current.__context__)


def _looks_like_tls_bytes(exc: BaseException) -> bool:
    """A status line that is really a TLS record (0x15 alert / 0x16 handshake, version 3.x)."""
    text = str(exc)
    line = getattr(exc, "line", None)
    raw = line if isinstance(line, str) else text
    prefixes = ("\x15\x03", "\x16\x03")
    escaped = tuple(q + p.encode("unicode_escape").decode() for q in ("'", "b'") for p in prefixes)
    return raw.startswith(prefixes + escaped)


def transport_error(exc: BaseException, url: str, *, base_url: str) -> TransportError:
    """Turn a requests/urllib3/socket exception into the TransportError that says what to check.

    `url` is the full request URL (for the record), `base_url` the manager's address named in the
    message.
    """
    chain = list(_causes(exc))
    https = base_url.startswith("https:")
    mismatch_hint = (
        "the manager seems to speak plain HTTP on this port; try http:// instead of https://"
        if https
        else "the manager seems to speak HTTPS on this port; try https:// instead of http://"
    )
    text = " ".join(str(c) for c in chain).lower()

    if isinstance(exc, requests.exceptions.SSLError) or any(
        isinstance(c, (ssl.SSLError, urllib3.exceptions.SSLError)) for c in chain
    ):
        if any(isinstance(c, ssl.SSLCertVerificationError) for c in chain) or "certificate" in text:
            detail = next(
                (c.verify_message for c in chain if isinstance(c, ssl.SSLCertVerificationError)), ""
            )
            return TLSError(
                f"the TLS certificate of {base_url} could not be verified"
                + (f" ({detail})" if detail else ""),
                url=url,
            )
        if any(marker in text for marker in _TLS_MISMATCH_MARKERS):
            return TLSError(
                f"TLS handshake with {base_url} failed: protocol mismatch", url=url, hint=mismatch_hint
            )
        return TLSError(f"TLS handshake with {base_url} failed: {_short(chain)}", url=url)

    if any(isinstance(c, urllib3.exceptions.NameResolutionError | socket.gaierror) for c in chain):
        return NameResolutionError(f"the host name of {base_url} does not resolve", url=url)

    if isinstance(exc, requests.exceptions.ConnectTimeout) or any(
        isinstance(c, urllib3.exceptions.ConnectTimeoutError)
        and not isinstance(c, urllib3.exceptions.NewConnectionError)
        for c in chain
    ):
        return RequestTimeoutError(f"connecting to {base_url} timed out", url=url)

    if isinstance(exc, requests.exceptions.ReadTimeout) or any(
        isinstance(c, urllib3.exceptions.ReadTimeoutError | TimeoutError | socket.timeout) for c in chain
    ):
        return RequestTimeoutError(f"{base_url} did not answer in time", url=url)

    if any(isinstance(c, ConnectionRefusedError) for c in chain) or (
        any(isinstance(c, urllib3.exceptions.NewConnectionError) for c in chain)
    ):
        return ConnectionFailedError(f"could not connect to {base_url} (connection refused)", url=url)

    if any(_looks_like_tls_bytes(c) for c in chain if c.__class__.__name__ == "BadStatusLine"):
        return TLSError(
            f"{base_url} answered with TLS bytes to a plain HTTP request", url=url, hint=mismatch_hint
        )

    if isinstance(exc, requests.exceptions.ChunkedEncodingError) or any(
        isinstance(
            c,
            urllib3.exceptions.ProtocolError
            | ConnectionResetError
            | ConnectionAbortedError
            | BrokenPipeError
            | urllib3.exceptions.IncompleteRead,
        )
        or c.__class__.__name__ in {"RemoteDisconnected", "IncompleteRead", "BadStatusLine"}
        for c in chain
    ):
        hint = ConnectionDroppedError.hint
        if not https and any(c.__class__.__name__ in {"RemoteDisconnected", "BadStatusLine"} for c in chain):
            hint = f"{hint}; if it happens on every request, {mismatch_hint}"
        return ConnectionDroppedError(
            f"the connection to {base_url} was closed before the answer ended", url=url, hint=hint
        )

    return ConnectionFailedError(f"could not talk to {base_url}: {_short(chain)}", url=url)


def _short(chain: list[BaseException]) -> str:
    """The innermost, most specific text of an exception chain, without urllib3's object reprs
    (and without any user:password@ a URL in it might carry)."""
    for c in reversed(chain):
        text = str(c).strip()
        if text and "object at 0x" not in text:
            return strip_userinfo(text) if "@" in text else text
    return type(chain[0]).__name__
