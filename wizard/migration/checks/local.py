"""Local checks: free disk for the archive, a writable private state directory, and whether we
run inside tmux/screen (a dropped SSH session must not kill a restore half-way)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from wizard.migration.findings import Finding, Status
from wizard.migration.units import human_bytes

GIB = 1 << 30


def _existing_parent(path: Path) -> Path:
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def check_disk(state_dir: Path, snapshot_size: int | None) -> Finding:
    """local.disk: room for the archive (>= 2x its size when known)."""
    try:
        free = shutil.disk_usage(_existing_parent(state_dir)).free
    except OSError as exc:
        return Finding("local.disk", Status.ERROR, "Free disk space unknown", f"{state_dir}: {exc}")
    if snapshot_size:
        need = 2 * snapshot_size
        if free < need:
            return Finding(
                "local.disk",
                Status.FAIL,
                "Not enough local disk for the snapshot",
                f"{human_bytes(free)} free under {state_dir}; the snapshot is "
                f"{human_bytes(snapshot_size)} and needs {human_bytes(need)} (2x).",
                f"Free {human_bytes(need - free)} or use --state-dir on a larger disk.",
                data={"free": free, "need": need},
            )
        return Finding(
            "local.disk",
            Status.PASS,
            "Enough local disk for the snapshot",
            f"{human_bytes(free)} free, {human_bytes(need)} needed (2x the snapshot).",
            data={"free": free, "need": need},
        )
    if free < GIB:
        return Finding(
            "local.disk",
            Status.WARN,
            "Little local disk space",
            f"Only {human_bytes(free)} free under {state_dir}; the snapshot size is not known yet.",
            "Free space or use --state-dir on a larger disk.",
            data={"free": free},
        )
    return Finding(
        "local.disk",
        Status.PASS,
        "Local disk space",
        f"{human_bytes(free)} free under {state_dir} (the snapshot size is checked again once known).",
        data={"free": free},
    )


def check_state_dir(state_dir: Path) -> Finding:
    """local.state-dir: we can create and write our private directory."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=state_dir, prefix=".probe-"):
            pass
    except OSError as exc:
        return Finding(
            "local.state-dir",
            Status.FAIL,
            "The state directory is not writable",
            f"{state_dir}: {exc.strerror or exc}.",
            "Fix its permissions or choose another with --state-dir.",
        )
    mode = state_dir.stat().st_mode & 0o777
    if mode & 0o077:
        return Finding(
            "local.state-dir",
            Status.WARN,
            "The state directory is readable by others",
            f"{state_dir} has mode {mode:04o}; snapshots hold credentials.",
            f"chmod 700 {state_dir}",
        )
    return Finding("local.state-dir", Status.PASS, "State directory is private and writable", str(state_dir))


def check_terminal(env: Mapping[str, str] | None = None) -> Finding:
    """local.terminal: WARN outside tmux/screen (an SSH drop would stop the wizard)."""
    env = os.environ if env is None else env
    term = env.get("TERM", "")
    if env.get("TMUX") or env.get("STY") or term.startswith(("screen", "tmux")):
        return Finding(
            "local.terminal",
            Status.PASS,
            "Running inside tmux/screen",
            "A dropped SSH connection will not stop the migration.",
        )
    return Finding(
        "local.terminal",
        Status.WARN,
        "Not running inside tmux or screen",
        "If the SSH connection drops during the restore, the wizard stops with it (the journal "
        "lets you resume, but the wait is lost).",
        "Start `tmux new -s migrate` (or `screen`) and run the wizard inside it.",
    )
