"""Snapshot create (real zip), download (Range/HEAD), upload (raw/chunked), delete, conflicts."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from tests.simulator.helpers import Api, execution_done, make_snapshot


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_create_writes_a_real_legacy_archive(make_simulator):
    sim = make_simulator(
        profile="6.4.2", admin_password="s3cret-pw", extra_networks=("external",), deployments=6, installed=6
    )
    api = Api(sim)
    r = api.put("/snapshots/snapA", json={"include_credentials": "true", "queue": "false"})
    assert r.status_code == 201
    body = r.json()
    assert body["workflow_id"] == "create_snapshot" and body["is_system_workflow"] is True
    assert body["status"] == "pending" and body["error"] is None
    assert api.get("/snapshots/snapA").json()["status"] in ("creating", "created")
    execution_done(sim, body["id"])
    snap = api.get("/snapshots/snapA").json()
    assert snap == {
        **snap,
        "status": "created",
        "error": "",
        "visibility": "private",
        "private_resource": True,
    }
    data = api.get("/snapshots/snapA/archive").content
    assert b"s3cret-pw" not in data
    zf = _zip(data)
    meta = json.loads(zf.read("metadata.json"))
    assert meta["snapshot_version"] == "6.4.2"
    assert {"schema_revision", "stage_schema_revision", "composer_schema_revision"} <= set(meta)
    admin = json.loads(zf.read("admin_account.json"))
    assert admin["username"] == "admin" and admin["password"].startswith("$pbkdf2-sha256$")
    networks = json.loads(zf.read("networks.json"))["active_networks"]
    assert set(networks) <= {"default", "external"} and networks
    agents = json.loads(zf.read("agents.json"))
    assert agents and all(isinstance(v, dict) for v in agents.values())
    assert zf.read("pg_data").startswith(b"--\n--")
    assert api.put("/snapshots/snapA", json={}).status_code == 409
    assert api.put("/snapshots/snapA", json={}).json()["error_code"] == "conflict_error"


def test_community_and_new_format_metadata(make_simulator):
    sim = make_simulator(profile="7.0.4", edition="community")
    api = Api(sim)
    make_snapshot(api, "legacy1", legacy=True)
    meta = json.loads(_zip(api.get("/snapshots/legacy1/archive").content).read("metadata.json"))
    assert set(meta) == {"snapshot_version", "schema_revision"}
    premium = Api(make_simulator(profile="7.0.4"))
    r = make_snapshot(premium, "new1", legacy=False)
    zf = _zip(premium.get("/snapshots/new1/archive").content)
    meta = json.loads(zf.read("metadata.json"))
    assert meta == {"snapshot_version": "7.0.4", "execution_id": r.json()["id"]}
    assert any(n.startswith("mgmt/") for n in zf.namelist())
    assert r.json()["parameters"]["legacy"] is False


def test_community_new_format_create_fails_premium_only(make_simulator):
    """Measured on 7.1 community: PUT 201, the execution fails at the first premium-only endpoint."""
    sim = make_simulator(profile="7.1.0", edition="community")
    api = Api(sim)
    r = api.put("/snapshots/new1", json={"legacy": False})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    exe = execution_done(sim, r.json()["id"])
    assert exe["status"] == "failed"
    premium = "This feature exists only in the premium edition of Cloudify.\n"
    premium += "Please contact sales for additional info."
    full = api.get(f"/executions/{r.json()['id']}").json()
    assert full["error"].endswith(f"CloudifyClientError: 404: {premium}\n")
    snap = api.get("/snapshots/new1").json()
    assert snap["status"] == "failed" and snap["error"] == f"404: {premium}"
    events = api.get(f"/events?execution_id={r.json()['id']}&_size=100").json()["items"]
    assert [e.get("event_type") or e["level"] for e in events] == [
        "workflow_started", "info", "debug", "debug", "debug", "debug", "debug", "error", "debug",
        "workflow_failed",
    ]  # fmt: skip
    assert events[-1]["message"] == f"'create_snapshot' workflow execution failed: 404: {premium}"


def test_legacy_create_sends_the_measured_33_events(make_simulator):
    sim = make_simulator(profile="7.1.0", edition="community")
    api = Api(sim)
    r = make_snapshot(api, "snapA", legacy=True, include_credentials=True)
    query = f"execution_id={r.json()['id']}&_size=1000&_sort=reported_timestamp"
    events = api.get(f"/events?{query}").json()["items"]
    messages = [e["message"] for e in events]
    # 31 + two credential lines per host with an agent key (the real seed had one such host: 33)
    assert len(events) == 31
    real_like = make_simulator(profile="7.1.0", edition="community", real_shapes=True)
    r2 = make_snapshot(Api(real_like), "snapB", legacy=True)
    query2 = f"execution_id={r2.json()['id']}&_size=1000&_sort=reported_timestamp"
    assert Api(real_like).get(f"/events?{query2}").json()["metadata"]["pagination"]["total"] == 33
    assert sum("Source not found" in m and "Skipping..." in m for m in messages) == 5
    config = next(m for m in messages if m.startswith("Init Postgres config: "))
    assert '"postgresql_password": "********"' in config
    exe = api.get(f"/executions/{r.json()['id']}").json()
    assert exe["parameters"]["config"]["postgresql_password"].startswith("cfy-db-")  # in clear, as real
    assert messages[-1] == "'create_snapshot' workflow execution succeeded"
    assert "Snapshot created successfully" in messages


def test_invalid_ids_and_content_type(make_simulator):
    sim = make_simulator(profile="6.4.2")
    api = Api(sim)
    assert (
        api.put("/snapshots/1abc", json={}).json()["message"]
        == "The `snapshot_id` argument must begin with a letter"
    )
    assert api.put("/snapshots/a$b", json={}).status_code == 400
    r = api.put("/snapshots/ct", data="{}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    assert r.json() == {
        "error_code": "unsupported_content_type_error",
        "server_traceback": None,
        "message": "Content type must be application/json",
    }


def test_download_range_head_and_padding(make_simulator):
    sim = make_simulator(profile="6.4.2", snapshot_size=3_000_000)
    api = Api(sim)
    make_snapshot(api)
    full = api.get("/snapshots/snap1/archive")
    assert full.headers["Content-Type"] == "application/octet-stream"
    assert full.headers["Content-Disposition"] == 'attachment; filename="snap1.zip"'
    size = int(full.headers["Content-Length"])
    assert size == len(full.content) and 2_900_000 < size <= 3_000_000
    assert _zip(full.content).testzip() is None
    head = api.session.head(api.base + "/snapshots/snap1/archive")
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == size and head.content == b""
    part = api.get("/snapshots/snap1/archive", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == full.content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{size}"
    tail = api.get("/snapshots/snap1/archive", headers={"Range": f"bytes={size - 10}-"})
    assert tail.status_code == 206 and tail.content == full.content[-10:]
    bad = api.get("/snapshots/snap1/archive", headers={"Range": f"bytes={size + 5}-"})
    assert bad.status_code == 416 and bad.headers["Content-Range"] == f"bytes */{size}"
    assert api.get("/snapshots/nope/archive").status_code == 404


def test_upload_raw_chunked_conflict_empty(make_simulator):
    sim = make_simulator(profile="6.4.2")
    api = Api(sim)
    payload = b"PK" + bytes(range(256)) * 4000
    r = api.put("/snapshots/raw/archive", data=payload, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 201 and r.json()["status"] == "uploaded" and r.json()["error"] == ""

    def chunks():
        for i in range(0, len(payload), 8192):
            yield payload[i : i + 8192]

    r = api.put("/snapshots/chunked/archive", data=chunks())
    assert r.status_code == 201 and r.json()["id"] == "chunked"
    got = api.get("/snapshots/chunked/archive").content
    assert hashlib.sha256(got).digest() == hashlib.sha256(payload).digest()
    r = api.put("/snapshots/raw/archive", data=payload)
    assert r.status_code == 409 and r.json()["error_code"] == "conflict_error"
    r = api.put("/snapshots/empty/archive", data=b"")
    assert r.status_code == 500 and r.json()["error_code"] == "internal_server_error"
    assert api.get("/snapshots/empty").status_code == 404


def test_upload_to_existing_id_on_7x_is_201_all_null(make_simulator):
    sim = make_simulator(profile="7.0.4")
    api = Api(sim)
    assert api.put("/snapshots/x/archive", data=b"one").status_code == 201
    r = api.put("/snapshots/x/archive", data=b"two-two")
    assert r.status_code == 201 and set(r.json().values()) == {None}
    assert api.get("/snapshots/x/archive").content == b"two-two"


def test_delete_returns_the_snapshot(make_simulator):
    sim = make_simulator(profile="6.4.2")
    api = Api(sim)
    make_snapshot(api, "gone")
    r = api.delete("/snapshots/gone")
    assert r.status_code == 200 and r.json()["id"] == "gone" and r.json()["status"] == "created"
    assert api.get("/snapshots/gone").status_code == 404
    assert (
        api.delete("/snapshots/gone").json()["message"] == "Requested `Snapshot` with ID `gone` was not found"
    )
