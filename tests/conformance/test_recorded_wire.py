"""The simulator as a 7.1 community manager answers cfy-migrate's calls as the recorded real 7.1 stack
did (tests/fixtures/real-responses/r71/wire.json, recorded by tests/real/record_wire.py): same status,
Content-Type, Content-Encoding and Transfer-Encoding (nginx gzips JSON of 1000 bytes or more), the
same presence of Content-Length, and the same keys and value types in the body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conformance.recordings import FIXTURES, compare
from tests.conformance.wire_calls import CALLS, load, send
from tests.simulator.conftest import SimTls, sim_tls
from wizard.simulator import RunningSimulator, SimulatorConfig, start_simulator

__all__ = ["sim_tls"]

RECORDED = load(str(FIXTURES / "r71" / "wire.json"))

#: Like the realstack seed: 3 tenants, 8 deployments (5 installed), install_method none, ...
WORLD = {
    "profile": "7.1.0",
    "edition": "community",
    "tenants": 3,
    "deployments": 8,
    "installed": 5,
    "real_shapes": True,
    "time_scale": 0.03,
}


@pytest.fixture(scope="module")
def world() -> Iterator[RunningSimulator]:
    """One simulator for every call (they are read-only or harmless probes)."""
    sim = start_simulator(SimulatorConfig(**WORLD))
    yield sim
    sim.stop()


def wire_differences(real: dict[str, Any], sim: dict[str, Any]) -> list[str]:
    """What differs on the wire between a recorded answer and the simulator's."""
    out: list[str] = []
    if real["status"] != sim["status"]:
        out.append(f"status: real {real['status']} vs sim {sim['status']}")
    for header, value in real["headers"].items():
        if sim["headers"].get(header) != value:
            out.append(f"{header}: real {value!r} vs sim {sim['headers'].get(header)!r}")
    if real["content_length"] != sim["content_length"]:
        out.append(f"Content-Length present: real {real['content_length']} vs sim {sim['content_length']}")
    if ("json" in real) != ("json" in sim):
        out.append("body: one side JSON, the other not")
    elif "json" in real:
        out += compare(real["json"], sim["json"])
    return out


@pytest.mark.parametrize("name", [c.name for c in CALLS])
def test_same_wire_answer_as_the_real_71_manager(world: RunningSimulator, name: str) -> None:
    call = next(c for c in CALLS if c.name == name)
    sim = send(world.url, call, world.config.admin_password)
    problems = wire_differences(RECORDED[name], sim)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ["port80_api", "plain_http_on_https_port"])
def test_nginx_own_answers(name: str, sim_tls: SimTls) -> None:
    import requests

    cfg = SimulatorConfig(**WORLD, tls_cert=str(sim_tls.cert), tls_key=str(sim_tls.key), http_port=0)
    with start_simulator(cfg) as sim:
        assert sim.http_url is not None
        url = (
            f"{sim.http_url}/api/v3.1/version" if name == "port80_api" else sim.url.replace("https:", "http:")
        )
        r = requests.get(url + ("" if name == "port80_api" else "/api/v3.1/version"), timeout=10)
        answer: dict[str, Any] = {
            "status": r.status_code,
            "headers": {
                h: r.headers.get(h) for h in ("content-type", "content-encoding", "transfer-encoding")
            },
            "content_length": "content-length" in r.headers,
        }
        try:
            answer["json"] = r.json()
        except ValueError:
            answer["text"] = r.text[:300]
        problems = wire_differences(RECORDED[name], answer)
        assert not problems, "\n".join(problems)
        if "text" in RECORDED[name]:
            assert answer["text"] == RECORDED[name]["text"]
