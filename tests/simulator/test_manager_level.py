"""The manager-level cases the simulator models (issue 13): a cluster (managers, brokers, DB nodes,
their health), a premium licence gate, LDAP settings in /config, Python 2 wagons on 5.0.5, the
Kubernetes runtime, and maintenance mode's log."""

from __future__ import annotations

import ipaddress
from typing import Any

from tests.conformance.recordings import compare, recorded
from tests.simulator.helpers import PORTABLE_RESTORE, Api, execution_done, make_snapshot


def _items(api: Api, path: str) -> list[dict[str, Any]]:
    r = api.get(path)
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


def test_cluster_of_three_reports_every_node_on_its_own_loopback_ip(make_simulator: Any) -> None:
    sim = make_simulator(host="127.0.0.51", managers=3, brokers=3, db_nodes=3)
    api = Api(sim)
    managers, brokers, dbs = _items(api, "/managers"), _items(api, "/brokers"), _items(api, "/db-nodes")
    assert (len(managers), len(brokers), len(dbs)) == (3, 3, 3)
    assert managers[0]["private_ip"] == "127.0.0.51"  # the one answering
    ips = [m["private_ip"] for m in managers] + [b["host"] for b in brokers] + [d["host"] for d in dbs]
    assert len(set(ips)) == 9
    assert all(ipaddress.IPv4Address(ip) in ipaddress.IPv4Network("127.0.0.0/8") for ip in ips)
    status = api.get("/cluster-status").json()
    assert status["status"] == "OK"
    assert {k: len(v["nodes"]) for k, v in status["services"].items()} == {"manager": 3, "broker": 3, "db": 3}
    summary = api.get("/cluster-status?summary=true").json()
    assert summary == {"status": "OK", "services": {}}


def test_stopped_managers_fail_in_cluster_status(make_simulator: Any) -> None:
    sim = make_simulator(host="127.0.0.52", managers=3, stopped_managers=2)
    managers = Api(sim).get("/cluster-status").json()["services"]["manager"]
    states = sorted(n["status"] for n in managers["nodes"].values())
    assert states == ["Fail", "Fail", "OK"]
    assert managers["status"] == "Degraded"  # a manager's quorum is one


def test_cluster_status_nodes_have_the_recorded_shape(make_simulator: Any) -> None:
    """Node objects carry the keys a real 7.1 answer has (private/public IP, version, services,
    metrics, failures, status); the all-in-one real stack had no DB node rows."""
    sim = make_simulator(profile="7.1.0", edition="community", hostname="feas-manager", db_nodes=1)
    _, real = recorded("cluster_status")
    ours = Api(sim).get("/cluster-status").json()
    assert set(ours) == set(real)
    for kind in ("manager", "broker"):
        assert set(ours["services"][kind]) == set(real["services"][kind])
        real_node = real["services"][kind]["nodes"]["feas-manager"]
        our_node = next(iter(ours["services"][kind]["nodes"].values()))
        assert compare(real_node, our_node) == [], kind


def test_config_items_have_the_recorded_shape_and_hide_admin_only_values(make_simulator: Any) -> None:
    sim = make_simulator(ldap_server="ldap://127.0.0.99:389")
    _, real = recorded("config_list")
    body = Api(sim).get("/config").json()
    assert set(body) == set(real)
    real_item = next(i for i in real["items"] if i["name"] == "ldap_server")
    ours = {i["name"]: i for i in body["items"]}
    assert set(ours["ldap_server"]) == set(real_item)
    assert ours["ldap_server"]["value"] == "ldap://127.0.0.99:389"
    assert Api(sim).get("/ldap").json() == "enabled"
    scoped = Api(sim).get("/config?scope=rest").json()
    assert "authorization" not in scoped and all(i["scope"] == "rest" for i in scoped["items"])
    alice = Api(sim, user="alice", password="alice-password")
    hidden = {i["name"]: i["value"] for i in alice.get("/config?scope=rest").json()["items"]}
    assert hidden["ldap_password"] == "********"


def test_no_ldap_by_default_and_46_config_has_no_rows(make_simulator: Any) -> None:
    assert Api(make_simulator(profile="6.4.2")).get("/ldap").json() == "disabled"
    old = Api(make_simulator(profile="4.6", ldap_server="ldap://127.0.0.98"))
    assert old.get("/ldap").json() == "enabled"
    assert "items" not in old.get("/config").json()  # 4.6: authorization settings only


