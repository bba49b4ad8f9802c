"""Headless output: plurals, step names on every line, transfers with speed and ETA (rewritten in
place on a terminal), colour only on a terminal and never with NO_COLOR."""

from __future__ import annotations

import io

import pytest

from wizard.migration.console import HumanPrinter, checks_line
from wizard.migration.events import FindingsReady, StepFinished, StepProgress, StepStarted
from wizard.migration.findings import Finding, Status
from wizard.migration.steps import Outcome, StepId


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plurals_in_the_checks_line() -> None:
    one = [Finding("old.health", Status.WARN, "w"), Finding("new.clean", Status.FAIL, "f")]
    assert (
        checks_line("preflight", one)
        == "checks (preflight): 0 passed, 1 warning, 1 failure, 0 errors, 0 skipped"
    )


def test_already_done_lines_name_the_step() -> None:
    printer = HumanPrinter(io.StringIO())
    line = printer.format(StepFinished(StepId.DOWNLOAD, Outcome.ALREADY_DONE, "done in an earlier run"))
    assert line == "==> Download the snapshot: already done in an earlier run"


def test_transfer_progress_has_speed_and_eta() -> None:
    printer = HumanPrinter(io.StringIO(), quiet_interval=0.0)
    mib = 1 << 20
    printer.format(StepProgress(StepId.DOWNLOAD, 0, 100 * mib, "bytes", at=10.0))
    line = printer.format(StepProgress(StepId.DOWNLOAD, 40 * mib, 100 * mib, "bytes", at=14.0))
    assert line is not None
    assert "40.0 MiB of 100.0 MiB" in line and "10.0 MiB/s" in line and "ETA 0:06" in line


def test_on_a_terminal_progress_is_rewritten_in_place_and_coloured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    out = Tty()
    printer = HumanPrinter(out, interval=0.0)
    printer(StepStarted(StepId.DOWNLOAD, StepId.DOWNLOAD.label))
    printer(StepProgress(StepId.DOWNLOAD, 10, 100, "bytes", at=1.0))
    printer(StepProgress(StepId.DOWNLOAD, 100, 100, "bytes", at=2.0))
    text = out.getvalue()
    assert "\x1b[1m==> Download the snapshot" in text
    assert text.count("\r\x1b[2K") == 2 and text.endswith("\n")


def test_no_colour_with_no_color_or_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    out = Tty()
    HumanPrinter(out)(FindingsReady("preflight", (Finding("new.clean", Status.FAIL, "dirty"),)))
    assert "\x1b[" not in out.getvalue()
    monkeypatch.delenv("NO_COLOR")
    plain = io.StringIO()
    HumanPrinter(plain)(FindingsReady("preflight", (Finding("new.clean", Status.FAIL, "dirty"),)))
    assert "\x1b[" not in plain.getvalue() and "FAIL  new.clean" in plain.getvalue()


def test_off_a_terminal_progress_is_a_line_every_few_seconds() -> None:
    """In a log or a pipe a transfer is not a line per event: the first, then one every
    quiet_interval seconds, and the last (with the total)."""
    out = io.StringIO()
    printer = HumanPrinter(out)  # quiet_interval 5 s by default
    for i in range(1, 101):
        printer(StepProgress(StepId.UPLOAD, i, 100, "bytes", at=float(i)))
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert len(lines) == 2 and "100 B of 100 B" in lines[-1], lines
    assert "\r" not in out.getvalue()
