"""The agents census on the Preflight page: the per-tenant table and the deployments that cannot
move (an SVG snapshot from a census the engine's own rule makes), and, against simulated
managers, acknowledging them through the same waive dialog as a blocker."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from tests.tui import scripted as s
from tests.tui.conftest import Managers, options_for
from tests.tui.drive import run_preflight, wait_until
from wizard.cloudify.models import Agent, Deployment, NodeInstance
from wizard.migration.census import census_finding, classify
from wizard.migration.events import FindingsReady
from wizard.migration.findings import Finding, Status
from wizard.tui.app import MigrateApp
from wizard.tui.dialogs.waive import WaiveDialog
from wizard.tui.flow import Page
from wizard.tui.widgets.census_table import CensusTable

SIZE = (120, 40)


def _census() -> Finding:
    deps = [Deployment(f"web-{i}", t, "web") for t in ("default_tenant", "payments") for i in range(1, 4)]
    instances = [NodeInstance(f"vm_{d.id}", d.id, "vm", f"vm_{d.id}", "started", d.tenant_name) for d in deps]
    instances[2] = NodeInstance("vm_web-3", "web-3", "vm", "vm_web-3", "uninitialized", "default_tenant")
    instances.append(NodeInstance("vm2_web-2", "web-2", "vm2", "vm2_web-2", "deleted", "payments"))
    agents = [Agent(f"vm_{d.id}", d.id, f"vm_{d.id}", install_method="remote", state="started",
                    tenant_name=d.tenant_name) for d in deps if d.id != "web-3"]  # fmt: skip
    agents[0] = Agent("vm_web-1", "web-1", "vm_web-1", install_method="provided", state="started",
                      tenant_name="default_tenant")  # fmt: skip
    return census_finding(classify(deps, instances, agents))


async def test_preflight_census_table() -> None:
    """Page 2 with the census: per tenant, the totals, and the two deployments that cannot move,
    with why. (A Pilot check of what is drawn: an SVG of this page flickers between two layouts,
    with and without the page's scrollbar, while the findings table re-wraps once it appears.)"""
    app = s.snapshot_app()
    async with app.run_test(size=SIZE) as pilot:
        findings = (_census(), Finding("old.auth", Status.PASS, "Logged in to the old manager", "as admin."))
        await s.feed(pilot, [FindingsReady("preflight", findings, at=s.at(1))], Page.PREFLIGHT)
        census = app.main.preflight.query_one(CensusTable)
        assert census.display
        table = census.query_one(DataTable)
        rows = {
            str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)[1:]]
            for i in range(table.row_count)
        }
        assert sorted(rows) == ["all tenants", "default_tenant", "payments"]
        assert rows["all tenants"][0].strip() == "3" and rows["all tenants"][-1].strip() == "2"
        manual = str(census.query_one("#census-manual").render())
        assert "default_tenant/web-1" in manual and "install_method provided" in manual
        assert "payments/web-2" in manual and "partly installed" in manual


async def test_cannot_move_is_acknowledged_with_the_waive_dialog(make_simulator, tmp_path: Path) -> None:
    from tests.tui.conftest import NEW_PASSWORD, OLD_PASSWORD

    old = make_simulator(profile="6.4.2", admin_password=OLD_PASSWORD, host="127.0.0.11", provided_agents=1)
    new = make_simulator(profile="7.0.4", admin_password=NEW_PASSWORD, host="127.0.0.12", clean=True)
    app = MigrateApp(options_for(Managers(old, new), tmp_path / "state", tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await run_preflight(pilot)
        page = app.main.preflight
        census = page.query_one(CensusTable)
        assert census.display
        manual = str(census.query_one("#census-manual").render())
        assert "default_tenant/dep-1" in manual and "provided" in manual
        row = next(i for i, f in enumerate(page.table.findings) if f.id == "old.agents-census")
        page.table.move_cursor(row=row)
        app.sync()
        await pilot.pause()
        waive = page.query_one("#waive")
        assert not waive.disabled  # a WARN, but it decides the advice: it may be acknowledged
        await pilot.click(waive)
        await wait_until(pilot, lambda: isinstance(app.screen, WaiveDialog), what="the waive dialog")
        app.screen.query_one("#reason", Input).value = "reconfigured by hand"
        await pilot.press("enter")
        await wait_until(pilot, lambda: "old.agents-census" in app.session.waivers, what="the waiver")
        assert app.session.waivers["old.agents-census"].reason == "reconfigured by hand"
