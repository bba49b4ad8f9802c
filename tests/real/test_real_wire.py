"""Live: every call of tests/conformance/wire_calls.py sent to the real old manager and to the simulated
one answers alike on the wire (status, Content-Type, Content-Encoding, Transfer-Encoding, Content-Length
present, body keys and types). Read-only calls and harmless probes only."""

from __future__ import annotations

import time

import pytest

from tests.conformance.test_recorded_wire import wire_differences
from tests.conformance.wire_calls import CALLS, send
from tests.real.conftest import Endpoint

Pair = tuple[Endpoint, Endpoint]
#: nginx's gzip_min_length on a real manager; what depends on the body's size
GZIP_MIN = 1000
SIZE_HEADERS = ("content-encoding", "transfer-encoding")


@pytest.mark.parametrize("name", [c.name for c in CALLS])
def test_live_wire_answer_matches(name: str, real_pair: Pair, sim_pair: Pair) -> None:
    call = next(c for c in CALLS if c.name == name)
    real_old, sim_old = real_pair[0], sim_pair[0]
    real = send(real_old.url, call, real_old.password, real_old.ca or True)
    sim = send(sim_old.url, call, sim_old.password, sim_old.ca or True)
    time.sleep(0.1)  # nginx's limit_req on the real one
    if (real["body_size"] >= GZIP_MIN) != (sim["body_size"] >= GZIP_MIN):
        # a live manager's lists grow (every run adds snapshots and executions): nginx compresses a
        # JSON answer from 1000 bytes; the rule is what must hold on both sides, not the same size
        for side in (real, sim):
            compressed = side["headers"].get("content-encoding") == "gzip"
            big = side["body_size"] >= GZIP_MIN
            assert compressed == big or side["status"] not in (200, 403, 404), side
            side["headers"] = {k: v for k, v in side["headers"].items() if k not in SIZE_HEADERS}
            side["content_length"] = None
    problems = wire_differences(real, sim)
    assert not problems, "\n".join(problems)
