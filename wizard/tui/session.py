"""The wizard's session: the forms and choices the user made, fed into the engine's one config
pipeline (`load_config` with the form values as overrides and the passwords given directly),
and the Migration built from them. No Textual here, and no REST client: every request goes
through the engine.

A Migration is rebuilt when the user changes something (snapshot options, waivers) between
steps; its id is pinned after the first one, so the journal — and thus "nothing done twice" —
carries over. Changing the managers themselves starts over: a different pair is a different
migration.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from wizard.migration.config import ManagerConfig, MigrationConfig, Mode, SnapshotOptions, load_config
from wizard.migration.connection import LoginInfo, test_login
from wizard.migration.decider import Decider
from wizard.migration.errors import ConfigError
from wizard.migration.events import Event
from wizard.migration.findings import Finding, Waiver
from wizard.migration.runner import Migration, MigrationResult
from wizard.migration.steps import PlannedStep, StepId, StepOutcome
from wizard.tui.options import LaunchOptions, ManagerForm, UseForm
from wizard.tui.use import labels_of, lost_manager_problem, plan_of, use_overrides, use_problem


class MigrationLike(Protocol):
    """What the wizard uses of a Migration (tests may pass a scripted stand-in)."""

    migration_id: str
    #: the steps of this use of a snapshot, in order
    steps: tuple[StepId, ...]

    def preflight(self) -> list[Finding]: ...

    def plan(self) -> list[PlannedStep]: ...

    def run_step(self, step_id: StepId) -> StepOutcome: ...

    def run(self) -> MigrationResult: ...


MigrationFactory = Callable[..., MigrationLike]


def _overrides(label: str, form: ManagerForm) -> dict[str, Any]:
    return {
        f"{label}.url": form.url.strip() or None,
        f"{label}.user": form.user.strip() or None,
        f"{label}.tenant": form.tenant.strip() or None,
        f"{label}.ca_cert": form.ca_cert.strip() or None,
        f"{label}.insecure": True if form.insecure else None,
        f"{label}.profile": form.profile or None,
    }


def form_problem(label: str, form: ManagerForm) -> tuple[str, ConfigError] | None:
    """The first empty field of one manager's form (its name and the error in the wizard's own
    words, never the command line's), or None."""
    if not form.url.strip() and not form.profile:
        return "url", ConfigError(
            f"The {label} manager's address is empty.",
            "Type its URL in the Address field (e.g. https://10.0.0.5) or pick a cfy profile.",
        )
    if not form.password and not form.profile:
        return "password", ConfigError(
            f"No password for the {label} manager.", f"Type it in the {label} manager's Password field."
        )
    return None


def check_forms(
    forms: Mapping[str, ManagerForm], use: UseForm | None = None
) -> tuple[str, str, ConfigError] | None:
    """The first problem over the use's fields and the forms it needs: (form label, field,
    error), or None. A backup needs no new manager; a restore's lost manager no address."""
    use = use or UseForm()
    found = use_problem(use)
    if found is not None:
        return found
    for label in labels_of(use.mode):
        form = forms[label]
        problem = (
            lost_manager_problem(form)
            if use.mode is Mode.RESTORE and label == "old"
            else form_problem(label, form)
        )
        if problem is not None:
            return label, problem[0], problem[1]
    return None


def _use_form_overrides(use: UseForm, label: str, form: ManagerForm) -> dict[str, Any]:
    """One form's settings in this use: none for a backup's new manager; for a restore's lost
    manager only its admin user (its address is the one its archive names)."""
    if label not in labels_of(use.mode):
        return {}
    if use.mode is Mode.RESTORE and label == "old":
        return {"old.user": form.user.strip() or None}
    return _overrides(label, form)


def _check_form(label: str, form: ManagerForm) -> None:
    """Raise the form's first problem (see form_problem)."""
    problem = form_problem(label, form)
    if problem is not None:
        raise problem[1]


def manager_config(form: ManagerForm, label: str, environ: Mapping[str, str]) -> ManagerConfig:
    """One manager's config from its form, through the engine's pipeline."""
    _check_form(label, form)
    # load_config builds a pair: the one form stands for both sides, and one side is kept
    config = load_config(
        None,
        _env(environ),
        need_passwords=True,
        interactive=False,
        overrides={**_overrides("old", form), **_overrides("new", form)},
        passwords={"old": form.password, "new": form.password} if form.password else None,
    )
    return config.old if label == "old" else config.new_manager


def probe(form: ManagerForm, label: str, environ: Mapping[str, str]) -> LoginInfo:
    """Log in to one manager and read its version and our role (blocking: call from a worker)."""
    return test_login(manager_config(form, label, environ))


