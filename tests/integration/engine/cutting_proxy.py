"""A loopback HTTP proxy that makes a manager keep only part of an upload, as a hostile network
did: the first N snapshot uploads reach the manager with a quarter of their bytes (Content-Length
rewritten, the rest of the body swallowed), so the manager stores a short archive and answers
201 "uploaded". Every other request passes through unchanged, one request per connection.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class CuttingProxy:
    """`CuttingProxy(upstream_host, upstream_port, bind_host, cuts=1)`; `.url`, `.cut` (count)."""

    def __init__(self, upstream: tuple[str, int], bind_host: str, *, cuts: int = 1) -> None:
        self.upstream = upstream
        self.cuts_left = cuts
        self.cut = 0
        self._lock = threading.Lock()
        self._server = socket.create_server((bind_host, 0))
        self._server.settimeout(0.2)
        self.host, self.port = self._server.getsockname()[:2]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        """http://host:port of the proxy."""
        return f"http://{self.host}:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        try:
            self._relay(client)
        except OSError:
            pass  # either side went away: the client sees a dropped connection, as on a real network
        finally:
            client.close()

    def _relay(self, client: socket.socket) -> None:
        with socket.create_connection(self.upstream, timeout=30) as up:
            client.settimeout(30)
            request = _read_head(client)
            if request is None:
                return
            head, body = request
            lines = head.split(b"\r\n")
            method, path = lines[0].split(b" ")[:2]
            headers = [h for h in lines[1:] if not h.lower().startswith(b"connection:")]
            length = next(
                (int(h.split(b":", 1)[1]) for h in headers if h.lower().startswith(b"content-length:")), 0
            )
            keep = length
            with self._lock:
                if method == b"PUT" and path.split(b"?")[0].endswith(b"/archive") and self.cuts_left > 0:
                    self.cuts_left -= 1
                    self.cut += 1
                    keep = length // 4
            headers = [h for h in headers if not h.lower().startswith(b"content-length:")]
            if length:
                headers.append(b"Content-Length: %d" % keep)
            up.sendall(b"\r\n".join([lines[0], *headers, b"Connection: close"]) + b"\r\n\r\n")
            sent = received = 0
            while received < length:
                if not body:
                    body = client.recv(1 << 20)
                    if not body:
                        return
                received += len(body)
                if sent < keep:
                    part = body[: keep - sent]
                    up.sendall(part)
                    sent += len(part)
                body = b""
            answer = _read_head(up)
            if answer is None:
                return
            status_head, rest = answer
            kept = [h for h in status_head.split(b"\r\n") if not h.lower().startswith(b"connection:")]
            # one request per connection: the client must not reuse this one
            client.sendall(b"\r\n".join([*kept, b"Connection: close"]) + b"\r\n\r\n" + rest)
            while data := up.recv(1 << 20):
                client.sendall(data)

    def close(self) -> None:
        """Stop accepting."""
        self._stop.set()
        self._server.close()
        self._thread.join(timeout=2)

    def __enter__(self) -> CuttingProxy:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


def _read_head(sock: socket.socket) -> tuple[bytes, bytes] | None:
    """An HTTP head (request or status line and headers) and the bytes read past it."""
    data = b""
    while b"\r\n\r\n" not in data:
        more = sock.recv(65536)
        if not more:
            return None
        data += more
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest
