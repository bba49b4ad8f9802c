"""What the wizard starts with: the two managers' form values, the state directory, and the
knobs tests and the demo turn. No Textual here, so the CLI can build it cheaply."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.cloudify.endpoint import DEFAULT_TENANT
from wizard.migration.config import Mode
from wizard.migration.findings import Waiver


@dataclass
class ManagerForm:
    """The fields of one manager on the Connect page (what the user typed or picked).

    `password` lives in memory only; it is never logged, journaled or drawn unmasked.
    """

    url: str = ""
    user: str = "admin"
    password: str = field(default="", repr=False)
    tenant: str = DEFAULT_TENANT
    ca_cert: str = ""
    insecure: bool = False
    profile: str = ""


@dataclass
class UseForm:
    """The use of a snapshot chosen on the Connect page and its own fields: an archive one already
    has (migrate: optional; restore: required), the community-archive repair, and where a backup
    goes and how many are kept. Strings as typed; checked in use.py."""

    mode: Mode = Mode.MIGRATE
    archive: str = ""
    repair_community_archive: bool = False
    backup_dir: str = ""
    keep: str = ""


@dataclass
class LaunchOptions:
    """Everything the app needs before it opens.

    `environ` is the environment the app reads (HOME for cfy profiles, TMUX/STY for the
    multiplexer advisory); tests pass a fixed one. `poll_interval` shortens the engine's polling
    (the demo and tests use a fast simulator). `display_urls` replaces URLs on screen (snapshots
    need stable text while the simulator's ports vary).
    """

    old: ManagerForm = field(default_factory=ManagerForm)
    new: ManagerForm = field(default_factory=ManagerForm)
    #: the use of a snapshot to start in (`--mode`, `--archive`, `--backup-dir`, …)
    use: UseForm = field(default_factory=UseForm)
    state_dir: Path | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    poll_interval: float | None = None
    offer_resume: bool = True
    check_multiplexer: bool = True
    demo: bool = False
    display_urls: Mapping[str, str] = field(default_factory=dict)
    #: a TOML config file (`cfy-migrate --config FILE`): the same settings as `run` reads
    config_file: Path | None = None
    #: requests per second to each manager (None: the engine's default; 0: unpaced, for tests)
    pace: float | None = None
    #: settings the wizard has no field for (agents.*, restore.*), as `run`'s flags give them
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: checks waived from the start (`--waive ID=REASON`)
    waivers: tuple[Waiver, ...] = ()
    #: start a new migration (`--fresh`): no offer to resume
    fresh: bool = False
    #: resume this migration (`--migration-id`)
    migration_id: str | None = None

    def show(self, text: str) -> str:
        """`text` with every URL in display_urls replaced (for stable screenshots)."""
        for real, shown in self.display_urls.items():
            text = text.replace(real, shown)
        return text


def in_multiplexer(environ: Mapping[str, str]) -> bool:
    """True inside tmux or GNU screen, where a dropped SSH session does not kill the wizard."""
    if environ.get("TMUX") or environ.get("STY"):
        return True
    term = environ.get("TERM", "")
    return term.startswith(("screen", "tmux"))