def _env(environ: Mapping[str, str]) -> dict[str, str]:
    """What the engine may read of the environment: where cfy profiles live, nothing else."""
    return {k: v for k, v in environ.items() if k in {"HOME", "CFY_MIGRATE_CFY_HOME"}}


class Session:
    """The user's choices so far and the Migration built from them."""

    def __init__(self, options: LaunchOptions, factory: MigrationFactory | None = None) -> None:
        self.options = options
        self.forms: dict[str, ManagerForm] = {"old": options.old, "new": options.new}
        #: the use of a snapshot and its fields (Connect page)
        self.use: UseForm = options.use
        self.snapshot = SnapshotOptions()
        self.waivers: dict[str, Waiver] = {w.id: w for w in options.waivers}
        self.migration_id: str | None = options.migration_id
        self.fresh = options.fresh
        self.cancel = threading.Event()
        self._factory: MigrationFactory = factory or Migration
        self._migration: MigrationLike | None = None
        self._built_from: MigrationConfig | None = None

    # -- secrets ---------------------------------------------------------------------------------
    def secrets(self) -> list[str]:
        """Every password the session knows (to scrub them from any text shown)."""
        known = [f.password for f in self.forms.values() if f.password]
        registry = getattr(self._migration, "secrets", None)
        if registry is not None:
            known += [s for s in registry.values() if s not in known]
        return known

    # -- config ----------------------------------------------------------------------------------
    def state_dir(self) -> Path:
        """Where journals, archives and reports go."""
        if self.options.state_dir is not None:
            return self.options.state_dir
        from wizard.migration.config import default_state_dir

        return default_state_dir()

    def plan(self) -> tuple[StepId, ...]:
        """The steps of the chosen use (before any Migration is built)."""
        return plan_of(self.use)

    def build_config(self) -> MigrationConfig:
        """A MigrationConfig from the use, the forms and the config file (raises ConfigError with
        the fix)."""
        problem = check_forms(self.forms, self.use)
        if problem is not None:
            raise problem[2]
        overrides: dict[str, Any] = {
            **self.options.settings,
            "state_dir": str(self.state_dir()),
            **use_overrides(self.use),
        }
        labels = labels_of(self.use.mode)
        for label, form in self.forms.items():
            overrides.update(_use_form_overrides(self.use, label, form))
        config = load_config(
            None,
            _env(self.options.environ),
            need_passwords=True,
            interactive=False,
            overrides=overrides,
            passwords={
                label: f.password for label, f in self.forms.items() if f.password and label in labels
            },
            config_file=self.options.config_file,
            mode=self.use.mode,
        )
        timing = config.timing
        if self.options.pace is not None:
            timing = dataclasses.replace(timing, pace=self.options.pace)
        if self.options.poll_interval is not None:
            timing = dataclasses.replace(
                timing,
                poll_interval=self.options.poll_interval,
                progress_interval=min(timing.progress_interval, 0.25),
            )
        return dataclasses.replace(
            config,
            snapshot=self.snapshot,
            waivers=tuple({**{w.id: w for w in config.waivers}, **self.waivers}.values()),
            timing=timing,
            migration_id=self.migration_id,
            fresh=self.fresh,
        )

    def migration(self, on_event: Callable[[Event], None], decider: Decider) -> MigrationLike:
        """The Migration for the current choices (rebuilt if they changed; blocking)."""
        config = self.build_config()
        if self._migration is None or config != self._built_from:
            self.close()
            self._migration = self._factory(config, on_event=on_event, decider=decider, cancel=self.cancel)
            self.migration_id = self._migration.migration_id
            self.fresh = False
            self._built_from = dataclasses.replace(config, migration_id=self.migration_id, fresh=False)
        return self._migration

    def forget(self, *, managers_changed: bool = False) -> None:
        """Drop the Migration (e.g. after the Connect page changed something). When the managers
        themselves changed, the pinned migration id goes too: it belongs to the other pair."""
        self.close()
        self._built_from = None
        if managers_changed:
            self.migration_id = None

    def close(self) -> None:
        """Close the current Migration (its HTTP sessions and its run lock)."""
        closing = getattr(self._migration, "close", None)
        self._migration = None
        if callable(closing):
            closing()

    def describe(self) -> dict[str, Any]:
        """A secret-free view for logs."""
        return {
            "mode": self.use.mode.value,
            "archive": self.use.archive,
            **{
                label: {"url": f.url, "user": f.user, "tenant": f.tenant, "profile": f.profile}
                for label, f in self.forms.items()
            },
        }
