"""Version ordering, findings, waivers and event serialisation."""

from __future__ import annotations

import pytest

from wizard.cloudify.models import ManagerNode, VersionInfo, parse_manager_version
from wizard.migration.checks.probe import ManagerProbe
from wizard.migration.checks.rules import ip_rule, new_version_order, same_manager
from wizard.migration.events import FindingsReady, StepFinished, to_json
from wizard.migration.findings import Finding, Status, Waiver, applied_waivers, blockers, summarize
from wizard.migration.steps import ORDER, Outcome, StepId


def probe(label: str, version: str, ip: str = "", host: str = "", url: str = "") -> ManagerProbe:
    p = ManagerProbe(
        label, url or f"https://{label}:443", "default_tenant", True, True, VersionInfo(version, "premium")
    )
    if ip:
        p.nodes = [ManagerNode(host, ip, networks={"default": ip})]
    return p


@pytest.mark.parametrize(
    ("old", "new", "status"),
    [
        ("4.6", "7.0.4", Status.PASS),
        ("6.4.2", "6.4.2", Status.WARN),
        ("7.0.4", "6.4.2", Status.FAIL),
        ("5.2.7", "5.10.0", Status.PASS),
        ("7.0.0", "7.1.0.dev1", Status.PASS),
        ("6.4.2", "6.4.2-ga", Status.WARN),
    ],
)
def test_version_order(old: str, new: str, status: Status) -> None:
    assert new_version_order(probe("old", old), probe("new", new)).status is status


def test_versions_compare_numerically_not_as_strings() -> None:
    assert parse_manager_version("5.10") > parse_manager_version("5.9.9")
    assert parse_manager_version("4.6") == parse_manager_version("4.6.0")


def test_blockers_and_waivers() -> None:
    findings = [
        Finding("new.clean", Status.FAIL, "A"),
        Finding("new.health", Status.ERROR, "B"),
        Finding("old.health", Status.WARN, "C"),
        Finding("local.disk", Status.PASS, "D"),
    ]
    waivers = [Waiver.parse("new.clean=we know"), Waiver.parse("old.health")]
    assert [f.id for f in blockers(findings, waivers)] == ["new.health"]
    assert [w.id for w in applied_waivers(findings, waivers)] == ["new.clean"]
    assert Waiver.parse(" local.disk = why ").reason == "why"
    with pytest.raises(ValueError):
        Waiver.parse("=reason")
    with pytest.raises(ValueError) as typo:
        Waiver.parse("new.claen")  # a typo is not silently ignored (issue 14)
    assert "new.clean" in str(typo.value)
    s = summarize(findings)
    assert (s.total, s.passed, s.warnings, s.failures, s.errors, s.skipped) == (4, 1, 1, 1, 1, 0)


def test_finding_round_trip() -> None:
    f = Finding("new.clean", Status.FAIL, "t", "d", "r", {"blueprints": 2})
    assert Finding.from_json(f.to_json()) == f


def test_same_manager_by_url_and_identity() -> None:
    a = probe("old", "6.4.2", "10.0.0.5", "mgr", url="https://10.0.0.5")
    b = probe("new", "7.0.4", "10.0.0.5", "mgr", url="https://10.0.0.5:443")
    assert same_manager(a, b).status is Status.FAIL
    c = probe("new", "7.0.4", "10.0.0.5", "mgr", url="https://mgr.example:443")
    assert same_manager(a, c).status is Status.FAIL
    d = probe("new", "7.0.4", "10.0.0.6", "mgr2", url="https://10.0.0.6")
    assert same_manager(a, d).status is Status.PASS


def test_ip_rule() -> None:
    old = probe("old", "6.4.2", "10.0.0.5")
    same = probe("new", "7.0.4", "10.0.0.5")
    other = probe("new", "7.0.4", "10.0.0.6")
    assert (
        ip_rule(old, same, installed=3, old_reachable=True, restore_certificates=True).status is Status.PASS
    )
    assert (
        ip_rule(old, other, installed=3, old_reachable=True, restore_certificates=False).status is Status.WARN
    )
    assert (
        ip_rule(old, other, installed=3, old_reachable=False, restore_certificates=False).status
        is Status.FAIL
    )
    assert (
        ip_rule(old, other, installed=0, old_reachable=False, restore_certificates=False).status
        is Status.PASS
    )
    assert (
        ip_rule(old, other, installed=3, old_reachable=True, restore_certificates=True).status is Status.FAIL
    )


def test_steps_in_flow_order_with_titles() -> None:
    assert ORDER[0] is StepId.PREFLIGHT_OLD and ORDER[-1] is StepId.REPORT
    assert all(step.label for step in ORDER)
    assert StepId.RESTORE.destructive and not StepId.INSPECT_ARCHIVE.destructive


def test_events_to_json() -> None:
    data = to_json(FindingsReady("preflight", (Finding("x", Status.PASS, "X"),)))
    assert data["event"] == "FindingsReady" and data["findings"][0]["status"] == "PASS"
    assert to_json(StepFinished(StepId.UPLOAD, Outcome.DONE, "ok"))["outcome"] == "done"


def test_every_check_id_the_code_makes_can_be_waived() -> None:
    """CHECK_IDS lists every id a check produces (so --waive accepts each and nothing else)."""
    import re
    from pathlib import Path

    from wizard.migration.findings import CHECK_IDS

    root = Path(__file__).resolve().parents[3] / "wizard" / "migration"
    made: set[str] = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        made |= set(re.findall(r'Finding\(\s*"([a-z]+\.[a-z-]+)"', text))
        made |= set(re.findall(r'error_finding\(\s*"([a-z]+\.[a-z-]+)"', text))
        for label in ("old", "new"):
            made |= {f"{label}.{m}" for m in re.findall(r'Finding\(\s*f"\{label\}\.([a-z-]+)"', text)}
    assert made and made <= CHECK_IDS, sorted(made - CHECK_IDS)
