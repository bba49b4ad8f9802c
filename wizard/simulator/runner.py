"""Starting and stopping a simulator in-process: ``start_simulator(cfg) -> RunningSimulator``."""

from __future__ import annotations

import json
import ssl
import urllib.request
from types import TracebackType
from typing import Any

from .config import SimulatorConfig
from .listener import Listener
from .manager import Manager
from .server import server_ssl_context
from .state import build_state


class RunningSimulator:
    """A serving simulator: its URL, its state, fault control, and stop()."""

    def __init__(self, mgr: Manager, listener: Listener, http_listener: Listener | None = None) -> None:
        self._mgr = mgr
        self._listener = listener
        self._http_listener = http_listener
        self._stopped = False

    @property
    def http_url(self) -> str | None:
        """``http://HOST:PORT`` of the port-80 listener (``http_port``), None without one."""
        if self._http_listener is None:
            return None
        return f"http://{self._mgr.cfg.host}:{self._http_listener.port}"

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` (``https://`` when started with a TLS certificate)."""
        return f"{self._mgr.cfg.scheme}://{self._mgr.cfg.host}:{self._listener.port}"

    @property
    def host(self) -> str:
        """The loopback address it listens on (also the manager IP it reports)."""
        return self._mgr.cfg.host

    @property
    def port(self) -> int:
        """The TCP port (kept across restore outages)."""
        return self._listener.port

    @property
    def config(self) -> SimulatorConfig:
        """The configuration it was started with."""
        return self._mgr.cfg

    @property
    def manager(self) -> Manager:
        """The in-process manager state (for white-box tests; prefer state())."""
        return self._mgr

    def state(self) -> dict[str, Any]:
        """The same JSON as GET /_sim/state, read in-process."""
        return json.loads(json.dumps(build_state(self._mgr)))  # type: ignore[no-any-return]

    def set_faults(self, spec: str | dict[str, Any] | list[Any] | None) -> None:
        """Replace the fault rules (same as POST /_sim/faults); raises ValueError on a bad spec."""
        self._mgr.faults.replace(spec)

    def clear_faults(self) -> None:
        """Remove every fault rule (same as DELETE /_sim/faults)."""
        self._mgr.faults.clear()

    def stop(self) -> None:
        """Stop serving, stop the workflows, remove the temporary data dir."""
        if self._stopped:
            return
        self._stopped = True
        if self._http_listener is not None:
            self._http_listener.stop()
        self._listener.stop()
        self._mgr.close()

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_simulator(cfg: SimulatorConfig | None = None, **overrides: Any) -> RunningSimulator:
    """Build the manager, bind the port and serve in background threads; returns once it answers."""
    if cfg is None:
        cfg = SimulatorConfig(**overrides)
    elif overrides:
        cfg = SimulatorConfig(**{**cfg.__dict__, **overrides})
    cfg.validate()
    ssl_context = server_ssl_context(cfg.tls_cert, cfg.tls_key) if cfg.tls_cert and cfg.tls_key else None
    mgr = Manager(cfg)
    if cfg.hostname is None:
        mgr.hostname = "cfy-manager-pending"
    listener = Listener(mgr, cfg.host, cfg.port, ssl_context)
    mgr.listener = listener
    try:
        listener.start()
    except OSError:
        mgr.close()
        raise
    http_listener = None
    if cfg.http_port is not None:
        http_listener = Listener(mgr, cfg.host, cfg.http_port, None, plain_port80=True)
        try:
            http_listener.start()
        except OSError:
            listener.stop()
            mgr.close()
            raise
    if cfg.hostname is None:
        mgr.hostname = f"cfy-manager-{listener.port}"
    sim = RunningSimulator(mgr, listener, http_listener)
    probe: ssl.SSLContext | None = None
    if ssl_context is not None:
        # A readiness probe of our own socket on loopback; the tests verify the certificate.
        probe = ssl.create_default_context()
        probe.check_hostname = False
        probe.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(f"{sim.url}/_sim/state", timeout=10, context=probe) as resp:
            resp.read()
    except OSError:
        sim.stop()
        raise
    return sim
