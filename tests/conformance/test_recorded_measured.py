"""The simulator's snapshot workflows send what the measured real 7.1 stack sent
(tests/fixtures/real-responses/r71/measured_snapshot_restore.json): the same event sequence (levels and
messages, with temp dirs, ids, dates, hosts and per-agent-key lines normalized) for a legacy create,
a new-format create on community, install_new_agents without agent hosts and the part of a legacy
restore that survives the DB swap; the execution shape after that restore; the 404 premium bodies."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

import pytest

from tests.conformance.recordings import FIXTURES, compare
from tests.simulator.helpers import PORTABLE_RESTORE, Api, execution_done, make_snapshot, wait_for

MEASURED = json.loads((FIXTURES / "r71" / "measured_snapshot_restore.json").read_text(encoding="utf-8"))
_PER_AGENT = re.compile(
    r"^(key file for .* not found|Dumping credentials data, copy from|Key doesn't appear)"
)


def _norm(message: str) -> str:
    message = re.sub(r"/tmp/tmp[a-z0-9_]{8}", "/tmp/TMP", message)
    message = re.sub(r"`[^`]+`", "`ID`", message)
    message = re.sub(r"/snapshots/[^/ ]+/[^/ ]+\.zip", "/snapshots/ID/ID.zip", message)
    message = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+", "DATE", message)
    message = re.sub(r"\S*psql --host \S+", "PSQL", message)
    message = re.sub(r"password='[^']*'", "password=HASH", message)
    if message.startswith("Init Postgres config: "):
        message = "Init Postgres config: " + ",".join(sorted(json.loads(message.split(": ", 1)[1])))
    return message


def _sequence(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (e.get("event_type") or e["level"], _norm(e["message"]))
        for e in events
        if not _PER_AGENT.match(e["message"])
    ]


def _events(api: Api, exec_id: str) -> list[dict[str, Any]]:
    query = f"execution_id={exec_id}&_offset=0&_size=1000&_sort=reported_timestamp"
    return api.get(f"/events?{query}&type=cloudify_event&type=cloudify_log").json()["items"]  # type: ignore[no-any-return]


def test_legacy_create_events(make_simulator: Any) -> None:
    api = Api(make_simulator(profile="7.1.0", edition="community"))
    r = make_snapshot(api, "snapA", legacy=True, include_credentials=True)
    assert _sequence(_events(api, r.json()["id"])) == _sequence(MEASURED["legacy_create"]["events"])
    assert MEASURED["legacy_create"]["event_count"] == 33
    exe = api.get(f"/executions/{r.json()['id']}").json()
    assert not compare(MEASURED["legacy_create"]["execution"], exe)


def test_new_format_create_on_community_fails_like_the_real_one(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0", edition="community")
    api = Api(sim)
    r = api.put("/snapshots/m_new", json={"legacy": False, "include_credentials": True})
    assert r.status_code == MEASURED["new_format_create_community"]["put_status"] == 201
    execution_done(sim, r.json()["id"])
    seq = [(lvl, _norm(m)) for lvl, m in MEASURED["new_format_create_community"]["events"]]
    assert _sequence(_events(api, r.json()["id"])) == seq
    snap = api.get("/snapshots/m_new").json()
    real = MEASURED["new_format_create_community"]["snapshot"]
    assert (snap["status"], snap["error"]) == (real["status"], real["error"])
    exe = api.get(f"/executions/{r.json()['id']}").json()
    real_exe = MEASURED["new_format_create_community"]["execution"]
    assert exe["status"] == real_exe["status"] == "failed"
    assert exe["error"].splitlines()[-2:] == real_exe["error"].splitlines()[-2:]


@pytest.mark.parametrize("index", range(4))
def test_community_writes_are_premium_only(make_simulator: Any, index: int) -> None:
    api = Api(make_simulator(profile="7.1.0", edition="community"))
    rec = MEASURED["community_writes"][index]
    method, path = rec["call"].split(" ", 1)
    body = {"username": "u_probe", "password": "u_probe-pw", "role": "default"} if path == "/users" else None
    r = api.session.request(method, api.base + path, json=body, timeout=10)
    assert (r.status_code, r.headers["Content-Type"]) == (rec["status"], rec["ctype"])
    assert r.json() == json.loads(rec["body"])


def test_install_new_agents_without_agent_hosts(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0", edition="community", real_shapes=True)
    api = Api(sim)
    dep = next(
        d["id"] for d in api.get("/deployments").json()["items"] if d["installation_status"] == "active"
    )
    r = api.post("/executions", json={"deployment_id": dep, "workflow_id": "install_new_agents"})
    assert r.status_code == MEASURED["install_new_agents"]["post_status"]
    execution_done(sim, r.json()["id"])
    got = [(e["event_type"], e["message"]) for e in _events(api, r.json()["id"])]
    assert got == [tuple(x) for x in MEASURED["install_new_agents"]["events"]]


def _premium_keys(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "metadata.json":
                meta = json.loads(body)
                meta.update(stage_schema_revision="x", composer_schema_revision="y")
                body = json.dumps(meta).encode()
            dst.writestr(info, body)
    return out.getvalue()


def test_legacy_restore_events_and_execution_after(make_simulator: Any) -> None:
    old = make_simulator(profile="7.1.0", edition="community", host="127.0.0.31", deployments=1, installed=1)
    new = make_simulator(
        profile="7.1.0", edition="community", host="127.0.0.32", admin_password="changed",
        outage_mode="nginx", restore_outage=1.0, restore_outage2=1.0, post_restore_delay=1.0,
    )  # fmt: skip
    old_api, new_api = Api(old), Api(new)
    make_snapshot(old_api, "m_legacy", legacy=True)
    data = _premium_keys(old_api.get("/snapshots/m_legacy/archive").content)
    assert new_api.put("/snapshots/m_legacy/archive", data=data).status_code == 201
    r = new_api.post("/snapshots/m_legacy/restore", json={**PORTABLE_RESTORE, "force": True})
    assert r.status_code == MEASURED["legacy_restore"]["post_status"] == 200
    assert not compare(MEASURED["legacy_restore"]["post_body"], r.json())
    wait_for(lambda: new.state()["restore_history"][0]["post_restore_at"], timeout=30)
    after = Api(new, password="admin")
    assert _sequence(_events(after, r.json()["id"])) == _sequence(MEASURED["legacy_restore"]["events_after"])
    exe = after.get(f"/executions/{r.json()['id']}").json()
    real = MEASURED["legacy_restore"]["execution_after"]
    assert not compare(real, exe)
    nulls = ("started_at", "parameters", "visibility", "resource_availability")
    assert {k: exe[k] for k in nulls} == {k: real[k] for k in nulls} == dict.fromkeys(nulls)


def _collapse(timeline: list[tuple[str, int]], probe: str) -> list[int]:
    out: list[int] = []
    for name, status in timeline:
        if name == probe and (not out or out[-1] != status):
            out.append(status)
    return out


def test_cross_manager_restore_goes_through_the_measured_phases(make_simulator: Any) -> None:
    """Old and new admin password and /snapshot-status through a legacy restore of another manager's
    archive: 401/200 -> 502 -> 401/401 (neither works) -> 502 -> 401/401 -> 200/401, as recorded."""
    import threading
    import time

    import requests

    real = MEASURED["legacy_restore_cross_manager"]["timeline"]
    expected = {p: _collapse([(r["probe"], r["status"]) for r in real], p) for p in ("old", "new", "status")}
    old = make_simulator(profile="7.1.0", host="127.0.0.33", admin_password="old-pw")
    new = make_simulator(
        profile="7.1.0", host="127.0.0.34", clean=True, admin_password="new-pw", time_scale=0.1,
        outage_mode="nginx", restore_auth_gap=True, restore_outage=11.0, outage_hang=0.0,
        post_restore_delay=2.6,
    )  # fmt: skip
    old_api, new_api = Api(old), Api(new)
    make_snapshot(old_api, "s1", legacy=True)
    assert (
        new_api.put("/snapshots/s1/archive", data=old_api.get("/snapshots/s1/archive").content).status_code
        == 201
    )
    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def probe(name: str, password: str | None) -> None:
        while not stop.is_set():
            if password is None:
                r = requests.get(f"{new.url}/api/v3.1/snapshot-status", timeout=30)
            else:
                r = requests.get(f"{new.url}/api/v3.1/user", auth=("admin", password), timeout=30)
            seen.append((name, r.status_code))
            time.sleep(0.02)

    threads = [
        threading.Thread(target=probe, args=(n, p))
        for n, p in (("old", "old-pw"), ("new", "new-pw"), ("status", None))
    ]
    for th in threads:
        th.start()
    time.sleep(0.1)
    r = new_api.post("/snapshots/s1/restore", json={**PORTABLE_RESTORE, "force": False})
    assert r.status_code == 200
    wait_for(lambda: new.state()["restore_history"][0]["post_restore_at"], timeout=30)
    time.sleep(0.5)
    stop.set()
    for th in threads:
        th.join()
    got = {p: _collapse(seen, p) for p in ("old", "new", "status")}
    assert got == expected
