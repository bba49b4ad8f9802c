"""The listening socket's owner: binds, serves in a thread, closes and re-opens the same port for a
restore's outage, and cuts open connections. Split from server.py."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from typing import TYPE_CHECKING

from .server import SimServer

if TYPE_CHECKING:
    from .manager import Manager


class Listener:
    """Owns the server socket so a restore can close it and re-open the same port later."""

    def __init__(
        self,
        mgr: Manager,
        host: str,
        port: int,
        ssl_context: ssl.SSLContext | None = None,
        *,
        plain_port80: bool = False,
    ) -> None:
        self.mgr = mgr
        self.plain_port80 = plain_port80
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self._server: SimServer | None = None
        self._thread: threading.Thread | None = None
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        self._lock = threading.Lock()
        self.serving = False

    def track(self, conn: socket.socket, alive: bool) -> None:
        """Remember open connections so an outage or stop can cut them."""
        with self._conns_lock:
            if alive:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    def _cut_connections(self) -> None:
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    def start(self) -> None:
        """Bind (port 0 picks a free port, kept for re-opens) and serve in a thread."""
        with self._lock:
            server = None
            for attempt in range(50):
                try:
                    server = SimServer(
                        (self.host, self.port), self.mgr, self, self.ssl_context, self.plain_port80
                    )
                    break
                except OSError:
                    if attempt == 49 or self.port == 0:
                        raise
                    time.sleep(0.05)
            assert server is not None
            self._server = server
            self.port = server.server_address[1]
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"sim-http-{self.port}",
                daemon=True,
            )
            self._thread.start()
            self.serving = True

    def _close(self) -> None:
        with self._lock:
            server, self._server = self._server, None
            self.serving = False
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def begin_outage(self, mode: str) -> None:
        """Make the REST API unavailable: close the socket (``refuse``) or answer 502 (``502``)."""
        self.mgr.outage_active = True
        if mode == "refuse":
            self._close()
            self._cut_connections()

    def end_outage(self) -> None:
        """Bring the REST API back (re-open the same port if it was closed)."""
        if not self.serving:
            self.start()
        self.mgr.outage_active = False

    def stop(self) -> None:
        """Close the socket and every open connection."""
        self._close()
        self._cut_connections()
