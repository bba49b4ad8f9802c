"""Layered settings: a TOML file < the environment < the flags < the wizard's forms.

Flat keys ("old.url", "agents.concurrency", …), each with its environment variable and flag;
values are coerced and checked here, so `run`, `check` and the wizard read the same settings
the same way. Passwords are never settings (see passwords.py).
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wizard.migration.errors import ConfigError

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
    "snapshot.freeze_old": ("CFY_MIGRATE_FREEZE_OLD", "freeze_old"),
    "restore.maintenance_mode": ("CFY_MIGRATE_MAINTENANCE_MODE", "maintenance_mode"),
    "restore.restore_certificates": ("CFY_MIGRATE_RESTORE_CERTIFICATES", "restore_certificates"),
    "restore.no_reboot": ("CFY_MIGRATE_NO_REBOOT", "no_reboot"),
    "restore.timeout": ("CFY_MIGRATE_RESTORE_TIMEOUT", "restore_timeout"),
    "agents.stop_old_agents": ("CFY_MIGRATE_STOP_OLD_AGENTS", "stop_old_agents"),
    "agents.concurrency": ("CFY_MIGRATE_AGENT_CONCURRENCY", "agent_concurrency"),
    "agents.timeout": ("CFY_MIGRATE_AGENT_TIMEOUT", "agent_timeout"),
    "agents.tenants": ("CFY_MIGRATE_AGENT_TENANTS", "agent_tenants"),
    "agents.manager_ip": ("CFY_MIGRATE_AGENT_MANAGER_IP", "agent_manager_ip"),
    "agents.max_failure_rate": ("CFY_MIGRATE_AGENT_MAX_FAILURE_RATE", "agent_max_failure_rate"),
    "timing.poll_interval": ("CFY_MIGRATE_POLL_INTERVAL", "poll_interval"),
    "timing.pace": ("CFY_MIGRATE_PACE", "pace"),
    "waive": ("CFY_MIGRATE_WAIVE", "waive"),
    "archive": ("CFY_MIGRATE_ARCHIVE", "archive"),
    "repair_community_archive": ("CFY_MIGRATE_REPAIR_COMMUNITY_ARCHIVE", "repair_community_archive"),
    "backup.dir": ("CFY_MIGRATE_BACKUP_DIR", "backup_dir"),
    "backup.keep": ("CFY_MIGRATE_BACKUP_KEEP", "keep"),
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
    "snapshot.freeze_old",
    "restore.maintenance_mode",
    "restore.restore_certificates",
    "restore.no_reboot",
    "agents.stop_old_agents",
    "repair_community_archive",
}
INT_KEYS = {"agents.concurrency", "agents.timeout", "backup.keep"}
FLOAT_KEYS = {"restore.timeout", "timing.poll_interval", "timing.pace", "agents.max_failure_rate"}
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
