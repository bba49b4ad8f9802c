"""The migration's configuration: two managers, snapshot/restore/agent options, state directory,
waivers and timings — from a TOML file, the environment and flags (in that order of precedence).

Passwords are resolved here (see passwords.py) but never serialised: `to_json()` omits them.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.cloudify.endpoint import DEFAULT_TENANT, Credentials, Endpoint, EndpointError
from wizard.migration.errors import ConfigError
from wizard.migration.findings import Waiver
from wizard.migration.passwords import resolve_password
from wizard.migration.profiles import read_profile

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


@dataclass(frozen=True)
class RestoreOptions:
    """How to restore. Certificates are restored only when both managers share one IP (a reboot
    follows); `timeout` bounds the whole restore wait (seconds), generously."""

    maintenance_mode: bool = False
    restore_certificates: bool = False
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


@dataclass(frozen=True)
class Timing:
    """Polling rhythm (seconds); tests shorten it."""

    poll_interval: float = 1.0
    progress_interval: float = 0.25


@dataclass(frozen=True)
class MigrationConfig:
    """Everything a Migration needs, resolved and validated (passwords included, in memory only)."""

    old: ManagerConfig
    new: ManagerConfig
    state_dir: Path = field(default_factory=default_state_dir)
    snapshot: SnapshotOptions = field(default_factory=SnapshotOptions)
    restore: RestoreOptions = field(default_factory=RestoreOptions)
    agents: AgentOptions = field(default_factory=AgentOptions)
    timing: Timing = field(default_factory=Timing)
    waivers: tuple[Waiver, ...] = ()
    migration_id: str | None = None
    fresh: bool = False

    def to_json(self) -> dict[str, Any]:
        """A secret-free view for the journal and the report."""
        return {
            "old": self.old.to_json(),
            "new": self.new.to_json(),
            "state_dir": str(self.state_dir),
            "snapshot": vars(self.snapshot).copy(),
            "restore": vars(self.restore).copy(),
            "agents": {**vars(self.agents), "tenants": list(self.agents.tenants)},
            "waivers": [w.to_json() for w in self.waivers],
        }


# ---------------------------------------------------------------------------------------------
# Layered settings: TOML < environment < flags.

#: flat setting key -> (environment variable, argparse attribute)
SETTINGS: dict[str, tuple[str, str]] = {
    "old.url": ("CFY_MIGRATE_OLD_URL", "old"),
    "new.url": ("CFY_MIGRATE_NEW_URL", "new"),
    "old.protocol": ("CFY_MIGRATE_OLD_PROTOCOL", "old_protocol"),
    "new.protocol": ("CFY_MIGRATE_NEW_PROTOCOL", "new_protocol"),
    "old.user": ("CFY_MIGRATE_OLD_USER", "old_user"),
    "new.user": ("CFY_MIGRATE_NEW_USER", "new_user"),
    "old.tenant": ("CFY_MIGRATE_OLD_TENANT", "old_tenant"),
    "new.tenant": ("CFY_MIGRATE_NEW_TENANT", "new_tenant"),
    "old.ca_cert": ("CFY_MIGRATE_OLD_CA_CERT", "old_ca_cert"),
    "new.ca_cert": ("CFY_MIGRATE_NEW_CA_CERT", "new_ca_cert"),
    "old.insecure": ("CFY_MIGRATE_OLD_INSECURE", "old_insecure"),
    "new.insecure": ("CFY_MIGRATE_NEW_INSECURE", "new_insecure"),
    "insecure": ("CFY_MIGRATE_INSECURE", "insecure"),
    "old.profile": ("CFY_MIGRATE_OLD_PROFILE", "old_profile"),
    "new.profile": ("CFY_MIGRATE_NEW_PROFILE", "new_profile"),
    "old.password_file": ("CFY_MIGRATE_OLD_PASSWORD_FILE", "old_password_file"),
    "new.password_file": ("CFY_MIGRATE_NEW_PASSWORD_FILE", "new_password_file"),
    "state_dir": ("CFY_MIGRATE_STATE_DIR", "state_dir"),
    "snapshot.include_credentials": ("CFY_MIGRATE_INCLUDE_CREDENTIALS", "include_credentials"),
    "snapshot.include_logs": ("CFY_MIGRATE_INCLUDE_LOGS", "include_logs"),
    "snapshot.include_events": ("CFY_MIGRATE_INCLUDE_EVENTS", "include_events"),
    "snapshot.queue": ("CFY_MIGRATE_SNAPSHOT_QUEUE", "queue"),
    "snapshot.legacy": ("CFY_MIGRATE_SNAPSHOT_LEGACY", "legacy"),
    "restore.maintenance_mode": ("CFY_MIGRATE_MAINTENANCE_MODE", "maintenance_mode"),
    "restore.restore_certificates": ("CFY_MIGRATE_RESTORE_CERTIFICATES", "restore_certificates"),
    "restore.timeout": ("CFY_MIGRATE_RESTORE_TIMEOUT", "restore_timeout"),
    "agents.stop_old_agents": ("CFY_MIGRATE_STOP_OLD_AGENTS", "stop_old_agents"),
    "agents.concurrency": ("CFY_MIGRATE_AGENT_CONCURRENCY", "agent_concurrency"),
    "agents.timeout": ("CFY_MIGRATE_AGENT_TIMEOUT", "agent_timeout"),
    "agents.tenants": ("CFY_MIGRATE_AGENT_TENANTS", "agent_tenants"),
    "agents.manager_ip": ("CFY_MIGRATE_AGENT_MANAGER_IP", "agent_manager_ip"),
    "timing.poll_interval": ("CFY_MIGRATE_POLL_INTERVAL", "poll_interval"),
    "waive": ("CFY_MIGRATE_WAIVE", "waive"),
}

BOOL_KEYS = {
    "old.insecure",
    "new.insecure",
    "insecure",
    "snapshot.include_credentials",
    "snapshot.include_logs",
    "snapshot.include_events",
    "snapshot.queue",
    "snapshot.legacy",
    "restore.maintenance_mode",
    "restore.restore_certificates",
    "agents.stop_old_agents",
}
INT_KEYS = {"agents.concurrency", "agents.timeout"}
FLOAT_KEYS = {"restore.timeout", "timing.poll_interval"}
LIST_KEYS = {"agents.tenants", "waive"}


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def read_toml(path: Path) -> dict[str, Any]:
    """Read a config file into flat keys; unknown keys and password keys are clear errors."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"The config file {path} does not exist.", "Check the --config path.") from None
    except OSError as exc:
        raise ConfigError(
            f"The config file {path} cannot be read: {exc.strerror}.", "Check its permissions."
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"The config file {path} is not valid TOML: {exc}.",
            "Fix the syntax (see the README for an example).",
        ) from None
    flat = _flatten(data)
    for key in flat:
        if key.rsplit(".", 1)[-1] == "password":
            raise ConfigError(
                f"The config file {path} contains a password ({key}); passwords are never read from it.",
                "Remove it and use password_file, the CFY_MIGRATE_*_PASSWORD variables or the prompt.",
            )
        if key not in SETTINGS:
            known = ", ".join(sorted(SETTINGS))
            raise ConfigError(f"Unknown setting {key!r} in {path}.", f"Known settings: {known}.")
    return flat


