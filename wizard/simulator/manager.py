"""The simulated manager's whole state behind ONE lock, plus the background scheduler.

Request handlers and workflows both take ``mgr.lock`` around every read-modify-write; nothing
slow (file I/O, sleeping) happens while holding it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
import threading
from collections import Counter
from typing import Any

from .clock import Scheduler, iso
from .config import SimulatorConfig
from .faults import FaultSet
from .front import RateLimiter
from .inventory import Inventory, Record
from .passwords import hash_password
from .profiles import Profile
from .seed import seed_inventory
from .seed_realstack import seed_realstack


class Manager:
    """One simulated Cloudify Manager: identity, inventory, snapshots, executions, modes, faults."""

    def __init__(self, cfg: SimulatorConfig) -> None:
        cfg.validate()
        self.cfg = cfg
        self.profile = Profile(cfg.profile, cfg.edition)
        self.lock = threading.RLock()
        self.manager_ip = cfg.manager_ip or cfg.host
        self.hostname = cfg.hostname or "cfy-manager"
        self.networks = ["default", *cfg.extra_networks]
        self._own_dir = cfg.data_dir is None
        self.data_dir = cfg.data_dir or tempfile.mkdtemp(prefix="cfy-sim-")
        os.makedirs(os.path.join(self.data_dir, "snapshots"), exist_ok=True)
        os.makedirs(os.path.join(self.data_dir, "uploads"), exist_ok=True)
        #: The DB password the snapshot executions' parameters carry in clear (as a real manager's do).
        self.db_password = "cfy-db-" + secrets.token_hex(8)
        self.installed_admin_hash = hash_password(cfg.admin_password, f"admin-{cfg.seed}-{cfg.profile}")
        self.inv: Inventory = (
            seed_realstack(
                self.profile,
                admin_hash=self.installed_admin_hash,
                manager_ip=self.manager_ip,
                networks=self.networks,
                clean=cfg.clean,
            )
            if cfg.realstack_seed
            else seed_inventory(
                self.profile,
                seed=cfg.seed,
                tenants=cfg.tenants,
                deployments=cfg.deployments,
                installed=cfg.installed,
                clean=cfg.clean,
                admin_hash=self.installed_admin_hash,
                manager_ip=self.manager_ip,
                networks=self.networks,
                extra_nodes=cfg.extra_nodes,
                plugin_python=cfg.plugin_python,
            )
        )
        if cfg.real_shapes:
            from .seed_real import add_real_shapes

            add_real_shapes(self.inv, cfg.hostname or "cfy-manager")
        if not cfg.clean:
            from .agent_shapes import apply_agent_shapes

            apply_agent_shapes(self.inv, cfg, self.profile, self.manager_ip)
        #: (tenant, id) -> snapshot record; not part of the inventory (a restore truncates it).
        self.snapshots: dict[tuple[str, str], Record] = {}
        #: Executions that are not restorable history: live ones share the inventory table.
        self.snapshot_restoring = False
        self.admin_password_source = "installed"
        self.restore_history: list[Record] = []
        self.maintenance: Record = {
            "status": "deactivated",
            "activated_at": "",
            "activation_requested_at": "",
            "remaining_executions": None,
            "requested_by": "",
        }
        #: restore_certificates: the archive's certificate and key (files) served after the next boot
        self.pending_tls: tuple[str, str] | None = None
        self.certificates_restored = False
        self.reboots = 0
        #: every activate/deactivate, in order (tests: was the manager frozen while X happened?)
        self.maintenance_log: list[Record] = []
        self.requests_total = 0
        self.requests_by_route: Counter[str] = Counter()
        self.faults = FaultSet()
        if cfg.faults:
            self.faults.replace(cfg.faults)
        self.rate_limiter: RateLimiter | None = None
        if cfg.rate_limit:
            self.rate_limiter = RateLimiter(cfg.rate_limit_rate, cfg.rate_limit_burst, cfg.rate_limit_delay)
        #: Between the legacy restore's REST restart and the post-restore commands (restore_auth_gap).
        self.admin_login_broken = False
        #: outage_mode="nginx": requests right after a REST restart wait until this (monotonic) time.
        self.warm_until = 0.0
        self.outage_until = 0.0
        self.outage_active = False
        self.listener: Any = None  # set by the runner: the object that can close/reopen the socket
        self.errors: list[str] = []
        self.scheduler = Scheduler(cfg.time_scale, on_error=self._workflow_crashed)
        self.started_at = iso()

    def _workflow_crashed(self, exc: BaseException) -> None:
        import traceback

        text = "".join(traceback.format_exception(exc))
        self.errors.append(text)
        print(f"cfy-sim: workflow error: {text}", file=sys.stderr)

    def snapshot_dir(self, tenant: str, snapshot_id: str) -> str:
        """Where one snapshot's archive lives on disk."""
        return os.path.join(self.data_dir, "snapshots", tenant, snapshot_id)

    def snapshot_path(self, tenant: str, snapshot_id: str) -> str:
        """The archive file of one snapshot."""
        return os.path.join(self.snapshot_dir(tenant, snapshot_id), f"{snapshot_id}.zip")

    def admin_hash(self) -> str:
        """The bootstrap admin's current password hash."""
        for user in self.inv.users.values():
            if user.get("_bootstrap_admin"):
                return str(user["password_hash"])
        return self.installed_admin_hash

    def bootstrap_admin(self) -> Record | None:
        """The user row with id 0 (the bootstrap admin)."""
        for user in self.inv.users.values():
            if user.get("_bootstrap_admin"):
                return user
        return None

    def count_request(self, route: str) -> None:
        """Request counters for /_sim/state (benchmarks count HTTP requests)."""
        with self.lock:
            self.requests_total += 1
            self.requests_by_route[route] += 1

    def reset_counters(self) -> None:
        """Zero the request counters."""
        with self.lock:
            self.requests_total = 0
            self.requests_by_route.clear()

    def close(self) -> None:
        """Stop the scheduler and remove the data dir if the simulator created it."""
        self.scheduler.stop()
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
