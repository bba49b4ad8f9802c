"""The HTTP layer: a threading HTTP/1.1 server on loopback, routing, auth/maintenance/fault gates,
streaming downloads with os.sendfile (Range, HEAD), streaming uploads (raw or chunked), and the
REST outage of a restore (socket closed and re-opened, or nginx-style 502 answers).

With a certificate and key (``SimulatorConfig.tls_cert``/``tls_key``) the listening socket is
wrapped with TLS; the handshake runs in each connection's own thread, so a client that speaks
plain http to it (or rejects the certificate) only loses its own connection.
"""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .errors import NGINX_502, ApiError
from .wire import Request, Response

if TYPE_CHECKING:
    from .listener import Listener
    from .manager import Manager

API_VERSIONS = ("v1", "v2", "v2.1", "v3", "v3.1")
_COPY = 1 << 20


class BodyError(Exception):
    """The client's request body could not be read (connection dropped, bad chunking)."""


class SimHandler(BaseHTTPRequestHandler):
    """One connection: parses requests and hands them to the API router."""

    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    disable_nagle_algorithm = True
    server: SimServer

    # -- plumbing ---------------------------------------------------------------------------------
    def setup(self) -> None:
        self._tls_failed = False
        self._plain_on_tls = False
        ctx = self.server.ssl_context
        if ctx is not None:
            raw = self.request
            try:
                raw.settimeout(30)
                first = raw.recv(1, socket.MSG_PEEK)
                if first == b"\x16":  # a TLS handshake record
                    self.request = ctx.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
                    self.request.do_handshake()
                    self.request.settimeout(None)
                elif first:
                    self._plain_on_tls = True  # plain http on the https port: nginx answers HTML 400
                else:
                    self._tls_failed = True
            except (OSError, ValueError):
                # A client that rejected our certificate, or hung up.
                self._tls_failed = True
        super().setup()
        self.server.listener.track(self.connection, True)

    def handle(self) -> None:
        if self._tls_failed:
            self.close_connection = True
            return
        if self._plain_on_tls:
            self._answer_plain_on_tls()
            return
        super().handle()

    def _answer_plain_on_tls(self) -> None:
        """nginx's answer to a plain-http request on its ssl port (then it closes the connection)."""
        from .front import HSTS, NGINX_400_PLAIN_HTTP

        with contextlib.suppress(OSError, ValueError):
            for _ in range(200):
                line = self.rfile.readline(65537)
                if line in (b"\r\n", b"\n", b""):
                    break
            body = NGINX_400_PLAIN_HTTP.encode()
            head = (
                "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n"
                f"Date: {self.date_time_string()}\r\nContent-Type: text/html\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n{HSTS[0]}: {HSTS[1]}\r\n\r\n"
            )
            self.wfile.write(head.encode("latin-1") + body)
        self.close_connection = True

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.listener.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        """GET."""
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    # -- request body -----------------------------------------------------------------------------
    def _start_body(self) -> None:
        self._body_consumed = False

    def body_is_chunked(self) -> bool:
        """The client sent Transfer-Encoding: chunked."""
        return "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()

    def has_body(self) -> bool:
        """A body follows the headers."""
        return self.body_is_chunked() or int(self.headers.get("Content-Length") or 0) > 0

    def iter_body(self, limit: int | None = None) -> Any:
        """Yield the request body in pieces (raw or chunked); stops early after ``limit`` bytes."""
        self._body_consumed = True
        seen = 0
        if self.body_is_chunked():
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise BodyError("connection closed in chunked body")
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while True:
                        trailer = self.rfile.readline(65537)
                        if trailer in (b"\r\n", b"\n", b""):
                            break
                    return
                remaining = size
                while remaining:
                    data = self.rfile.read(min(remaining, _COPY))
                    if not data:
                        raise BodyError("connection closed in chunk")
                    remaining -= len(data)
                    if limit is not None and seen + len(data) > limit:
                        yield data[: limit - seen]
                        raise BodyError("limit")
                    seen += len(data)
                    yield data
                self.rfile.readline(3)
        else:
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining:
                want = min(remaining, _COPY)
                if limit is not None:
                    want = min(want, limit - seen)
                    if want <= 0:
                        raise BodyError("limit")
                data = self.rfile.read(want)
                if not data:
                    raise BodyError("connection closed in body")
                remaining -= len(data)
                seen += len(data)
                yield data

    def read_body(self) -> bytes:
        """The whole (small) request body."""
        if getattr(self, "_body_consumed", True):
            return b""
        return b"".join(self.iter_body())

    # -- dispatch ---------------------------------------------------------------------------------
    def _dispatch(self) -> None:
        self._start_body()
        mgr = self.server.mgr
        split = urlsplit(self.path)
        path = split.path
        query = parse_qsl(split.query, keep_blank_values=True)
        if path.startswith("/_sim/"):
            from .api import handle_sim

            response = handle_sim(mgr, self.command, path, self)
        else:
            gated = self._front_gate(mgr, path)
            response = gated if gated is not None else self._api(mgr, path, query)
        if response.drop:
            self._drop()
            return
        if self.has_body() and not self._body_consumed:
            response.close = True
        self._send(response)

    def _front_gate(self, mgr: Manager, path: str) -> Response | None:
        """nginx before the REST service: the rate limit, then the port-80 server's own answers."""
        from .front import HTTP_LEVEL_HEADERS, NGINX_503, SSL_REQUIRED

        limiter = mgr.rate_limiter
        if limiter is not None and not (self.headers.get("Execution-Token") or "").strip():
            wait = limiter.admit(self.client_address[0], burst0=self.server.plain_port80)
            if wait is None:
                mgr.count_request("503 (rate limit)")
                return Response(503, NGINX_503.encode(), "text/html")
            if wait > 0:
                time.sleep(wait)
        if self.server.plain_port80:
            if path.startswith("/api/"):
                mgr.count_request("400 (SSL_REQUIRED)")
                return Response(
                    400, SSL_REQUIRED, "application/octet-stream", headers=list(HTTP_LEVEL_HEADERS)
                )
            host = (self.headers.get("Host") or mgr.cfg.host).split(":")[0]
            html = NGINX_502.replace("502 Bad Gateway", "308 Permanent Redirect")
            return Response(
                308,
                html.encode(),
                "text/html",
                headers=[("Location", f"https://{host}{self.path}"), *HTTP_LEVEL_HEADERS],
            )
        return None

    def _api(self, mgr: Manager, path: str, query: list[tuple[str, str]]) -> Response:
        from .api import handle_api

        if mgr.outage_active:
            if mgr.cfg.outage_mode == "nginx":
                # nginx holds the request while the REST service is down, then gives up with 502.
                time.sleep(mgr.cfg.outage_hang * mgr.cfg.time_scale)
                return Response(502, NGINX_502.encode(), "text/html")
            if mgr.cfg.outage_mode == "502" and self.server.listener.serving:
                return Response(502, NGINX_502.encode(), "text/html", close=True)
            return Response(0, drop=True)
        warm = mgr.warm_until - time.monotonic()
        if warm > 0:
            time.sleep(warm)  # the REST service is still starting: nginx holds the request
        delay = mgr.faults.delay(self.command, path)
        if delay > 0:
            time.sleep(delay)
        forced = mgr.faults.http_error(self.command, path)
        if forced is not None:
            mgr.count_request(f"{self.command} (fault {forced})")
            if forced == 500:
                err = ApiError(
                    500,
                    "internal_server_error",
                    "Internal error occurred in manager REST server - simulated fault",
                    "Traceback (most recent call last):\nSimulatedFault\n",
                )
                return Response.json(err.body(), 500)
            reason = {
                502: "Bad Gateway",
                503: "Service Temporarily Unavailable",
                504: "Gateway Time-out",
            }.get(forced, "Error")
            html = NGINX_502.replace("502 Bad Gateway", f"{forced} {reason}")
            return Response(forced, html.encode(), "text/html")
        req = Request(self.command, path, query, self.headers, self)
        return handle_api(mgr, req)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, response: Response) -> None:
        from .front import HSTS, NGINX_REASONS, gzip_chunks, should_gzip

        head_only = self.command == "HEAD"
        file = response.file
        length = file.length if file is not None else len(response.body)
        reason = NGINX_REASONS.get(response.status) or self.responses.get(response.status, ("",))[0]
        http11 = self.request_version == "HTTP/1.1"
        compress = (
            file is None
            and self.server.mgr.cfg.nginx_gzip
            and should_gzip(
                response.status,
                response.content_type,
                length,
                self.headers.get("Accept-Encoding") or "",
                http11,
            )
        )
        body = response.body
        lines = [f"HTTP/1.1 {response.status} {reason}", "Server: nginx", f"Date: {self.date_time_string()}"]
        if response.content_type is not None:
            lines.append(f"Content-Type: {response.content_type}")
        if compress:
            if not head_only:
                lines.append("Transfer-Encoding: chunked")
                body = gzip_chunks(body)
        elif response.status != 304:
            lines.append(f"Content-Length: {length}")
        for key, value in response.headers:
            lines.append(f"{key}: {value}")
        if response.close or not http11:
            lines.append("Connection: close")
            self.close_connection = True
        if self.server.ssl_context is not None:
            lines.append(f"{HSTS[0]}: {HSTS[1]}")
        if compress:
            lines.append("Content-Encoding: gzip")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            if file is None:
                self.wfile.write(head if head_only or response.status == 304 else head + body)
                return
            self.wfile.write(head)
            if not head_only:
                self._sendfile(file)
        except OSError:
            self.close_connection = True

    def _sendfile(self, file: Any) -> None:
        sock = self.connection
        if isinstance(sock, ssl.SSLSocket):
            self._send_tls(file)
            return
        with open(file.path, "rb") as fh:
            offset = file.offset
            remaining = file.length
            if file.cut_after is not None:
                remaining = min(remaining, file.cut_after)
            while remaining > 0:
                sent = os.sendfile(sock.fileno(), fh.fileno(), offset, min(remaining, 1 << 30))
                if sent == 0:
                    break
                offset += sent
                remaining -= sent
        if file.cut_after is not None and file.cut_after < file.length:
            self._drop()

    def _send_tls(self, file: Any) -> None:
        """os.sendfile would bypass TLS: copy through the SSL socket in bounded pieces."""
        remaining = file.length if file.cut_after is None else min(file.length, file.cut_after)
        with open(file.path, "rb") as fh:
            fh.seek(file.offset)
            while remaining > 0:
                data = fh.read(min(remaining, _COPY))
                if not data:
                    break
                self.wfile.write(data)
                remaining -= len(data)
        self.wfile.flush()
        if file.cut_after is not None and file.cut_after < file.length:
            self._drop()


def server_ssl_context(cert: str, key: str) -> ssl.SSLContext:
    """A server-side TLS context for the certificate chain and key (PEM files)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    return ctx


class SimServer(ThreadingHTTPServer):
    """The listening socket; one thread per connection."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        mgr: Manager,
        listener: Listener,
        ssl_context: ssl.SSLContext | None = None,
        plain_port80: bool = False,
    ) -> None:
        self.mgr = mgr
        self.listener = listener
        #: TLS is negotiated per connection (after a peek tells TLS from plain http).
        self.ssl_context = ssl_context
        #: The port-80 listener of an https manager (answers /api/ with SSL_REQUIRED).
        self.plain_port80 = plain_port80
        super().__init__(address, SimHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (or is killed) mid-request is normal here, not worth a traceback."""
        import sys

        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | ssl.SSLError | TimeoutError | BodyError):
            return
        super().handle_error(request, client_address)