def _coerce(key: str, value: Any, source: str) -> Any:
    try:
        if key in BOOL_KEYS:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(value)
        if key in INT_KEYS:
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if key in FLOAT_KEYS:
            return float(value)
        if key in LIST_KEYS:
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            return [str(v) for v in value]
    except (TypeError, ValueError):
        raise ConfigError(
            f"Bad value {value!r} for {key} (from {source}).",
            "Use true/false for switches and numbers for counts and timeouts.",
        ) from None
    return value


def layered_settings(
    args: argparse.Namespace | None,
    env: Mapping[str, str],
    config_file: Path | None,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Merge the config file, then the environment, then the flags, then `overrides` (flat
    setting keys, e.g. what the wizard's forms say) — later wins; waivers add up."""
    merged: dict[str, Any] = {}
    waivers: list[str] = []
    if config_file is not None:
        for key, value in read_toml(config_file).items():
            value = _coerce(key, value, str(config_file))
            if key == "waive":
                waivers.extend(value)
            else:
                merged[key] = value
    for key, (var, _attr) in SETTINGS.items():
        if var in env and env[var] != "":
            value = _coerce(key, env[var], f"${var}")
            if key == "waive":
                waivers.extend(value)
            else:
                merged[key] = value
    if args is not None:
        for key, (_var, attr) in SETTINGS.items():
            value = getattr(args, attr, None)
            if value is None:  # flags default to None: absent means "not given"
                continue
            if isinstance(value, list) and not value:
                continue
            value = _coerce(key, value, f"--{attr.replace('_', '-')}")
            if key == "waive":
                waivers.extend(value)
            else:
                merged[key] = value
    for key, value in (overrides or {}).items():
        if key not in SETTINGS:
            raise ConfigError(f"Unknown setting {key!r}.", f"Known settings: {', '.join(sorted(SETTINGS))}.")
        if value is None or value == "":
            continue
        value = _coerce(key, value, "the wizard")
        if key == "waive":
            waivers.extend(value)
        else:
            merged[key] = value
    merged["waive"] = waivers
    return merged


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
    old = _manager(
        "old",
        s,
        env,
        need_password=need_passwords,
        interactive=interactive,
        prompt=prompt,
        given_password=given.get("old"),
    )
    new = _manager(
        "new",
        s,
        env,
        need_password=need_passwords,
        interactive=interactive,
        prompt=prompt,
        given_password=given.get("new"),
    )
    try:
        waivers = tuple(Waiver.parse(w) for w in s.get("waive", []))
    except ValueError as exc:
        raise ConfigError(str(exc), "Name the check id shown by `cfy-migrate check`.") from None
    concurrency = int(s.get("agents.concurrency", 10))
    if not 1 <= concurrency <= 200:
        raise ConfigError(f"Agent concurrency {concurrency} is out of range.", "Use a number from 1 to 200.")
    tenants = tuple(s.get("agents.tenants", ()))
    defaults = SnapshotOptions()
    state_dir = Path(str(s["state_dir"])).expanduser() if s.get("state_dir") else default_state_dir()
    return MigrationConfig(
        old=old,
        new=new,
        state_dir=state_dir,
        snapshot=SnapshotOptions(
            include_credentials=bool(s.get("snapshot.include_credentials", defaults.include_credentials)),
            include_logs=bool(s.get("snapshot.include_logs", defaults.include_logs)),
            include_events=bool(s.get("snapshot.include_events", defaults.include_events)),
            queue=bool(s.get("snapshot.queue", defaults.queue)),
            legacy=bool(s.get("snapshot.legacy", defaults.legacy)),
        ),
        restore=RestoreOptions(
            maintenance_mode=bool(s.get("restore.maintenance_mode", False)),
            restore_certificates=bool(s.get("restore.restore_certificates", False)),
            timeout=float(s.get("restore.timeout", RestoreOptions.timeout)),
        ),
        agents=AgentOptions(
            stop_old_agents=bool(s.get("agents.stop_old_agents", False)),
            concurrency=concurrency,
            timeout=int(s.get("agents.timeout", 300)),
            tenants=tenants,
            manager_ip=str(s["agents.manager_ip"]) if s.get("agents.manager_ip") else None,
        ),
        timing=Timing(poll_interval=float(s.get("timing.poll_interval", Timing.poll_interval))),
        waivers=waivers,
        migration_id=getattr(args, "migration_id", None),
        fresh=bool(getattr(args, "fresh", False)),
    )
