"""A fault proxy on 127.0.0.1 in front of a (simulated) manager: it relays each request and can
cut the answer's body short after its headers, keeping the Content-Length the server sent.

One request per connection (it asks the upstream for `Connection: close`), which is all the
fault rows need. Only ever binds and connects to loopback addresses.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from dataclasses import dataclass


@dataclass
class CutBody:
    """Cut the body of answers to `method path*` after `keep` bytes, `times` times (0: always)."""

    method: str
    path_prefix: str
    keep: int = 20
    times: int = 1
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        """Whether this request's answer is to be cut now."""
        if method != self.method or not path.split("?", 1)[0].startswith(self.path_prefix):
            return False
        return self.times == 0 or self.fired < self.times


class FaultProxy:
    """Relays 127.0.0.1:<port> to `upstream` (a loopback host and port), applying `rules`."""

    def __init__(self, upstream_host: str, upstream_port: int, rules: list[CutBody] | None = None) -> None:
        if not ipaddress.ip_address(upstream_host).is_loopback:
            raise ValueError("the fault proxy only talks to loopback addresses")
        self.upstream = (upstream_host, upstream_port)
        self.rules = rules or []
        self.seen: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)  # here, not in the thread: close() may come first
        self.port: int = self._listener.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

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
            threading.Thread(target=self._relay, args=(conn,), daemon=True).start()

    def _rule_for(self, method: str, path: str) -> CutBody | None:
        with self._lock:
            self.seen.append((method, path))
            for rule in self.rules:
                if rule.matches(method, path):
                    rule.fired += 1
                    return rule
        return None

    def _relay(self, client: socket.socket) -> None:
        with contextlib.ExitStack() as stack:
            stack.callback(client.close)
            reader = client.makefile("rb")
            stack.callback(reader.close)
            head = b""
            while not head.endswith(b"\r\n\r\n"):
                line = reader.readline(65537)
                if not line:
                    return
                head += line
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = [h for h in lines[1:] if h and not h.lower().startswith("connection:")]
            lengths = [int(h.split(":", 1)[1]) for h in headers if h.lower().startswith("content-length:")]
            length = lengths[0] if lengths else 0
            body = reader.read(length) if length else b""
            request = "\r\n".join([lines[0], *headers, "Connection: close", "", ""]).encode("latin-1") + body
            upstream = socket.create_connection(self.upstream, timeout=30)
            stack.callback(upstream.close)
            upstream.sendall(request)
            rule = self._rule_for(method, path)
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = upstream.recv(65536)
                if not chunk:
                    client.sendall(answer)
                    return
                answer += chunk
            split = answer.index(b"\r\n\r\n") + 4
            # one request per connection: say so, or the client would reuse a socket we close
            head_lines = [
                h for h in answer[: split - 4].split(b"\r\n") if not h.lower().startswith(b"connection:")
            ]
            answer = b"\r\n".join([*head_lines, b"Connection: close"]) + b"\r\n\r\n" + answer[split:]
            split = answer.index(b"\r\n\r\n") + 4
            if rule is not None:
                client.sendall(answer[: split + rule.keep])
                with contextlib.suppress(OSError):
                    client.shutdown(socket.SHUT_RDWR)
                return
            client.sendall(answer)
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                client.sendall(chunk)

    def close(self) -> None:
        """Stop accepting."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
