"""One Ctrl-C during a stalled request stops `cfy-migrate run` within 2 s (issue 14).

The old manager is a fake server on 127.0.0.1 that accepts and never answers. The wizard's
first SIGINT sets its cancel event; the client stops the request in flight once the engine hands
that event to ManagerClient (`cancel=`), which this row checks end to end.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

from tests.faults.conftest import REPO, base_env
from tests.faults.fake_server import Request, serving


def _silent(_r: Request, _s: socket.socket) -> None:
    time.sleep(60)


def test_one_ctrl_c_during_a_stalled_request_stops_within_two_seconds(tmp_path: object) -> None:
    with serving(_silent) as old, serving(_silent) as new:
        proc = subprocess.Popen(
            [sys.executable, "-m", "wizard", "run", "--old", old.url, "--new", new.url,
             "--state-dir", str(tmp_path), "--yes"],
            cwd=REPO, env=base_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 20
            while not old.requests and time.monotonic() < deadline:
                time.sleep(0.05)
            assert old.requests, "the wizard never reached the old manager"
            time.sleep(0.5)
            proc.send_signal(signal.SIGINT)
            started = time.monotonic()
            out, err = proc.communicate(timeout=4)
            seconds = time.monotonic() - started
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert seconds < 2.0, (seconds, out[-2000:], err[-2000:])
    assert proc.returncode != -signal.SIGINT
