"""The manager-level rules on hand-made facts: wagon Python tags, licences, LDAP pairs, editions and
cluster topologies (the simulator rows in tests/integration/engine/test_manager_level.py run them
against managers)."""

from __future__ import annotations

import pytest
from packaging.version import Version

from wizard.cloudify.models import Broker, ManagerNode, VersionInfo
from wizard.cloudify.models_topology import (
    ClusterStatus,
    DBNode,
    LdapSettings,
    LicenceInfo,
    PluginInfo,
)
from wizard.migration.checks.facts import ManagerFacts
from wizard.migration.checks.identity import licence, new_ldap, pair_edition
from wizard.migration.checks.plugins import fits, manager_pythons, pair_plugins, parse_py, wagon_pythons
from wizard.migration.checks.probe import ManagerProbe
from wizard.migration.checks.topology import cluster_new, cluster_old
from wizard.migration.findings import Status


@pytest.mark.parametrize(
    ("tag", "parsed"),
    [("py27", (2, 7)), ("py36", (3, 6)), ("py311", (3, 11)), ("py3", (3, None)), ("3.10", (3, 10)),
     ("py3.10", (3, 10)), ("cp39", (3, 9)), ("nonsense", None)],
)  # fmt: skip
def test_python_tags_parse_like_the_plugin_installer(tag: str, parsed: tuple[int, int | None] | None) -> None:
    assert parse_py(tag) == parsed


def test_manager_pythons_follow_the_packaging() -> None:
    assert manager_pythons(Version("5.0.5")) == {(2, 7)}
    assert manager_pythons(Version("5.1.0")) == {(3, 6)}
    assert manager_pythons(Version("6.4.2")) == {(3, 6)}
    assert manager_pythons(Version("7.0.4")) == {(3, 11), (3, 10)}


def test_a_wagon_fits_by_exact_python_or_by_major_when_pure() -> None:
    seven = manager_pythons(Version("7.0.4"))
    assert fits([(3, 6)], seven, ["x-1.0-py3-none-any.whl"])  # pure wheels: any 3.x
    assert not fits([(3, 6)], seven, ["y-1.0-cp36-cp36m-linux_x86_64.whl"])  # compiled for 3.6
    assert not fits([(2, 7)], seven, ["x-1.0-py2-none-any.whl"])
    assert fits([(3, None)], seven, [])
    assert wagon_pythons({"supported_py_versions": [], "wheels": ["a-1-cp27-cp27mu-linux_x86_64.whl"]}) == [
        (2, 7)
    ]


def _probe(label: str, version: str, edition: str = "premium", **kw: object) -> ManagerProbe:
    p = ManagerProbe(label, f"https://127.0.0.{1 if label == 'old' else 2}", "default_tenant", True, True)
    p.version = VersionInfo(version, edition, "centos", "core")
    for k, v in kw.items():
        setattr(p, k, v)
    return p


def test_py2_wagons_warn_with_each_plugin_and_no_plugins_pass() -> None:
    plugin = PluginInfo(
        "p1", "cloudify-aws-plugin", "2.0.0", "t1", "linux_x86_64", ("py27",), "centos", "core"
    )
    facts = ManagerFacts("old", plugins=[plugin])
    found = pair_plugins(facts, _probe("new", "6.4.2"))
    assert found.status is Status.WARN
    assert "cloudify-aws-plugin 2.0.0 (t1): Python 2.7, linux_x86_64 centos core" in found.detail
    assert pair_plugins(ManagerFacts("old", plugins=[]), _probe("new", "6.4.2")).status is Status.PASS
    assert pair_plugins(None, _probe("new", "6.4.2")).status is Status.SKIP


def test_licence_states() -> None:
    assert licence("new", ManagerFacts("new", edition="community")).status is Status.PASS
    assert licence("new", ManagerFacts("new", edition="premium", licences=[])).status is Status.FAIL
    trial = LicenceInfo("c", "2024-01-01", "Premium", trial=True, expired=True)
    assert licence("new", ManagerFacts("new", edition="premium", licences=[trial])).status is Status.FAIL
    paying = LicenceInfo("c", "2024-01-01", "Premium", trial=False, expired=True)
    assert licence("new", ManagerFacts("new", edition="premium", licences=[paying])).status is Status.WARN
    valid = LicenceInfo("c", "2099-01-01", "Premium")
    assert licence("new", ManagerFacts("new", edition="premium", licences=[valid])).status is Status.PASS


def test_ldap_pairs() -> None:
    on = LdapSettings(True, {"ldap_server": "ldap://a"})
    other = LdapSettings(True, {"ldap_server": "ldap://b"})
    off = LdapSettings(False)
    cases = [(on, off, Status.FAIL), (on, on, Status.PASS), (on, other, Status.WARN), (off, on, Status.WARN),
             (off, off, Status.PASS)]  # fmt: skip
    for old, new, status in cases:
        assert new_ldap(ManagerFacts("old", ldap=old), ManagerFacts("new", ldap=new)).status is status
    assert new_ldap(None, ManagerFacts("new", ldap=off)).status is Status.SKIP


def test_editions() -> None:
    assert pair_edition(_probe("old", "6.4.2"), _probe("new", "7.0.4", "community")).status is Status.FAIL
    assert pair_edition(_probe("old", "6.4.2", "community"), _probe("new", "7.0.4")).status is Status.PASS


def _cluster(statuses: list[str]) -> ClusterStatus:
    nodes = {
        f"m{i}": {"private_ip": f"10.0.0.{i}", "version": "7.0.4", "status": s}
        for i, s in enumerate(statuses)
    }
    return ClusterStatus.from_api({"status": "OK", "services": {"manager": {"status": "OK", "nodes": nodes}}})


def test_cluster_new_rules() -> None:
    nodes = [ManagerNode(f"m{i}", f"10.0.0.{i}", version="7.0.4") for i in range(3)]
    probe = _probe("new", "7.0.4", nodes=nodes)
    running = cluster_new(probe, ManagerFacts("new", cluster=_cluster(["OK"] * 3)), legacy_restore=True)
    assert running.status is Status.FAIL and "cfy_manager stop" in running.remediation
    one = cluster_new(
        probe, ManagerFacts("new", cluster=_cluster(["OK", "Fail", "Fail"])), legacy_restore=True
    )
    assert one.status is Status.WARN
    unknown = cluster_new(probe, ManagerFacts("new"), legacy_restore=True)
    assert unknown.status is Status.WARN
    single = _probe("new", "7.0.4", nodes=nodes[:1])
    k8s = cluster_new(single, ManagerFacts("new", runtime="k8s"), legacy_restore=True)
    assert k8s.status is Status.FAIL
    assert cluster_new(single, ManagerFacts("new", runtime="k8s"), legacy_restore=False).status is Status.PASS


def test_cluster_old_mixed_versions_warn() -> None:
    nodes = [ManagerNode("a", "10.0.0.1", version="6.4.2"), ManagerNode("b", "10.0.0.2", version="6.4.1")]
    probe = _probe("old", "6.4.2", nodes=nodes, brokers=[Broker("r", "10.0.0.1")])
    found = cluster_old(probe, ManagerFacts("old", db_nodes=[DBNode("d", "10.0.0.1")]))
    assert found.status is Status.WARN and "different versions" in found.detail
