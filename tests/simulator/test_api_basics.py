"""Identity per profile, auth and tenants, list envelopes, pagination, projection, filters."""

from __future__ import annotations

import pytest
import requests

from tests.simulator.helpers import Api


@pytest.mark.parametrize("profile", ["4.6", "5.2.7", "6.4.2", "7.0.4"])
def test_profile_identity(make_simulator, profile):
    sim = make_simulator(profile=profile, host="127.0.0.31", hostname="mgr-a")
    api = Api(sim)
    for url in (f"{sim.url}/api/version", f"{sim.url}/api/v3.1/version"):
        v = api.session.get(url).json()
        assert v["version"] == profile and v["edition"] == "premium"
    status = api.get("/status").json()
    assert isinstance(status["services"], list if profile == "4.6" else dict)
    managers = api.get("/managers")
    has_new = profile != "4.6"
    assert managers.status_code == (200 if has_new else 404)
    if has_new:
        item = managers.json()["items"][0]
        assert item["private_ip"] == "127.0.0.31" and item["hostname"] == "mgr-a"
        assert ("filtered" in managers.json()["metadata"]) == (profile >= "6")
    ctx = api.get("/provider/context").json()["context"]["cloudify"]["cloudify_agent"]
    assert ctx["broker_ip"] == "127.0.0.31" and ctx["networks"] == {"default": "127.0.0.31"}
    assert requests.get(f"{sim.url}/api/v3.1/snapshot-status").status_code == (200 if has_new else 404)
    include = api.get("/deployments?_include=id,installation_status")
    if profile >= "6":
        assert include.status_code == 200
        assert set(include.json()["items"][0]) == {"id", "installation_status"}
    else:
        assert include.status_code == 400
        assert include.json()["error_code"] == "no_such_include_field_error"
        assert "installation_status" not in api.get("/deployments").json()["items"][0]
    brokers = api.get("/brokers").json()["items"][0]
    assert brokers["networks"] == {"default": "127.0.0.31"}


def test_default_hostname_and_loopback_ips(make_simulator):
    sim = make_simulator(profile="7.0.4", deployments=20, installed=20)
    state = sim.state()
    assert state["hostname"] == f"cfy-manager-{sim.port}"
    for agent in state["agents"]:
        assert agent["ip"].startswith("127.") and agent["manager_ip"].startswith("127.")


def test_auth_errors(make_simulator):
    sim = make_simulator(profile="7.0.4")
    base = f"{sim.url}/api/v3.1"
    r = requests.get(f"{base}/blueprints", headers={"Tenant": "default_tenant"})
    assert r.status_code == 401
    assert r.json() == {
        "error_code": "unauthorized_error",
        "server_traceback": None,
        "message": "User unauthorized: No authentication info provided",
    }
    r = requests.get(f"{base}/blueprints", auth=("admin", "wrong"))
    assert r.json()["message"] == (
        "User unauthorized: Authentication failed for <User username=`admin`>. "
        "Wrong credentials or locked account"
    )
    r = Api(sim, tenant="no_such_tenant").get("/blueprints")
    assert r.status_code == 403
    assert r.json()["message"] == (
        "Authorization failed: Tried to authenticate with invalid tenant name: no_such_tenant"
    )
    r = Api(sim, tenant=None).put("/snapshots/s1", json={})
    assert r.status_code == 403 and r.json()["message"] == "Authorization failed: tenant not provided"
    assert requests.get(f"{base}/snapshot-status").json() == {"status": "not-running"}
    assert requests.get(f"{base}/ok").json() == "OK"


def test_unknown_urls_are_flask_html(make_simulator):
    sim = make_simulator(profile="6.4.2")
    for path in ("/api/v3.1/nope", "/api/v9/version", "/nothing"):
        r = requests.get(sim.url + path, auth=("admin", "admin"))
        assert r.status_code == 404 and r.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "<title>404 Not Found</title>" in r.text


