"""Read an existing `cfy` CLI profile (`~/.cloudify/profiles/<NAME>/context.json`), so the user can
name a manager they already use instead of typing its address and credentials again."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from wizard.migration.errors import ConfigError

#: environment override of the `.cloudify` directory (the one that holds `profiles/`), for tests
CFY_HOME_ENV = "CFY_MIGRATE_CFY_HOME"
RECREATE = "Recreate it with `cfy profiles use`."


@dataclass(frozen=True)
class CfyProfile:
    """What a cfy profile says about one manager. The password is plain text in the profile."""

    name: str
    host: str
    port: int | None
    protocol: str | None
    username: str | None
    password: str | None = field(repr=False)
    tenant: str | None
    ca_cert: Path | None
    path: Path


def cfy_home(env: Mapping[str, str] | None = None) -> Path:
    """The `.cloudify` directory: $CFY_MIGRATE_CFY_HOME, else $HOME/.cloudify."""
    env = os.environ if env is None else env
    override = env.get(CFY_HOME_ENV)
    if override:
        return Path(override).expanduser()
    home = env.get("HOME")
    return (Path(home) if home else Path.home()) / ".cloudify"


def list_profiles(env: Mapping[str, str] | None = None) -> list[str]:
    """Names of the profiles that have a context.json (for a picker)."""
    root = cfy_home(env) / "profiles"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "context.json").is_file())


def read_profile(name: str, env: Mapping[str, str] | None = None) -> CfyProfile:
    """Load profile `name`; a missing or unreadable profile is a ConfigError naming the file."""
    if not name or "/" in name or name.startswith("."):
        raise ConfigError(f"{name!r} is not a cfy profile name.", "Use a name from `cfy profiles list`.")
    path = cfy_home(env) / "profiles" / name / "context.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        available = ", ".join(list_profiles(env)) or "none"
        raise ConfigError(
            f"There is no cfy profile {name!r} ({path} does not exist; profiles found: {available}).",
            "Give the manager's URL with --old/--new instead, or create the profile with `cfy profiles use`.",
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"The cfy profile {path} cannot be read: {exc}.",
            "Fix or recreate the profile, or give the manager's URL with --old/--new instead.",
        ) from None
    if not isinstance(raw, dict):
        raise ConfigError(f"The cfy profile {path} is not a JSON object.", RECREATE)
    host = str(raw.get("manager_ip") or "").strip()
    if not host:
        raise ConfigError(f"The cfy profile {path} has no manager_ip.", RECREATE)

    def opt(key: str) -> str | None:
        value = raw.get(key)
        return None if value in (None, "") else str(value)

    port_text = opt("rest_port")
    try:
        port = int(port_text) if port_text else None
    except ValueError:
        raise ConfigError(
            f"The cfy profile {path} has a bad rest_port {port_text!r}.", "Fix it or give the URL instead."
        ) from None
    cert = opt("rest_certificate")
    return CfyProfile(
        name=name,
        host=host,
        port=port,
        protocol=opt("rest_protocol"),
        username=opt("manager_username"),
        password=opt("manager_password"),
        tenant=opt("manager_tenant"),
        ca_cert=Path(cert).expanduser() if cert else None,
        path=path,
    )
