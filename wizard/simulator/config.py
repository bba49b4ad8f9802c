"""The knobs of one simulated manager (`SimulatorConfig`), shared by the CLI, tests and the demo."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

#: The manager versions the simulator can impersonate.
PROFILES = ("4.6", "5.0.5", "5.2.7", "6.4.2", "7.0.4", "7.1.0")
#: /license states a premium manager can be in (see wizard/simulator/licence.py)
LICENCE_STATES = ("valid", "missing", "expired-trial", "expired")


@dataclass
class SimulatorConfig:
    """Everything that shapes one simulated manager; every field has a default.

    Timings are *base* seconds (what a demo shows at ``time_scale=1.0``) multiplied by
    ``time_scale``; ``restore_outage`` is scaled the same way, so tests that use a small
    time scale also get a short outage.
    """

    profile: str = "6.4.2"
    edition: str = "premium"
    seed: int = 1
    tenants: int = 2
    deployments: int = 6
    installed: int = 4
    clean: bool = False
    admin_password: str = "admin"
    host: str = "127.0.0.1"
    port: int = 0
    hostname: str | None = None
    #: the IP the manager reports (/managers, its certificates); default: the address it listens on.
    #: A replacement for a lost manager that took over its IP reports the old one's.
    manager_ip: str | None = None
    #: seed the shared realstack recipe's inventory (seed_realstack.py) instead of the default one
    realstack_seed: bool = False
    data_dir: str | None = None
    snapshot_size: int | None = None
    time_scale: float = 0.05
    restore_outage: float = 2.0
    outage_mode: str = "refuse"
    faults: str | dict[str, Any] | list[Any] | None = None
    #: Agent network names the manager (and its broker) has besides ``default``; seeded agents
    #: are spread over all of them, so a snapshot from here needs them on the restoring manager.
    extra_networks: tuple[str, ...] = ()
    #: How long (base seconds) after a legacy restore ends the post-restore commands run:
    #: the admin password switch and the /snapshot-status flip.
    post_restore_delay: float = 3.0
    #: Node instances per deployment beyond the Compute host (at least 1 besides the host).
    extra_nodes: int = 1
    #: Serve https with this PEM certificate (chain) and key; both or neither (plain http).
    tls_cert: str | None = None
    tls_key: str | None = None
    #: nginx's gzip of JSON answers >= 1000 bytes (chunked, no Content-Length) to clients that accept it.
    nginx_gzip: bool = True
    #: nginx ``limit_req`` per client address (off by default: engine tests want raw speed).
    rate_limit: bool = False
    rate_limit_rate: float = 10.0
    rate_limit_burst: int = 30
    rate_limit_delay: int = 20
    #: With https: also listen for plain http here (0 = any free port), as nginx's port 80 does.
    http_port: int | None = None
    #: ``outage_mode="nginx"``: a request during the outage hangs this long (base seconds) then gets 502.
    outage_hang: float = 7.0
    #: ``outage_mode="nginx"``: the second REST restart (with the archive's rest-security.conf), base s.
    restore_outage2: float = 3.0
    #: After the legacy restore's REST restart, NEITHER admin password works until the post-restore
    #: commands run (the restored rest-security.conf salts the new manager's admin hash wrongly).
    restore_auth_gap: bool = False
    #: Seed the shapes a real 7.1 seed has that older seeds lacked (node instances with host_id null,
    #: upload_blueprint executions, deployments without a Compute node, hosts with install_method none).
    real_shapes: bool = False
    #: Installed deployments whose host's agent has install_method ``provided`` (see agent_shapes.py).
    provided_agents: int = 0
    #: Installed deployments with a software node not started (inactive) but the host started.
    partly_installed: int = 0
    #: Installed deployments with a second Compute host that never started (the CLI skips them).
    split_hosts: int = 0
    #: Execution schedules (5.2+) on installed deployments.
    schedules: int = 0
    #: A cluster: how many managers, RabbitMQ brokers and PostgreSQL DB nodes /managers, /brokers,
    #: /db-nodes and /cluster-status report (1 each: an all-in-one manager). This simulator answers
    #: as the first manager; the others get loopback IPs of their own.
    managers: int = 1
    brokers: int = 1
    db_nodes: int = 1
    #: Of the other managers of a cluster, how many are stopped (Fail in /cluster-status), as the
    #: documented cluster restore asks for all managers but one.
    stopped_managers: int = 0
    #: "legacy" (systemd services on VMs) or "k8s" (the split-services deployment: /status lists
    #: the Kubernetes services, and a legacy snapshot restore is refused).
    runtime: str = "legacy"
    #: Premium only: "valid", "missing" (no licence: almost every endpoint refused), "expired-trial"
    #: (refused as well) or "expired" (a paying licence past its date: still served).
    license: str = "valid"
    #: An LDAP server this manager authenticates against (its /config `ldap_*` rows; /ldap "enabled").
    ldap_server: str | None = None
    #: The Python tag of the seeded plugins' wagons ("py27", "py36", "py311"); None: the one this
    #: version's mgmtworker runs (py27 up to 5.0.5, py36 on 5.1-6.x, py311 on 7.x).
    plugin_python: str | None = None
    #: After a restore with restore_certificates and without no_reboot: how long (base seconds)
    #: the manager is away rebooting (the post-restore `sudo shutdown -r now`).
    reboot_time: float = 20.0
    #: The CA (PEM file) that signed tls_cert: a legacy snapshot carries it as ssl/ (with the cert
    #: and key), so a certificate restore elsewhere serves this manager's certificate afterwards.
    tls_ca: str | None = None
    _validated: bool = field(default=False, repr=False, compare=False)

    def validate(self) -> None:
        """Reject values the simulator cannot honour, with a message a human can act on."""
        if self.profile not in PROFILES:
            raise ValueError(f"unknown profile {self.profile!r}; choose one of {', '.join(PROFILES)}")
        if self.edition not in ("premium", "community"):
            raise ValueError(f"edition must be 'premium' or 'community', not {self.edition!r}")
        if not is_loopback(self.host):
            raise ValueError(f"host {self.host!r} is outside 127.0.0.0/8; the simulator serves loopback only")
        if self.manager_ip is not None and not is_loopback(self.manager_ip):
            raise ValueError(f"manager_ip {self.manager_ip!r} is outside 127.0.0.0/8 (IPs stay there)")
        if self.tenants < 1:
            raise ValueError("tenants must be at least 1 (default_tenant)")
        if self.deployments < 0 or self.installed < 0:
            raise ValueError("deployments and installed must not be negative")
        if self.installed > self.deployments:
            raise ValueError("installed cannot exceed deployments")
        if min(self.provided_agents, self.partly_installed, self.split_hosts, self.schedules) < 0:
            raise ValueError("provided_agents, partly_installed, split_hosts, schedules: not negative")
        if self.time_scale <= 0:
            raise ValueError("time_scale must be positive")
        if self.outage_mode not in ("refuse", "502", "nginx"):
            raise ValueError("outage_mode must be 'refuse', '502' or 'nginx'")
        if self.rate_limit and (
            self.rate_limit_rate <= 0 or self.rate_limit_burst < 0 or self.rate_limit_delay < 0
        ):
            raise ValueError("rate_limit_rate must be positive, burst and delay not negative")
        if self.http_port is not None and not self.tls_cert:
            raise ValueError("http_port (the port-80 listener) needs https: give tls_cert and tls_key")
        if self.snapshot_size is not None and self.snapshot_size < 0:
            raise ValueError("snapshot_size must not be negative")
        if min(self.managers, self.brokers, self.db_nodes) < 1:
            raise ValueError("managers, brokers and db_nodes must be at least 1")
        if not 0 <= self.stopped_managers < self.managers:
            raise ValueError("stopped_managers must be from 0 to managers - 1 (this one answers)")
        if self.runtime not in ("legacy", "k8s"):
            raise ValueError("runtime must be 'legacy' or 'k8s'")
        if self.license not in LICENCE_STATES:
            raise ValueError(f"license must be one of {', '.join(LICENCE_STATES)}, not {self.license!r}")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together: give both (https) or neither (http)")
        self._validated = True

    @property
    def scheme(self) -> str:
        """``https`` when a certificate is configured, else ``http``."""
        return "https" if self.tls_cert else "http"


def as_measured(**overrides: Any) -> SimulatorConfig:
    """A 7.1 community manager behaving as the real stack was measured: rate limit on, the nginx
    outage shape (two REST restarts answered 502), the no-password window (~26 s at time_scale 1)
    of a legacy restore, the real seed shapes. ``overrides`` win (e.g. ``time_scale``, ``tls_cert``)."""
    base: dict[str, Any] = {
        "profile": "7.1.0",
        "edition": "community",
        "rate_limit": True,
        "outage_mode": "nginx",
        "restore_auth_gap": True,
        "restore_outage": 11.0,
        "post_restore_delay": 2.6,
        "real_shapes": True,
        "time_scale": 1.0,
        "snapshot_size": 100_000,  # the measured seed's legacy archive: ~99 KB
    }
    base.update(overrides)
    return SimulatorConfig(**base)


def is_loopback(host: str) -> bool:
    """True when ``host`` is an IPv4 address inside 127.0.0.0/8 (names are not resolved)."""
    try:
        return ipaddress.IPv4Address(host) in ipaddress.IPv4Network("127.0.0.0/8")
    except ValueError:
        return False
