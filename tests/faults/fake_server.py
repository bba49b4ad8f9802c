"""A scripted HTTP server over real sockets on 127.0.0.1, for the client's fault rows.

Each test gives a handler that gets the parsed request and the raw socket and writes whatever
bytes the case needs: nginx's pages, gzip-compressed chunked JSON, a body cut short, headers
trickled one byte at a time, silence. Only ever binds 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    """One request as the fake server read it."""

    method: str
    path: str
    headers: dict[str, str]
    raw_headers: bytes
    body: bytes
    at: float = field(default_factory=time.monotonic)


Handler = Callable[[Request, socket.socket], None]


class FakeServer:
    """A threaded accept loop; `handler(request, sock)` answers each request on a connection."""

    def __init__(self, handler: Handler, *, backlog: int = 64, accept: bool = True) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.closed_by_peer = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(backlog)
        self._listener.settimeout(0.1)  # here, not in the thread: close() may come first
        self.port: int = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        if accept:
            self._thread = threading.Thread(target=self._serve, daemon=True)
            self._thread.start()

    @property
    def url(self) -> str:
        """http://127.0.0.1:<port>"""
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self._conns.append(conn)
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()

    def _connection(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        try:
            while not self._stop.is_set():
                request = _read_request(reader)
                if request is None:
                    self.closed_by_peer.set()
                    return
                self.requests.append(request)
                self.handler(request, conn)
        except OSError:
            self.closed_by_peer.set()
        finally:
            with contextlib.suppress(OSError):
                reader.close()
                conn.close()

    def close(self) -> None:
        """Stop accepting and close every connection."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                    conn.close()


def _read_request(reader: Any) -> Request | None:
    line = reader.readline(65537)
    if not line:
        return None
    raw = line
    headers: dict[str, str] = {}
    while True:
        h = reader.readline(65537)
        if not h:
            return None
        raw += h
        if h in (b"\r\n", b"\n"):
            break
        name, _, value = h.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = b""
    length = int(headers.get("content-length", "0") or 0)
    while len(body) < length:
        chunk = reader.read(min(1 << 20, length - len(body)))
        if not chunk:
            break
        body += chunk
    method, path, _ = line.decode("latin-1").split(" ", 2)
    return Request(method, path, headers, raw, body)


# -- answers -----------------------------------------------------------------------------------
def answer(
    sock: socket.socket,
    status: int,
    body: bytes = b"",
    *,
    reason: str = "",
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
    length: int | None = None,
) -> None:
    """A complete answer with Content-Length (`length` may lie, to cut a body short)."""
    head = [f"HTTP/1.1 {status} {reason or 'X'}", f"Content-Type: {content_type}",
            f"Content-Length: {len(body) if length is None else length}", "Server: nginx"]
    for k, v in (headers or {}).items():
        head.append(f"{k}: {v}")
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)


def answer_json(sock: socket.socket, status: int, value: Any, **kwargs: Any) -> None:
    """A JSON answer."""
    answer(sock, status, json.dumps(value).encode(), **kwargs)


def answer_gzip_chunked(sock: socket.socket, value: Any, *, cut_at: int | None = None) -> None:
    """JSON, gzip-compressed, chunked, no Content-Length (how nginx sends anything over ~1 KB);
    `cut_at` closes the connection after that many bytes of the chunked body, mid-chunk."""
    data = gzip.compress(json.dumps(value).encode())
    head = ("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\nVary: Accept-Encoding\r\n\r\n")
    framed = b""
    for i in range(0, len(data), 300):
        piece = data[i : i + 300]
        framed += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    framed += b"0\r\n\r\n"
    if cut_at is not None:
        framed = framed[:cut_at]
    sock.sendall(head.encode() + framed)
    if cut_at is not None:
        sock.shutdown(socket.SHUT_RDWR)


NGINX_LIMIT_503 = (
    b"<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
    b"<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
NGINX_PLAIN_TO_HTTPS = (
    b"<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n"
    b"<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent "
    b"to HTTPS port</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
SSL_REQUIRED = {
    "error_code": "SSL_REQUIRED",
    "message": "SSL must be used for API access on SSL-enabled managers.",
}
VERSION = {"version": "7.1.0", "edition": "community", "build": None, "date": None, "commit": None,
           "distribution": "centos", "distro_release": "Core"}


@contextlib.contextmanager
def serving(handler: Handler, **kwargs: Any) -> Iterator[FakeServer]:
    """A FakeServer for the duration of a with block."""
    server = FakeServer(handler, **kwargs)
    try:
        yield server
    finally:
        server.close()


class Limiter:
    """nginx limit_req in miniature: a token bucket per server; False means "answer 503"."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._stamp = time.monotonic()
        self._lock = threading.Lock()
        self.refused = 0
        self.passed = 0

    def allow(self) -> bool:
        """Take a token if there is one."""
        with self._lock:
            now = time.monotonic()
            self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                self.passed += 1
                return True
            self.refused += 1
            return False
