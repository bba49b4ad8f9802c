"""Manager-level risks (issue 13) against simulated managers: each case shows its finding, and when
it blocks, nothing changes on either manager (no write request, no snapshot, no restore)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.integration.engine.conftest import Pair, ScriptedDecider, engine_config
from wizard.migration.findings import Finding, Status
from wizard.migration.runner import Migration


def _writes(state: dict[str, Any]) -> dict[str, int]:
    return {
        route: n
        for route, n in state["requests"]["by_route"].items()
        if route.split()[0] in {"PUT", "POST", "DELETE", "PATCH"}
    }


def _preflight(pair: Pair, tmp_path: Path, **overrides: Any) -> dict[str, Finding]:
    migration = Migration(
        engine_config(pair, tmp_path, **overrides), on_event=lambda e: None, decider=ScriptedDecider()
    )
    try:
        return {f.id: f for f in migration.preflight()}
    finally:
        migration.close()


def _blocked(pair: Pair, tmp_path: Path, expected_id: str, **overrides: Any) -> dict[str, Finding]:
    """Run the migration: it stops at the first preflight, blocked by `expected_id`, and neither
    manager received a single write."""
    migration = Migration(
        engine_config(pair, tmp_path, **overrides), on_event=lambda e: None, decider=ScriptedDecider()
    )
    result = migration.run()
    migration.close()
    findings = {f.id: f for f in result.outcomes[0].findings}
    assert result.exit_code == 2, result.summary
    assert expected_id in result.summary
    assert findings[expected_id].status is Status.FAIL
    assert findings[expected_id].remediation
    old, new = pair.old.state(), pair.new.state()
    assert _writes(old) == {} and _writes(new) == {}
    assert old["snapshots"] == [] and new["restore_history"] == []
    return findings


# -- licence and edition ---------------------------------------------------------------------------


def test_unlicensed_new_manager_is_a_licence_fail_not_a_try_again_error(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", new={"license": "missing"})
    found = _blocked(pair, tmp_path, "new.licence")
    assert "licence" in found["new.licence"].title.lower()
    assert "cfy license upload" in found["new.licence"].remediation
    assert found["new.clean"].status is Status.SKIP  # not an ERROR saying "try again"
    assert not any(f.status is Status.ERROR for f in found.values())


def test_unlicensed_old_manager_before_six_refuses_even_the_login(make_pair, tmp_path: Path) -> None:
    pair = make_pair("5.2.7", "6.4.2", old={"license": "missing"})
    found = _blocked(pair, tmp_path, "old.licence")
    assert found["old.auth"].status is Status.SKIP
    assert not any(f.status is Status.ERROR for f in found.values())


def test_expired_paying_licence_is_a_warning(make_pair, tmp_path: Path) -> None:
    found = _preflight(make_pair("6.4.2", "7.0.4", new={"license": "expired"}), tmp_path)
    assert found["new.licence"].status is Status.WARN
    assert found["new.clean"].status is Status.PASS


def test_premium_to_community_blocks_on_the_edition(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", new={"edition": "community"})
    found = _blocked(pair, tmp_path, "pair.edition")
    assert "Composer" in found["pair.edition"].detail
    assert found["new.licence"].status is Status.PASS  # community needs none


def test_licensed_premium_pair_passes_licence_and_edition(make_pair, tmp_path: Path) -> None:
    found = _preflight(make_pair("6.4.2", "7.0.4"), tmp_path)
    for ident in (
        "old.licence",
        "new.licence",
        "pair.edition",
        "old.ldap",
        "new.ldap",
        "cluster.old",
        "cluster.new",
    ):
        assert found[ident].status is Status.PASS, (ident, found[ident])


# -- LDAP ------------------------------------------------------------------------------------------


def test_ldap_on_the_old_manager_only_blocks(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", old={"ldap_server": "ldap://127.0.0.99:389"})
    found = _blocked(pair, tmp_path, "new.ldap")
    assert found["old.ldap"].status is Status.PASS
    assert "ldap://127.0.0.99:389" in found["new.ldap"].detail
    assert "cfy ldap set" in found["new.ldap"].remediation


def test_same_ldap_on_both_passes_and_another_server_warns(make_pair, tmp_path: Path) -> None:
    same = make_pair("6.4.2", "7.0.4", old={"ldap_server": "ldap://a"}, new={"ldap_server": "ldap://a"})
    assert _preflight(same, tmp_path / "same")["new.ldap"].status is Status.PASS
    for sim in (same.old, same.new):
        sim.stop()
    other = make_pair("6.4.2", "7.0.4", old={"ldap_server": "ldap://a"}, new={"ldap_server": "ldap://b"})
    assert _preflight(other, tmp_path / "other")["new.ldap"].status is Status.WARN


# -- plugins ---------------------------------------------------------------------------------------


def test_python2_wagons_from_505_are_listed_one_by_one(make_pair, tmp_path: Path) -> None:
    found = _preflight(make_pair("5.0.5", "6.4.2"), tmp_path)
    plugins = found["pair.plugins"]
    assert plugins.status is Status.WARN
    assert "Python 3.6" in plugins.title
    assert plugins.detail.count("cloudify-utilities-plugin 1.25.0") == 2  # one per tenant
    assert "Python 2.7, linux_x86_64 centos core" in plugins.detail
    assert "cfy plugins update" in plugins.remediation
    rows = plugins.data["plugins"]
    assert all(r["supported_py_versions"] == ["py27"] and r["python_fits"] is False for r in rows)


def test_python3_wagons_fit_a_seven_manager(make_pair, tmp_path: Path) -> None:
    found = _preflight(make_pair("6.4.2", "7.0.4"), tmp_path)
    assert found["pair.plugins"].status is Status.PASS


# -- clusters --------------------------------------------------------------------------------------


def test_new_cluster_with_three_managers_running_blocks_with_the_procedure(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", new={"managers": 3, "brokers": 3, "db_nodes": 3})
    found = _blocked(pair, tmp_path, "cluster.new")
    fix = found["cluster.new"].remediation
    assert "cfy_manager stop" in fix and "rest-security.conf" in fix and "cfy_manager start" in fix
    topo = found["cluster.new"].data
    assert (len(topo["managers"]), len(topo["brokers"]), len(topo["db_nodes"])) == (3, 3, 3)


def test_new_cluster_with_one_manager_left_running_goes_on_with_steps(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", new={"managers": 3, "stopped_managers": 2})
    found = _preflight(pair, tmp_path)
    assert found["cluster.new"].status is Status.WARN
    assert "rest-security.conf" in found["cluster.new"].remediation


def test_old_cluster_shows_its_topology(make_pair, tmp_path: Path) -> None:
    found = _preflight(
        make_pair("6.4.2", "7.0.4", old={"managers": 3, "brokers": 3, "db_nodes": 3}), tmp_path
    )
    cluster = found["cluster.old"]
    assert cluster.status is Status.PASS
    assert "3 managers" in cluster.detail and "3 brokers" in cluster.detail and "3 DB nodes" in cluster.detail


def test_kubernetes_new_manager_refuses_the_legacy_snapshot(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", new={"runtime": "k8s"})
    found = _blocked(pair, tmp_path, "cluster.new")
    assert "distributed" in found["cluster.new"].title
