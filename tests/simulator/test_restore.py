"""Restore semantics: validations in order, legacy inventory swap, password switch, outage, 7.x no-op."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
import requests

from tests.simulator.helpers import PORTABLE_RESTORE, Api, execution_done, make_snapshot, wait_for


def _transfer(old: Api, new: Api, snapshot_id: str = "snap1", **create: object) -> bytes:
    make_snapshot(old, snapshot_id, **create)
    data = old.get(f"/snapshots/{snapshot_id}/archive").content
    r = new.put(f"/snapshots/{snapshot_id}/archive", data=data)
    assert r.status_code == 201, r.text
    return data


def _restore(api: Api, snapshot_id: str = "snap1", **overrides: object) -> dict:
    r = api.post(f"/snapshots/{snapshot_id}/restore", json={**PORTABLE_RESTORE, **overrides})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {
        "created_at",
        "id",
        "visibility",
        "status",
        "error",
        "tenant_name",
        "created_by",
        "resource_availability",
        "private_resource",
    }
    assert body["status"] == "pending" and body["error"] is None
    return body


def test_legacy_restore_replaces_inventory_and_switches_password(make_simulator):
    old = make_simulator(
        profile="5.2.7", host="127.0.0.11", admin_password="old-pw", deployments=5, installed=3
    )
    new = make_simulator(
        profile="6.4.2",
        host="127.0.0.12",
        clean=True,
        admin_password="new-pw",
        restore_outage=0,
        post_restore_delay=10,
    )
    old_api, new_api = Api(old), Api(new)
    _transfer(old_api, new_api)
    assert new.state()["counts"]["deployments"] == 0
    exe = _restore(new_api)
    wait_for(lambda: requests.get(f"{new.url}/api/v3.1/snapshot-status").json()["status"] == "running")
    done = execution_done(new, exe["id"])
    assert done["status"] == "terminated" and done["error"] == ""
    # Right after the execution: the new password still works, snapshot-status still running.
    assert Api(new, password="new-pw").get("/user").status_code == 200
    assert requests.get(f"{new.url}/api/v3.1/snapshot-status").json() == {"status": "running"}
    state = new.state()
    assert state["counts"]["deployments"] == 5 and state["admin_password"] == "installed"
    assert {a["manager_ip"] for a in state["agents"]} == {"127.0.0.11"}
    # A few (scaled) seconds later: the old manager's admin password, flag cleared.
    wait_for(lambda: requests.get(f"{new.url}/api/v3.1/snapshot-status").json()["status"] == "not-running")
    assert Api(new, password="new-pw").get("/user").status_code == 401
    after = Api(new, password="old-pw")
    assert after.get("/user").status_code == 200
    assert after.get("/snapshots").json()["items"] == []
    assert after.get("/deployments?_all_tenants=true").json()["metadata"]["pagination"]["total"] == 5
    assert after.get(f"/executions/{exe['id']}").json()["status"] == "terminated"
    state = new.state()
    assert state["admin_password"] == "restored_snapshot"
    assert state["restore_history"][0]["format"] == "legacy" and state["restore_history"][0]["restored"]
    assert "old-pw" not in json.dumps(state) and "new-pw" not in json.dumps(state)


def test_password_switch_happens_after_execution_end(make_simulator):
    old = make_simulator(profile="6.4.2", admin_password="a1")
    new = make_simulator(
        profile="6.4.2", clean=True, admin_password="b2", restore_outage=0, post_restore_delay=4
    )
    _transfer(Api(old), Api(new))
    exe = _restore(Api(new))
    execution_done(new, exe["id"])
    ended = time.monotonic()
    wait_for(lambda: new.state()["admin_password"] == "restored_snapshot")
    elapsed = time.monotonic() - ended
    assert elapsed >= 4 * 0.03 * 0.7
    history = new.state()["restore_history"][0]
    assert history["post_restore_at"] > history["ended_at"]


@pytest.mark.parametrize("mode", ["refuse", "502"])
def test_outage_mid_restore(make_simulator, mode):
    old = make_simulator(profile="6.4.2")
    new = make_simulator(profile="7.0.4", clean=True, restore_outage=10, outage_mode=mode)
    _transfer(Api(old), Api(new))
    exe = _restore(Api(new))
    seen: set[str] = set()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            r = requests.get(f"{new.url}/api/v3.1/version", auth=("admin", "admin"), timeout=2)
            seen.add(str(r.status_code))
            if r.status_code == 502:
                assert "nginx" in r.text and r.headers["Content-Type"] == "text/html"
        except requests.ConnectionError:
            seen.add("refused")
        if new.state()["restore_history"][0]["status"] == "terminated":
            break
        time.sleep(0.01)
    assert ("refused" if mode == "refuse" else "502") in seen
    execution_done(new, exe["id"])
    assert requests.get(f"{new.url}/api/v3.1/version", auth=("admin", "admin")).status_code == 200
    assert new.state()["port"] == new.port


def test_outage_fault_lengthens_outage(make_simulator):
    old = make_simulator(profile="6.4.2")
    new = make_simulator(profile="6.4.2", clean=True, restore_outage=0, faults="restore_outage:seconds=8")
    _transfer(Api(old), Api(new))
    _restore(Api(new))
    wait_for(lambda: new.state()["outage_active"])
    wait_for(lambda: not new.state()["outage_active"])


def _fail_message(sim, exe_id: str) -> str:
    done = execution_done(sim, exe_id)
    assert done["status"] == "failed"
    assert done["error"].startswith("Traceback (most recent call last):")
    return str(done["error"].strip().splitlines()[-1])


def test_newer_snapshot_is_refused(make_simulator):
    old = make_simulator(profile="7.0.4")
    new = make_simulator(profile="6.4.2", clean=True)
    _transfer(Api(old), Api(new), legacy=True)
    exe = _restore(Api(new))
    assert _fail_message(new, exe["id"]).endswith(
        "Cannot restore a newer manager's snapshot on this manager [7.0.4 > 6.4.2]"
    )
    events = Api(new).get(f"/events?execution_id={exe['id']}&type=cloudify_event").json()["items"]
    assert events[-1]["event_type"] == "workflow_failed"
    assert new.state()["counts"]["deployments"] == 0


def test_non_admin_caller_is_refused(make_simulator):
    sim = make_simulator(profile="6.4.2")
    api = Api(sim)
    make_snapshot(api)
    exe = _restore(Api(sim, user="alice", password="alice-password"), force=True)
    assert _fail_message(sim, exe["id"]).endswith(
        "The current user is not authorized to restore v4 snapshots. Only the bootstrap admin is allowed to "
        "perform this action"
    )


def test_non_clean_manager_needs_force(make_simulator):
    sim = make_simulator(profile="6.4.2", deployments=3, installed=1)
    api = Api(sim)
    make_snapshot(api)
    exe = _restore(api)
    assert "Snapshot restoration on a non-empty manager is not permitted" in _fail_message(sim, exe["id"])
    exe = _restore(api, force=True)
    assert execution_done(sim, exe["id"])["status"] == "terminated"


def test_missing_agent_networks(make_simulator):
    old = make_simulator(profile="6.4.2", extra_networks=("external",), deployments=4, installed=4)
    new = make_simulator(profile="6.4.2", clean=True)
    _transfer(Api(old), Api(new))
    exe = _restore(Api(new))
    msg = _fail_message(new, exe["id"])
    assert "Snapshot networks: `external` are used by agents, but are missing from the manager" in msg


def test_old_snapshot_version_is_refused(make_simulator):
    sim = make_simulator(profile="6.4.2", clean=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("metadata.json", json.dumps({"snapshot_version": "3.4.2"}))
    Api(sim).put("/snapshots/ancient/archive", data=buf.getvalue())
    exe = _restore(Api(sim), "ancient")
    assert _fail_message(sim, exe["id"]).endswith("Restoring snapshot from version 3.4.2 is not supported")


def test_community_legacy_snapshot_on_7x_is_a_silent_noop(make_simulator):
    old = make_simulator(profile="6.4.2", edition="community", admin_password="old")
    new = make_simulator(
        profile="7.0.4", edition="community", clean=True, admin_password="new", restore_outage=0
    )
    _transfer(Api(old), Api(new))
    exe = _restore(Api(new))
    done = execution_done(new, exe["id"])
    assert done["status"] == "terminated" and done["error"] == ""
    time.sleep(0.3)
    state = new.state()
    assert state["counts"]["deployments"] == 0 and state["counts"]["blueprints"] == 0
    assert state["admin_password"] == "installed"
    assert Api(new, password="new").get("/snapshots").json()["metadata"]["pagination"]["total"] == 1
    logs = Api(new, password="new").get(f"/events?execution_id={exe['id']}").json()["items"]
    assert any(ev["message"] == "Using `new` snapshot format" for ev in logs)
    assert any(ev["message"] == "Unexpected file in snapshot: pg_data" for ev in logs)
    assert state["restore_history"][0] == {**state["restore_history"][0], "format": "new", "restored": False}


def test_premium_legacy_snapshot_on_7x_restores(make_simulator):
    old = make_simulator(profile="6.4.2", edition="premium", deployments=3, installed=2)
    new = make_simulator(profile="7.0.4", clean=True, restore_outage=0)
    _transfer(Api(old), Api(new))
    exe = _restore(Api(new))
    execution_done(new, exe["id"])
    assert new.state()["counts"]["deployments"] == 3


def test_restore_request_errors(make_simulator):
    sim = make_simulator(profile="7.0.4")
    api = Api(sim)
    make_snapshot(api)
    r = api.post("/snapshots/snap1/restore", json={})
    assert r.status_code == 500
    assert r.json()["error_code"] == "internal_server_error"
    assert r.json()["server_traceback"].strip().endswith("KeyError: 'force'")
    r = api.post(
        "/snapshots/snap1/restore", json={"force": False, "restore_certificates": False, "no_reboot": True}
    )
    assert r.status_code == 400
    assert r.json() == {
        "error_code": "bad_parameters_error",
        "server_traceback": None,
        "message": "`no_reboot` is only relevant when `restore_certificates` is activated",
    }
    r = api.post(
        "/snapshots/snap1/restore", data=json.dumps({"force": False}), headers={"Content-Type": "text/plain"}
    )
    assert r.status_code == 415
    assert api.post("/snapshots/nope/restore", json=PORTABLE_RESTORE).status_code == 404


def test_restore_on_52_requires_recreate_envs_and_has_no_outage(make_simulator):
    sim = make_simulator(profile="5.2.7", clean=True)
    r = Api(sim).post("/snapshots/x/restore", json={"force": False})
    assert r.status_code == 400
    assert r.json()["message"] == "Missing recreate_deployments_envs in json request body"


def test_running_execution_blocks_restore(make_simulator):
    sim = make_simulator(profile="6.4.2", time_scale=0.5)
    api = Api(sim)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("metadata.json", json.dumps({"snapshot_version": "6.4.2"}))
    api.put("/snapshots/s/archive", data=buf.getvalue())
    dep = api.get("/deployments?_include=id").json()["items"][0]["id"]
    exe = api.post(
        "/executions",
        json={"deployment_id": dep, "workflow_id": "execute_operation", "parameters": {"operation": "x"}},
    ).json()
    r = api.post("/snapshots/s/restore", json=PORTABLE_RESTORE)
    assert r.status_code == 400
    assert r.json()["message"] == (
        "Cannot start execution because there are other executions running e.g.: " + exe["id"]
    )


def test_46_restore_without_snapshot_status(make_simulator):
    old = make_simulator(profile="4.6", admin_password="o")
    new = make_simulator(profile="4.6", clean=True, admin_password="n", post_restore_delay=1)
    _transfer(Api(old), Api(new))
    assert requests.get(f"{new.url}/api/v3.1/snapshot-status").status_code == 404
    exe = _restore(Api(new))
    execution_done(new, exe["id"])
    wait_for(lambda: Api(new, password="o").get("/user").status_code == 200)
