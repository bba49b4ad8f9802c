"""The legacy restore as measured on a real 7.1 stack (outage_mode="nginx", restore_auth_gap), and the
7.1 community archive rules (nothing restored unless the premium metadata keys are there)."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from typing import Any

import requests

from tests.simulator.helpers import PORTABLE_RESTORE, Api, execution_done, make_snapshot, wait_for

SCALE = 0.1


def _archive(old: Api, snapshot_id: str, premium_keys: bool) -> bytes:
    make_snapshot(old, snapshot_id, legacy=True)
    data = old.get(f"/snapshots/{snapshot_id}/archive").content
    if not premium_keys:
        return data
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "metadata.json":
                meta = json.loads(body)
                meta["stage_schema_revision"] = "20240112083912-7_0_0-add-blueprint-layouts.js"
                meta["composer_schema_revision"] = "20230210131040-6_4_0-add-userdata.js"
                body = json.dumps(meta).encode()
            dst.writestr(info, body)
    return out.getvalue()


def _upload(new: Api, snapshot_id: str, data: bytes) -> None:
    r = new.put(f"/snapshots/{snapshot_id}/archive", data=data)
    assert r.status_code == 201, r.text


def test_community_71_archive_restores_nothing_without_premium_keys(make_simulator: Any) -> None:
    old = make_simulator(profile="7.1.0", edition="community", host="127.0.0.21", admin_password="old-pw")
    new = make_simulator(
        profile="7.1.0", edition="community", host="127.0.0.22", clean=True, admin_password="new-pw"
    )
    _upload(Api(new), "s1", _archive(Api(old), "s1", premium_keys=False))
    r = Api(new).post("/snapshots/s1/restore", json={**PORTABLE_RESTORE, "force": True})
    assert r.status_code == 200
    assert execution_done(new, r.json()["id"])["status"] == "terminated"
    time.sleep(0.2)
    assert new.state()["counts"]["deployments"] == 0
    assert Api(new, password="new-pw").get("/user").status_code == 200  # no switch either


def test_community_71_archive_with_premium_keys_takes_the_legacy_path(make_simulator: Any) -> None:
    old = make_simulator(profile="7.1.0", edition="community", host="127.0.0.23", admin_password="old-pw")
    new = make_simulator(
        profile="7.1.0", edition="community", host="127.0.0.24", clean=True, admin_password="new-pw",
        restore_outage=0, post_restore_delay=0.5,
    )  # fmt: skip
    _upload(Api(new), "s1", _archive(Api(old), "s1", premium_keys=True))
    r = Api(new).post("/snapshots/s1/restore", json={**PORTABLE_RESTORE, "force": True})
    execution_done(new, r.json()["id"])
    wait_for(lambda: Api(new, password="old-pw").get("/user").status_code == 200, timeout=10)
    assert new.state()["counts"]["deployments"] == old.state()["counts"]["deployments"] > 0


def test_measured_outage_502_after_a_hang_then_no_password_works_then_the_old_one(
    make_simulator: Any,
) -> None:
    old = make_simulator(profile="7.1.0", host="127.0.0.25", admin_password="old-pw")
    new = make_simulator(
        profile="7.1.0", host="127.0.0.26", clean=True, admin_password="new-pw", time_scale=SCALE,
        outage_mode="nginx", restore_auth_gap=True, restore_outage=8.0, outage_hang=7.0,
    )  # fmt: skip
    _upload(Api(new), "s1", _archive(Api(old), "s1", premium_keys=False))
    seen: list[tuple[float, str, int, str, float]] = []
    stop = threading.Event()
    t0 = time.monotonic()

    def probe(name: str, password: str | None) -> None:
        while not stop.is_set():
            start = time.monotonic()
            if password is None:
                r = requests.get(f"{new.url}/api/v3.1/snapshot-status", timeout=30)
            else:
                r = requests.get(f"{new.url}/api/v3.1/user", auth=("admin", password), timeout=30)
            seen.append(
                (start - t0, name, r.status_code, r.headers.get("Content-Type", ""), time.monotonic() - start)
            )
            time.sleep(0.02)

    r = Api(new).post("/snapshots/s1/restore", json={**PORTABLE_RESTORE, "force": True})
    exec_id = r.json()["id"]
    threads = [
        threading.Thread(target=probe, args=args, daemon=True)
        for args in (("old", "old-pw"), ("new", "new-pw"), ("status", None))
    ]
    for th in threads:
        th.start()
    wait_for(lambda: new.state()["restore_history"][0]["post_restore_at"], timeout=30)
    time.sleep(0.3)
    stop.set()
    for th in threads:
        th.join()
    bad = [s for s in seen if s[2] == 502]
    assert bad and all(s[3] == "text/html" for s in bad)
    assert max(s[4] for s in bad) >= 7.0 * SCALE * 0.9  # nginx held it, then gave up
    # a moment when neither admin password works: both 401 after the last 502
    last_502 = max(s[0] for s in bad)
    old_401 = [s[0] for s in seen if s[1] == "old" and s[2] == 401 and s[0] > last_502]
    new_401 = [s[0] for s in seen if s[1] == "new" and s[2] == 401 and s[0] > last_502]
    old_200 = [s[0] for s in seen if s[1] == "old" and s[2] == 200]
    assert old_401 and new_401 and old_200
    assert min(new_401) < max(old_401) < min(old_200)
    # the end state: the old password, the new one refused, /snapshot-status not-running
    assert Api(new, password="old-pw").get("/user").status_code == 200
    assert Api(new, password="new-pw").get("/user").status_code == 401
    assert requests.get(f"{new.url}/api/v3.1/snapshot-status").json() == {"status": "not-running"}
    exe = Api(new, password="old-pw").get(f"/executions/{exec_id}").json()
    assert exe["status"] == "terminated" and exe["started_at"] is None and exe["parameters"] is None
    events = Api(new, password="old-pw").get(f"/events?execution_id={exec_id}&_size=100").json()["items"]
    messages = [e["message"] for e in events]
    assert messages[0] == "Restoring database"  # what was logged before the DB swap is gone
    after = next(m for m in messages if m.startswith("After restore, the following commands will run"))
    assert "UPDATE users SET" in after and "password='$pbkdf2-sha256$" in after
    assert "rm -f /tmp/cloudify/snapshot_restoring" in after
    assert messages[-1] == "'restore_snapshot' workflow execution succeeded"