def test_users_premium_only_and_alice(make_simulator):
    sim = make_simulator(profile="7.0.4", edition="community", tenants=3)
    admin = Api(sim)
    r = admin.get("/users")
    assert r.status_code == 404 and r.json()["error_code"] == "missing_premium_package_error"
    alice = Api(sim, user="alice", password="alice-password")
    me = alice.get("/user").json()
    assert me["username"] == "alice" and me["role"] == "default"
    assert [t["name"] for t in alice.get("/tenants").json()["items"]] == ["default_tenant"]
    assert len(admin.get("/tenants").json()["items"]) == 3
    all_admin = admin.get("/deployments?_all_tenants=true").json()["metadata"]["pagination"]["total"]
    all_alice = alice.get("/deployments?_all_tenants=true").json()["metadata"]["pagination"]["total"]
    assert all_alice < all_admin
    assert (
        Api(sim, user="alice", password="alice-password", tenant="tenant-1").get("/blueprints").status_code
        == 403
    )


def test_pagination_sort_filters(make_simulator):
    sim = make_simulator(profile="6.4.2", tenants=3, deployments=30, installed=10)
    api = Api(sim)
    page = api.get("/deployments?_all_tenants=true&_size=7&_offset=7&_sort=id&_include=id,tenant_name").json()
    assert page["metadata"] == {"pagination": {"total": 30, "size": 7, "offset": 7}, "filtered": None}
    assert len(page["items"]) == 7
    everything = api.get("/deployments?_all_tenants=true&_size=5&_get_all_results=true&_include=id").json()
    assert len(everything["items"]) == 30
    ids = [i["id"] for i in api.get("/deployments?_all_tenants=true&_sort=-id&_include=id").json()["items"]]
    assert ids == sorted(ids, reverse=True)
    ored = api.get("/deployments?id=dep-1&id=dep-4&_include=id").json()["items"]
    assert sorted(i["id"] for i in ored) == ["dep-1", "dep-4"]
    active = api.get("/deployments?_all_tenants=true&installation_status=active").json()
    assert active["metadata"]["pagination"]["total"] == 10
    r = api.get("/deployments?nope=1")
    assert r.status_code == 400 and r.json()["message"].startswith("Filter keys '['nope']' do not exist.")
    r = api.get("/deployments?_sort=nope")
    assert r.status_code == 400 and r.json()["message"].startswith("Sort keys '['nope']' do not exist.")
    r = api.get("/deployments?_size=abc")
    assert r.status_code == 400 and "server_traceback" not in r.json()
    r = api.get("/snapshots?_include=id,nope")
    assert r.json()["error_code"] == "no_such_include_field_error"
    ni = api.get("/node-instances?_all_tenants=true&_size=1").json()["metadata"]["pagination"]
    assert ni["total"] == 60 and ni["size"] == 1


def test_installed_deployments_have_started_hosts(make_simulator):
    sim = make_simulator(profile="6.4.2", deployments=8, installed=3)
    api = Api(sim)
    deps = api.get("/deployments?_all_tenants=true&_include=id,tenant_name,installation_status").json()[
        "items"
    ]
    assert sum(d["installation_status"] == "active" for d in deps) == 3
    for dep in deps:
        t_api = Api(sim, tenant=dep["tenant_name"])
        states = {n["state"] for n in t_api.get(f"/node-instances?deployment_id={dep['id']}").json()["items"]}
        assert states == ({"started"} if dep["installation_status"] == "active" else {"uninitialized"})


def test_clean_manager(make_simulator):
    sim = make_simulator(profile="7.0.4", clean=True)
    state = sim.state()
    assert state["tenants"] == ["default_tenant"] and state["users"] == ["admin"]
    assert state["counts"]["deployments"] == 0 and state["counts"]["blueprints"] == 0


def test_seed_is_deterministic(make_simulator):
    a = make_simulator(profile="6.4.2", seed=7)
    b = make_simulator(profile="6.4.2", seed=7)
    ids_a = Api(a).get("/node-instances?_all_tenants=true&_include=id").json()
    ids_b = Api(b).get("/node-instances?_all_tenants=true&_include=id").json()
    assert ids_a == ids_b
