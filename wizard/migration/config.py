"""The migration's configuration: two managers, snapshot/restore/agent options, state directory,
waivers and timings — from a TOML file, the environment and flags (in that order of precedence).

Passwords are resolved here (see passwords.py) but never serialised: `to_json()` omits them.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from wizard.cloudify.endpoint import DEFAULT_TENANT, Credentials, Endpoint, EndpointError
from wizard.migration.errors import ConfigError
from wizard.migration.findings import Waiver
from wizard.migration.passwords import resolve_password
from wizard.migration.profiles import read_profile
from wizard.migration.settings import layered_settings

APP_NAME = "cfy-migrate"


def default_state_dir() -> Path:
    """platformdirs' user state dir for cfy-migrate (e.g. ~/.local/state/cfy-migrate)."""
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME))


@dataclass(frozen=True)
class ManagerConfig:
    """One manager: where it is and who we are there. `label` is "old" or "new"."""

    label: str
    endpoint: Endpoint
    credentials: Credentials
    profile: str | None = None

    @property
    def url(self) -> str:
        """The normalised base URL, e.g. https://10.0.0.5:443."""
        return self.endpoint.base_url

    def to_json(self) -> dict[str, Any]:
        """Everything but the password."""
        return {
            "url": self.url,
            "user": self.credentials.username,
            "tenant": self.credentials.tenant,
            "ca_cert": str(self.endpoint.ca_cert) if self.endpoint.ca_cert else None,
            "insecure": self.endpoint.insecure,
            "profile": self.profile,
        }


@dataclass(frozen=True)
class SnapshotOptions:
    """What goes into the snapshot. `legacy` is sent to 7.x old managers only (a DB-level snapshot,
    the format that carries everything across versions)."""

    include_credentials: bool = True
    include_logs: bool = True
    include_events: bool = True
    queue: bool = False
    legacy: bool = True
    #: maintenance mode on the old manager right after the snapshot, lifted at the end (stages/freeze.py)
    freeze_old: bool = False


@dataclass(frozen=True)
class RestoreOptions:
    """How to restore. Certificates are restored only when both managers share one IP (a reboot
    follows); `timeout` bounds the whole restore wait (seconds), generously."""

    maintenance_mode: bool = False
    restore_certificates: bool = False
    #: with restore_certificates: no `shutdown -r now` after the restore (the certificates take
    #: effect at the next reboot)
    no_reboot: bool = False
    timeout: float = 4 * 3600.0


@dataclass(frozen=True)
class AgentOptions:
    """install_new_agents settings. stop_old_agents is off by default: with auto-healing monitoring
    a stopped old agent can trigger heals — disable auto-healing first."""

    stop_old_agents: bool = False
    concurrency: int = 10
    timeout: int = 300
    tenants: tuple[str, ...] = ()
    manager_ip: str | None = None
    overall_timeout: float = 6 * 3600.0
    #: a wave whose share of failed deployments passes this stops the step (1: never stops)
    max_failure_rate: float = 0.5


@dataclass(frozen=True)
class Timing:
    """Polling rhythm (seconds) and the pace of requests to each manager (requests per second,
    0 = unpaced). The default pace keeps below a real manager's nginx limit (10 r/s per client);
    tests against the unlimited simulator turn it off."""

    poll_interval: float = 1.0
    progress_interval: float = 0.25
    pace: float = 9.0


class Mode(StrEnum):
    """What a run is for. MIGRATE: old -> new, both online. BACKUP: old -> an archive kept in a
    backup directory. RESTORE: an archive -> new, the old manager lost (then the new manager must
    answer on the old one's IP for the agents to reconnect)."""

    MIGRATE = "migrate"
    BACKUP = "backup"
    RESTORE = "restore"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class BackupOptions:
    """Where `cfy-migrate backup` keeps its archives and manifests, and how many it keeps."""

    directory: Path | None = None
    keep: int | None = None


@dataclass(frozen=True)
class MigrationConfig:
    """Everything a Migration needs, resolved and validated (passwords included, in memory only).

    `old` is always the manager the data comes from; in RESTORE mode it is the lost manager as its
    archive describes it (its IP, its admin), never contacted. `new` is None in BACKUP mode only:
    use `new_manager` where a new manager is required."""

    old: ManagerConfig
    new: ManagerConfig | None
    state_dir: Path = field(default_factory=default_state_dir)
    mode: Mode = Mode.MIGRATE
    #: an archive the user already has (RESTORE, or MIGRATE without a new snapshot)
    archive: Path | None = None
    #: write a repaired copy of a community legacy archive for a 7.x restore (opt-in)
    repair_community_archive: bool = False
    backup: BackupOptions = field(default_factory=BackupOptions)
    snapshot: SnapshotOptions = field(default_factory=SnapshotOptions)
    restore: RestoreOptions = field(default_factory=RestoreOptions)
    agents: AgentOptions = field(default_factory=AgentOptions)
    timing: Timing = field(default_factory=Timing)
    waivers: tuple[Waiver, ...] = ()
    migration_id: str | None = None
    fresh: bool = False

    @property
    def new_manager(self) -> ManagerConfig:
        """The new manager (every mode but BACKUP has one)."""
        if self.new is None:
            raise ConfigError("A backup has no new manager.", "Use `cfy-migrate run` to migrate.")
        return self.new

    @property
    def old_online(self) -> bool:
        """False when the old manager is lost (RESTORE): nothing may ask it anything."""
        return self.mode is not Mode.RESTORE

    @property
    def makes_snapshot(self) -> bool:
        """True when this run creates and downloads a snapshot (no --archive given)."""
        return self.archive is None and self.mode is not Mode.RESTORE

    def journal_key(self) -> tuple[str, str]:
        """The pair a journal (and the run lock) belongs to: old and new URLs for a migration,
        the old URL and the backup directory for a backup, the archive and the new URL for a
        restore (the lost manager's address is not what identifies it)."""
        if self.mode is Mode.BACKUP:
            return self.old.url, f"backup:{self.backup.directory or ''}"
        if self.mode is Mode.RESTORE:
            return f"archive:{self.archive}", self.new_manager.url
        return self.old.url, self.new_manager.url

    def to_json(self) -> dict[str, Any]:
        """A secret-free view for the journal and the report."""
        return {
            "mode": self.mode.value,
            "archive": str(self.archive) if self.archive else None,
            "repair_community_archive": self.repair_community_archive,
            "backup": {"directory": str(self.backup.directory or ""), "keep": self.backup.keep},
            "old": self.old.to_json(),
            "new": self.new.to_json() if self.new else None,
            "state_dir": str(self.state_dir),
            "snapshot": vars(self.snapshot).copy(),
            "restore": vars(self.restore).copy(),
            "agents": {**vars(self.agents), "tenants": list(self.agents.tenants)},
            "waivers": [w.to_json() for w in self.waivers],
        }


def _manager(
    label: str,
    settings: Mapping[str, Any],
    env: Mapping[str, str],
    *,
    need_password: bool,
    interactive: bool | None,
    prompt: Callable[[str], str] | None,
    given_password: str | None = None,
) -> ManagerConfig:
    profile_name = settings.get(f"{label}.profile")
    profile = read_profile(str(profile_name), env) if profile_name else None
    url = settings.get(f"{label}.url")
    protocol = settings.get(f"{label}.protocol")
    ca_cert_value = settings.get(f"{label}.ca_cert")
    ca_cert = Path(str(ca_cert_value)).expanduser() if ca_cert_value else None
    if ca_cert is None and profile is not None:
        ca_cert = profile.ca_cert
    insecure = bool(settings.get(f"{label}.insecure") or settings.get("insecure"))
    if not url and profile is not None:
        proto = protocol or profile.protocol or ("https" if profile.ca_cert else "http")
        port = f":{profile.port}" if profile.port else ""
        host = f"[{profile.host}]" if ":" in profile.host else profile.host
        url = f"{proto}://{host}{port}"
    if not url:
        raise ConfigError(
            f"The {label} manager is not given.",
            f"Pass --{label} URL (e.g. https://10.0.0.5) or --{label}-profile NAME (a cfy CLI profile).",
        )
    text = str(url)
    if "://" not in text and protocol:
        text = f"{protocol}://{text}"
    if ca_cert is not None and not ca_cert.is_file():
        raise ConfigError(
            f"The CA bundle {ca_cert} for the {label} manager does not exist.",
            f"Check the --{label}-ca-cert path.",
        )
    try:
        endpoint = Endpoint.parse(text, ca_cert=ca_cert, insecure=insecure)
    except EndpointError as exc:
        raise ConfigError(
            f"The {label} manager address is wrong: {exc}.",
            f"Fix --{label} (e.g. https://10.0.0.5 or 10.0.0.5:443).",
        ) from None
    user = str(settings.get(f"{label}.user") or (profile.username if profile else None) or "admin")
    tenant = str(settings.get(f"{label}.tenant") or (profile.tenant if profile else None) or DEFAULT_TENANT)
    password = given_password or ""
    if need_password and not password:
        pw_file = settings.get(f"{label}.password_file")
        password = resolve_password(
            label,
            password_file=Path(str(pw_file)).expanduser() if pw_file else None,
            env=env,
            profile_password=profile.password if profile else None,
            who=user,
            interactive=interactive,
            prompt=prompt,
        )
    credentials = Credentials(user, password, tenant)
    return ManagerConfig(label, endpoint, credentials, profile.name if profile else None)


def load_config(
    args: argparse.Namespace | None = None,
    env: Mapping[str, str] | None = None,
    *,
    need_passwords: bool = True,
    interactive: bool | None = None,
    prompt: Callable[[str], str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    passwords: Mapping[str, str] | None = None,
    config_file: Path | None = None,
    mode: Mode | None = None,
) -> MigrationConfig:
    """Build a MigrationConfig from `--config FILE` (or $CFY_MIGRATE_CONFIG), the environment,
    the flags in `args` and `overrides` (the wizard's forms, as flat setting keys), with
    `passwords` given directly by label (the wizard's password fields: no fake environment).
    Raises ConfigError with a remediation for anything unusable. One pipeline for the CLI and
    the TUI."""
    env = os.environ if env is None else env
    cfg_path = config_file or getattr(args, "config", None) or env.get("CFY_MIGRATE_CONFIG")
    s = layered_settings(args, env, Path(cfg_path).expanduser() if cfg_path else None, overrides)
    given = passwords or {}
    from wizard.migration.config_archive import given_archive, lost_manager_admin, lost_manager_url

    mode = Mode(str(getattr(args, "mode", None) or mode or Mode.MIGRATE))
    archive = given_archive(s, mode)
    if mode is Mode.RESTORE and archive is not None and not s.get("old.url"):
        s["old.url"] = lost_manager_url(archive)
        s.setdefault("old.user", lost_manager_admin(archive))
    old, new = (
        _manager(
            label,
            s,
            env,
            need_password=need_passwords,
            interactive=interactive,
            prompt=prompt,
            given_password=given.get(label),
        )
        if label == "old" or mode is not Mode.BACKUP
        else None
        for label in ("old", "new")
    )
    assert old is not None
    try:
        waivers = tuple(Waiver.parse(w) for w in s.get("waive", []))
    except ValueError as exc:
        raise ConfigError(str(exc), "Name a check id as `cfy-migrate check` shows it.") from None
    concurrency = int(s.get("agents.concurrency", 10))
    if not 1 <= concurrency <= 200:
        raise ConfigError(
            f"--agent-concurrency {concurrency} is out of range.", "Use a number from 1 to 200 (default 10)."
        )
    for key, flag in (
        ("agents.timeout", "--agent-timeout"),
        ("restore.timeout", "CFY_MIGRATE_RESTORE_TIMEOUT / restore.timeout"),
        ("timing.poll_interval", "--poll-interval"),
    ):
        if key in s and not float(s[key]) > 0:
            raise ConfigError(f"{flag} must be a positive number of seconds, not {s[key]}.", f"Fix {flag}.")
    max_failure_rate = float(s.get("agents.max_failure_rate", AgentOptions.max_failure_rate))
    if not 0 <= max_failure_rate <= 1:
        raise ConfigError(
            f"--agent-max-failure-rate {max_failure_rate} is not between 0 and 1.",
            "Give the share of a wave that may fail before the agents step stops and asks, e.g. 0.5 "
            "(1: never stop).",
        )
    manager_ip = str(s["agents.manager_ip"]).strip() if s.get("agents.manager_ip") else None
    if manager_ip is not None:
        import ipaddress

        try:
            ipaddress.ip_address(manager_ip)
        except ValueError:
            raise ConfigError(
                f"--agent-manager-ip {manager_ip!r} is not an IP address.",
                "Give the new manager's IP as the agents should reach it, e.g. --agent-manager-ip 10.0.0.6.",
            ) from None
    tenants = tuple(s.get("agents.tenants", ()))
    no_reboot = bool(s.get("restore.no_reboot", False))
    if no_reboot and not s.get("restore.restore_certificates"):
        raise ConfigError(
            "--no-reboot only applies to --restore-certificates (the manager reboots only then).",
            "Drop --no-reboot, or add --restore-certificates.",
        )
    defaults = SnapshotOptions()
    state_dir = Path(str(s["state_dir"])).expanduser() if s.get("state_dir") else default_state_dir()
    keep = s.get("backup.keep")
    if keep is not None and int(keep) < 1:
        raise ConfigError(
            f"--keep {keep} must be 1 or more.", "Give how many backups to keep, e.g. --keep 7."
        )
    backup_dir = s.get("backup.dir")
    return MigrationConfig(
        old=old,
        new=new,
        state_dir=state_dir,
        mode=mode,
        archive=archive,
        repair_community_archive=bool(s.get("repair_community_archive", False)),
        backup=BackupOptions(
            directory=Path(str(backup_dir)).expanduser().resolve()
            if backup_dir
            else (state_dir / "backups" if mode is Mode.BACKUP else None),
            keep=int(keep) if keep is not None else None,
        ),
        snapshot=SnapshotOptions(
            include_credentials=bool(s.get("snapshot.include_credentials", defaults.include_credentials)),
            include_logs=bool(s.get("snapshot.include_logs", defaults.include_logs)),
            include_events=bool(s.get("snapshot.include_events", defaults.include_events)),
            queue=bool(s.get("snapshot.queue", defaults.queue)),
            legacy=bool(s.get("snapshot.legacy", defaults.legacy)),
            freeze_old=bool(s.get("snapshot.freeze_old", defaults.freeze_old)),
        ),
        restore=RestoreOptions(
            maintenance_mode=bool(s.get("restore.maintenance_mode", False)),
            restore_certificates=bool(s.get("restore.restore_certificates", False)),
            no_reboot=no_reboot,
            timeout=float(s.get("restore.timeout", RestoreOptions.timeout)),
        ),
        agents=AgentOptions(
            stop_old_agents=bool(s.get("agents.stop_old_agents", False)),
            concurrency=concurrency,
            timeout=int(s.get("agents.timeout", 300)),
            tenants=tenants,
            manager_ip=manager_ip,
            max_failure_rate=max_failure_rate,
        ),
        timing=Timing(
            poll_interval=float(s.get("timing.poll_interval", Timing.poll_interval)),
            pace=float(s.get("timing.pace", Timing.pace)),
        ),
        waivers=waivers,
        migration_id=getattr(args, "migration_id", None),
        fresh=bool(getattr(args, "fresh", False)),
    )
