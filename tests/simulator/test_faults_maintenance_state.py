"""Fault injection, maintenance mode, /_sim/state and request counters, the CLI."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import pytest
import requests

from tests.simulator.helpers import Api, make_snapshot
from wizard.commands import simulate
from wizard.simulator import parse_spec


def test_spec_parsing():
    rules = parse_spec("drop_download:after=10,times=1; http_error:path=/x,status=502,nth=2,count=0")
    assert rules[0]["after"] == 10 and rules[1]["status"] == 502 and rules[1]["count"] == 0
    assert parse_spec('[{"kind": "delay", "seconds": 0.1}]')[0]["seconds"] == 0.1
    with pytest.raises(ValueError):
        parse_spec("explode:now=1")
    with pytest.raises(ValueError):
        parse_spec("delay:path=/x")


def test_drop_download_first_time_only(make_simulator):
    sim = make_simulator(profile="6.4.2", snapshot_size=500_000)
    api = Api(sim)
    make_snapshot(api)
    sim.set_faults("drop_download:after=1000,times=1")
    with pytest.raises(requests.exceptions.RequestException):
        r = api.get("/snapshots/snap1/archive")
        assert len(r.content) == int(r.headers["Content-Length"])
    r = api.get("/snapshots/snap1/archive")
    assert len(r.content) == int(r.headers["Content-Length"]) > 400_000


def test_http_error_burst_and_delay_via_http(make_simulator):
    sim = make_simulator(profile="7.0.4")
    api = Api(sim)
    r = requests.post(
        f"{sim.url}/_sim/faults", json={"spec": "http_error:path=/status,status=503,nth=2,count=2"}
    )
    assert r.status_code == 200
    codes = [api.get("/status").status_code for _ in range(5)]
    assert codes == [200, 503, 503, 200, 200]
    requests.post(f"{sim.url}/_sim/faults", data="http_error:path=/user,status=500")
    r = api.get("/user")
    assert r.status_code == 500 and r.json()["error_code"] == "internal_server_error"
    assert requests.post(f"{sim.url}/_sim/faults", data="bogus").status_code == 400
    requests.delete(f"{sim.url}/_sim/faults")
    assert requests.get(f"{sim.url}/_sim/faults").json() == {"faults": []}
    sim.set_faults({"kind": "delay", "seconds": 0.3, "path": "/version"})
    start = time.monotonic()
    assert api.get("/version").status_code == 200
    assert time.monotonic() - start >= 0.3


def test_fail_upload(make_simulator):
    sim = make_simulator(profile="6.4.2", faults="fail_upload:after=5000,times=1")
    api = Api(sim)
    with pytest.raises(requests.exceptions.ConnectionError):
        api.put("/snapshots/up/archive", data=b"x" * 2_000_000)
    assert api.get("/snapshots/up").status_code == 404
    assert api.put("/snapshots/up/archive", data=b"x" * 2_000_000).status_code == 201


def test_maintenance_mode(make_simulator):
    sim = make_simulator(profile="7.0.4")
    api = Api(sim)
    assert api.get("/maintenance").json() == {
        "status": "deactivated",
        "activated_at": "",
        "activation_requested_at": "",
        "remaining_executions": None,
        "requested_by": "",
    }
    r = api.post("/maintenance/activate")
    assert (
        r.status_code == 200
        and r.json()["status"] == "activated"
        and r.json()["remaining_executions"] == [[]]
    )
    blocked = api.get("/blueprints")
    assert blocked.status_code == 503
    assert blocked.json() == {
        "error_code": "maintenance_mode_active",
        "server_traceback": "NoneType: None\n",
        "message": "Your request was rejected since Cloudify manager is currently in maintenance mode",
    }
    assert api.get("/version").status_code == 200 and api.get("/status").status_code == 200
    make_snapshot(api, "during")
    assert api.get("/deployments", headers={"X-BYPASS-MAINTENANCE": "true"}).status_code == 200
    again = api.post("/maintenance/activate")
    assert again.status_code == 304 and again.content == b""
    r = api.post("/maintenance/deactivate")
    assert r.status_code == 200 and r.json()["status"] == "deactivated"
    assert api.post("/maintenance/deactivate").status_code == 304
    assert api.get("/blueprints").status_code == 200


def test_maintenance_activating_while_execution_runs(make_simulator):
    sim = make_simulator(profile="6.4.2", time_scale=0.3)
    api = Api(sim)
    dep = api.get("/deployments").json()["items"][0]["id"]
    api.post(
        "/executions",
        json={"deployment_id": dep, "workflow_id": "execute_operation", "parameters": {"operation": "x"}},
    )
    r = api.post("/maintenance/activate").json()
    assert r["status"] == "activating" and r["remaining_executions"]
    deadline = time.monotonic() + 5
    while api.get("/maintenance").json()["status"] != "activated":
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_state_and_request_counters(make_simulator):
    sim = make_simulator(profile="6.4.2", tenants=2, deployments=4, installed=2)
    api = Api(sim)
    requests.post(f"{sim.url}/_sim/requests/reset")
    for _ in range(3):
        api.get("/deployments")
    api.get("/version")
    state = requests.get(f"{sim.url}/_sim/state").json()
    assert state["requests"] == {"total": 4, "by_route": {"GET /deployments": 3, "GET /version": 1}}
    assert state["version"] == "6.4.2" and state["edition"] == "premium" and state["manager_ip"] == sim.host
    assert sorted(state["per_tenant"]) == ["default_tenant", "tenant-1"]
    assert sum(len(t["deployments"]) for t in state["per_tenant"].values()) == 4
    assert state["admin_password"] == "installed"
    assert state == {**state, **{k: sim.state()[k] for k in ("version", "tenants", "counts")}}


def test_cli_refuses_non_loopback(capsys):
    parser = argparse.ArgumentParser()
    simulate.add_arguments(parser)
    assert simulate.run(parser.parse_args(["--host", "10.0.0.1"])) == 2
    assert "127.0.0.0/8" in capsys.readouterr().err


def test_cli_serves_until_terminated(tmp_path):
    pw = tmp_path / "pw"
    pw.write_text("from-file\n")
    env = {**os.environ, "CFY_SIM_ADMIN_PASSWORD": "ignored"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wizard",
            "simulate",
            "--port",
            "0",
            "--profile",
            "5.2.7",
            "--time-scale",
            "0.05",
            "--admin-password-file",
            str(pw),
            "--deployments",
            "2",
            "--installed",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.strip().rsplit(" ", 1)[-1]
        assert url.startswith("http://127.0.0.1:")
        r = requests.get(f"{url}/api/v3.1/version", auth=("admin", "from-file"))
        assert r.json()["version"] == "5.2.7"
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
