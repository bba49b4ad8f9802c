"""How the process ends when the reader or the user goes away: `report --json | head` ends
without a traceback; two quick Ctrl-C always print the "interrupted" line and exit 130."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from tests.faults.conftest import REPO, Pair


def test_report_into_a_closed_pipe_has_no_traceback(pair: Pair) -> None:
    assert pair.run("--yes").returncode == 0
    proc = subprocess.run(
        f"{sys.executable} -m wizard report --json --state-dir {pair.state_dir} | head -c 300",
        shell=True, cwd=REPO, env=pair.env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert len(proc.stdout) == 300
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr, proc.stderr


def test_double_ctrl_c_exits_130_with_the_line(make_pair) -> None:
    for pause in (0.0, 0.05, 0.3):
        pair = make_pair(old={"snapshot_size": 3_000_000})
        pair.old.set_faults("delay:seconds=0.05,path=/archive")
        proc = pair.popen("--yes")
        deadline = time.monotonic() + 30
        while not pair.journals() and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        time.sleep(pause)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode in (130, 0), (pause, proc.returncode, err[-2000:])
        assert "Traceback" not in err, err
        if proc.returncode == 130:
            assert "interrupted" in err.lower() or "stopping safely" in err.lower(), err