def test_unlicensed_premium_refuses_all_but_the_allowed_endpoints(make_simulator: Any) -> None:
    sim = make_simulator(license="missing")
    api = Api(sim)
    refused = api.get("/blueprints")
    assert refused.status_code == 400
    assert refused.json()["error_code"] == "missing_cloudify_license"
    assert api.get("/snapshots").json()["error_code"] == "missing_cloudify_license"
    for path in ("/version", "/user", "/tenants", "/managers", "/status", "/maintenance"):
        assert api.get(path).status_code == 200, path
    assert _items(api, "/license") == []


def test_before_six_an_unlicensed_manager_refuses_even_the_user(make_simulator: Any) -> None:
    sim = make_simulator(profile="5.2.7", license="missing")
    assert Api(sim).get("/user").json()["error_code"] == "missing_cloudify_license"
    assert Api(sim).get("/version").status_code == 200


def test_expired_trial_blocks_and_expired_paying_does_not(make_simulator: Any) -> None:
    trial = Api(make_simulator(license="expired-trial"))
    assert trial.get("/blueprints").json()["error_code"] == "expired_cloudify_license"
    assert _items(trial, "/license")[0]["trial"] is True
    paying = Api(make_simulator(license="expired"))
    assert paying.get("/blueprints").status_code == 200
    assert _items(paying, "/license")[0]["expired"] is True


def test_community_has_no_license_list_and_no_gate(make_simulator: Any) -> None:
    api = Api(make_simulator(profile="7.0.4", edition="community", license="missing"))
    assert api.get("/license").json()["error_code"] == "missing_premium_package_error"
    assert api.get("/blueprints").status_code == 200
    check = api.get("/license-check")
    assert check.status_code == 400 and check.json()["error_code"] == "missing_cloudify_license"


def test_plugins_carry_the_python_of_their_manager(make_simulator: Any) -> None:
    for profile, tag in (("5.0.5", "py27"), ("5.2.7", "py36"), ("7.0.4", "py311")):
        plugins = _items(Api(make_simulator(profile=profile)), "/plugins?_all_tenants=true")
        assert plugins and {tuple(p["supported_py_versions"]) for p in plugins} == {(tag,)}, profile
        assert all(any(tag in w or "cp27" in w or "py3-" in w for w in p["wheels"]) for p in plugins)
    override = _items(
        Api(make_simulator(profile="6.4.2", plugin_python="py27")), "/plugins?_all_tenants=true"
    )
    assert {tuple(p["supported_py_versions"]) for p in override} == {("py27",)}


def test_k8s_runtime_lists_its_services_and_refuses_legacy_restores(make_simulator: Any) -> None:
    old = make_simulator(profile="6.4.2", host="127.0.0.53", admin_password="old-pw")
    new = make_simulator(profile="7.0.4", host="127.0.0.54", clean=True, runtime="k8s")
    assert "Kubernetes State Metrics" in Api(new).get("/status").json()["services"]
    make_snapshot(Api(old), "s1")
    archive = Api(old).get("/snapshots/s1/archive").content
    assert Api(new).put("/snapshots/s1/archive", data=archive).status_code == 201
    r = Api(new).post("/snapshots/s1/restore", json=PORTABLE_RESTORE)
    done = execution_done(new, r.json()["id"])
    assert done["status"] == "failed"
    assert "legacy snapshots cannot be restored on a distributed manager" in done["error"]
    assert new.state()["counts"]["deployments"] == 0


def test_maintenance_changes_are_logged(make_simulator: Any) -> None:
    sim = make_simulator()
    api = Api(sim)
    api.post("/maintenance/activate")
    api.post("/maintenance/deactivate")
    assert [m["action"] for m in sim.state()["maintenance_log"]] == ["activate", "deactivate"]


def test_config_rejects_impossible_clusters_and_licences() -> None:
    import pytest

    from wizard.simulator import SimulatorConfig

    for bad in (
        {"managers": 0},
        {"managers": 2, "stopped_managers": 2},
        {"license": "stolen"},
        {"runtime": "vm"},
    ):
        with pytest.raises(ValueError):
            SimulatorConfig(**bad).validate()  # type: ignore[arg-type]
