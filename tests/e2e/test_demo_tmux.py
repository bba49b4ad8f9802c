"""End to end: the installed `cfy-migrate demo` in a real terminal (tmux), driven by keys to
the end of a complete migration, read back with capture-pane."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TMUX = shutil.which("tmux") or ("/usr/bin/tmux" if Path("/usr/bin/tmux").exists() else None)
BINARY = Path(sys.executable).with_name("cfy-migrate")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed: the e2e test needs a real terminal"),
    pytest.mark.skipif(not BINARY.exists(), reason=f"the cfy-migrate console script is missing at {BINARY}"),
]


class Terminal:
    """A detached tmux session of `width`x`height` running one command."""

    def __init__(self, command: list[str], width: int = 120, height: int = 40) -> None:
        assert TMUX is not None
        self.tmux = TMUX
        self.name = f"cfy-migrate-e2e-{uuid.uuid4().hex[:8]}"
        self.socket = self.name  # a private tmux server: no other session's size or options leak in
        subprocess.run(
            [
                self.tmux,
                "-L",
                self.socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(width),
                "-y",
                str(height),
                "-e",
                "TERM=xterm-256color",
                # COLUMNS/LINES from the test runner would override the pane's real size
                "env",
                "-u",
                "COLUMNS",
                "-u",
                "LINES",
                *command,
            ],
            check=True,
        )
        # a detached session may take the server's default size: pin it
        subprocess.run(
            [self.tmux, "-L", self.socket, "set-option", "-t", self.name, "window-size", "manual"],
            capture_output=True,
            check=False,
        )
        subprocess.run(
            [
                self.tmux,
                "-L",
                self.socket,
                "resize-window",
                "-t",
                self.name,
                "-x",
                str(width),
                "-y",
                str(height),
            ],
            capture_output=True,
            check=False,
        )

    def screen(self) -> str:
        """The visible text."""
        result = subprocess.run(
            [self.tmux, "-L", self.socket, "capture-pane", "-p", "-t", self.name],
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout

    def keys(self, *keys: str) -> None:
        """Type keys (tmux key names, e.g. Enter, C-q)."""
        subprocess.run([self.tmux, "-L", self.socket, "send-keys", "-t", self.name, *keys], check=True)

    def literal(self, text: str) -> None:
        """Type text literally."""
        subprocess.run([self.tmux, "-L", self.socket, "send-keys", "-t", self.name, "-l", text], check=True)

    def wait_for(self, *texts: str, timeout: float = 60.0) -> str:
        """Poll the screen until every text is on it; fail with the screen otherwise."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            assert "Traceback" not in screen, screen
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {texts!r}; the screen was:\n{screen}")

    def alive(self) -> bool:
        """True while the session exists."""
        return (
            subprocess.run(
                [self.tmux, "-L", self.socket, "has-session", "-t", self.name],
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )

    def kill(self) -> None:
        """Kill the session (always, in a finally)."""
        subprocess.run([self.tmux, "-L", self.socket, "kill-server"], capture_output=True, check=False)


@pytest.mark.parametrize(
    "width, height, next_key",
    [(120, 40, "Enter"), (80, 24, "C-n")],
    ids=["120x40-enter", "80x24-ctrl-n"],
)
def test_demo_runs_a_whole_migration_in_tmux(tmp_path: Path, width: int, height: int, next_key: str) -> None:
    """Through every page with one key per step (Enter on the focused main button at 120x40,
    Ctrl+N at 80x24), type the host name at the restore, finish, quit; the terminal keeps where the
    report and the log are."""
    state = tmp_path / "state"
    # the shell keeps the pane after the wizard exits, so what it prints on exit can be read
    term = Terminal(
        [
            "sh",
            "-c",
            f"'{BINARY}' demo --time-scale 0.05 --state-dir '{state}'; echo WIZARD-EXITED; sleep 60",
        ],
        width,
        height,
    )
    wide = width >= 100

    def next_page(*texts: str, timeout: float = 60.0) -> str:
        screen = term.wait_for(*texts, timeout=timeout)
        time.sleep(0.5)  # the focus moves to the main button after the first refresh
        term.keys(next_key)
        return screen

    try:
        screen = next_page("Connect to both managers", "Next: run the preflight", timeout=30)
        assert "old-admin-pw" not in screen and "new-admin-pw" not in screen
        next_page("PASSED", "Next: snapshot")
        next_page("Create snapshot")
        # the job stops on the Download page: the archive's path and sha256 are there to read
        screen = next_page("Next: check the new manager", "sha256", timeout=120)
        next_page("Is the new manager ready", "Next: restore", "TOTAL", timeout=60)
        next_page("Upload and restore", timeout=30)
        term.wait_for("To confirm, type", timeout=120)
        term.literal("new-manager")
        time.sleep(0.3)
        term.keys("Enter")
        next_page("Next: agents", *(("Everything the old manager had",) if wide else ()), timeout=180)
        next_page("Install new agents", timeout=30)
        next_page("Next: summary", "SUCCEEDED", timeout=180)
        screen = term.wait_for("Migration complete", timeout=60)
        if wide:
            assert "report.md" in screen
        term.keys("C-q")
        # on exit the terminal keeps where the report and the log are
        farewell = term.wait_for("WIZARD-EXITED", timeout=20)
        assert "report.md" in farewell and "migrate.log" in farewell and "(exit 0)" in farewell, farewell
        assert list(state.rglob("report.md"))
    finally:
        term.kill()
