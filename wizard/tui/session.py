"""The wizard's session: the forms and choices the user made, turned into the engine's
MigrationConfig and Migration; and the test-connection probe. No Textual here.

A Migration is rebuilt when the user changes something (snapshot options, waivers) between
steps; its id is pinned after the first one, so the journal — and thus "nothing done twice" —
carries over.
"""

from __future__ import annotations

import argparse
import dataclasses
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint, EndpointError
from wizard.migration.config import MigrationConfig, SnapshotOptions, Timing, load_config
from wizard.migration.decider import Decider
from wizard.migration.errors import ConfigError
from wizard.migration.events import Event
from wizard.migration.findings import Finding, Waiver
from wizard.migration.profiles import read_profile
from wizard.migration.runner import Migration, MigrationResult
from wizard.migration.steps import PlannedStep, StepId, StepOutcome
from wizard.tui.options import LaunchOptions, ManagerForm


class MigrationLike(Protocol):
    """What the wizard uses of a Migration (tests may pass a scripted stand-in)."""

    migration_id: str

    def preflight(self) -> list[Finding]: ...

    def plan(self) -> list[PlannedStep]: ...

    def run_step(self, step_id: StepId) -> StepOutcome: ...

    def run(self) -> MigrationResult: ...


MigrationFactory = Callable[..., MigrationLike]


@dataclass(frozen=True)
class ProbeResult:
    """What test-connection shows: version, edition, and who we are there."""

    url: str
    version: str
    edition: str
    username: str
    role: str
    is_admin: bool

    def summary(self) -> str:
        """One line for the Connect page."""
        admin = "" if self.is_admin else " — not an admin: the migration needs sys_admin"
        return f"Cloudify {self.version} ({self.edition}) · {self.username}, role {self.role}{admin}"


def _resolved(form: ManagerForm, label: str, environ: Mapping[str, str]) -> tuple[Endpoint, Credentials]:
    profile = read_profile(form.profile, environ) if form.profile else None
    url = form.url.strip()
    if not url and profile is not None:
        proto = profile.protocol or ("https" if profile.ca_cert else "http")
        port = f":{profile.port}" if profile.port else ""
        url = f"{proto}://{profile.host}{port}"
    if not url:
        raise ConfigError(
            f"The {label} manager's address is empty.",
            "Type its URL (e.g. https://10.0.0.5) or pick a cfy profile.",
        )
    ca = Path(form.ca_cert).expanduser() if form.ca_cert else (profile.ca_cert if profile else None)
    if ca is not None and not ca.is_file():
        raise ConfigError(
            f"The CA bundle {ca} for the {label} manager does not exist.",
            "Fix the CA bundle path or leave it empty to use the system trust store.",
        )
    try:
        endpoint = Endpoint.parse(url, ca_cert=ca, insecure=form.insecure)
    except EndpointError as exc:
        raise ConfigError(
            f"The {label} manager's address is wrong: {exc}.",
            "Write it like https://10.0.0.5 or 10.0.0.5:443.",
        ) from None
    password = form.password or (profile.password if profile and profile.password else "")
    if not password:
        raise ConfigError(f"No password for the {label} manager.", "Type it in the password field.")
    user = form.user or (profile.username if profile and profile.username else "admin")
    tenant = form.tenant or (profile.tenant if profile and profile.tenant else "default_tenant")
    return endpoint, Credentials(user, password, tenant)


def probe(form: ManagerForm, label: str, environ: Mapping[str, str]) -> ProbeResult:
    """Log in to one manager and read its version and our role (blocking: call from a worker)."""
    endpoint, credentials = _resolved(form, label, environ)
    with ManagerClient(endpoint, credentials, timeout=(5.0, 20.0), retries=1) as client:
        version = client.version()
        user = client.current_user()
    return ProbeResult(
        endpoint.base_url, version.version, version.edition, user.username, user.role, user.is_admin
    )


class Session:
    """The user's choices so far and the Migration built from them."""

    def __init__(self, options: LaunchOptions, factory: MigrationFactory | None = None) -> None:
        self.options = options
        self.forms: dict[str, ManagerForm] = {"old": options.old, "new": options.new}
        self.snapshot = SnapshotOptions()
        self.waivers: dict[str, Waiver] = {}
        self.migration_id: str | None = None
        self.fresh = False
        self.cancel = threading.Event()
        self._factory: MigrationFactory = factory or Migration
        self._migration: MigrationLike | None = None
        self._built_from: MigrationConfig | None = None

    # -- secrets ---------------------------------------------------------------------------------
    def secrets(self) -> list[str]:
        """Every password the session knows (to scrub them from any text shown)."""
        return [f.password for f in self.forms.values() if f.password]

    # -- config ----------------------------------------------------------------------------------
    def state_dir(self) -> Path:
        """Where journals, archives and reports go."""
        if self.options.state_dir is not None:
            return self.options.state_dir
        from wizard.migration.config import default_state_dir

        return default_state_dir()

    def build_config(self) -> MigrationConfig:
        """A MigrationConfig from the forms (raises ConfigError with the fix)."""
        args = argparse.Namespace()
        env: dict[str, str] = {
            k: v for k, v in self.options.environ.items() if k in {"HOME", "CFY_MIGRATE_CFY_HOME"}
        }
        for label, form in self.forms.items():
            setattr(args, label, form.url.strip() or None)
            setattr(args, f"{label}_user", form.user.strip() or None)
            setattr(args, f"{label}_tenant", form.tenant.strip() or None)
            setattr(args, f"{label}_ca_cert", form.ca_cert.strip() or None)
            setattr(args, f"{label}_insecure", True if form.insecure else None)
            setattr(args, f"{label}_profile", form.profile or None)
            if form.password:
                env[f"CFY_MIGRATE_{label.upper()}_PASSWORD"] = form.password
        args.state_dir = str(self.state_dir())
        args.migration_id = self.migration_id
        args.fresh = self.fresh
        config = load_config(args, env, need_passwords=True, interactive=False)
        timing = config.timing
        if self.options.poll_interval is not None:
            timing = Timing(
                poll_interval=self.options.poll_interval,
                progress_interval=min(timing.progress_interval, 0.25),
            )
        return dataclasses.replace(
            config,
            snapshot=self.snapshot,
            waivers=tuple(self.waivers.values()),
            timing=timing,
        )

    def migration(self, on_event: Callable[[Event], None], decider: Decider) -> MigrationLike:
        """The Migration for the current choices (rebuilt if they changed; blocking)."""
        config = self.build_config()
        if self._migration is None or config != self._built_from:
            self._migration = self._factory(config, on_event=on_event, decider=decider, cancel=self.cancel)
            self.migration_id = self._migration.migration_id
            self.fresh = False
            self._built_from = dataclasses.replace(config, migration_id=self.migration_id, fresh=False)
        return self._migration

    def forget(self) -> None:
        """Drop the Migration (e.g. after the Connect page changed the managers)."""
        self._migration = None
        self._built_from = None

    def describe(self) -> dict[str, Any]:
        """A secret-free view for logs."""
        return {
            label: {"url": f.url, "user": f.user, "tenant": f.tenant, "profile": f.profile}
            for label, f in self.forms.items()
        }
