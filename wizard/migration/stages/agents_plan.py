"""The agents step's plan: which deployments get install_new_agents, in which wave, with which
parameters — journaled once, before the first start.

The plan is the census of the NEW manager right after the restore (its deployments, node instances
and agents are the snapshot's): the official CLI's rule picks the deployments, the census says
which of the others cannot move by themselves (kept for the decommissioning advice), and the waves
put one deployment per blueprint first.
"""

from __future__ import annotations

import contextlib
from typing import Any

from wizard.cloudify.errors import CloudifyError, RequestCancelledError
from wizard.migration.census import MANUAL, NOTHING, take_census
from wizard.migration.context import Context, StageView
from wizard.migration.state import AgentRecord
from wizard.migration.steps import StepId
from wizard.migration.storage import utc_now
from wizard.migration.units import plural
from wizard.migration.waves import assign_waves

STEP = StepId.INSTALL_AGENTS


def agent_parameters(ctx: StageView) -> dict[str, Any]:
    """Parameters like `cfy agents install`: the timeout always, stop_old_agent only if chosen,
    manager_ip only if given — and then with manager_certificate, the new manager's CA (the
    official CLI sends the two together: agents told to reach another address must be able to
    verify it). Here the CA is the --new-ca-cert file; the plan prefers the new manager's own
    internal CA from /managers when it has one."""
    params: dict[str, Any] = {"install_agent_timeout": ctx.config.agents.timeout}
    if ctx.config.agents.stop_old_agents:
        params["stop_old_agent"] = True
    if ctx.config.agents.manager_ip:
        params["manager_ip"] = ctx.config.agents.manager_ip
        ca = ctx.config.new_manager.endpoint.ca_cert
        if ca is not None:
            with contextlib.suppress(OSError, UnicodeDecodeError):
                params["manager_certificate"] = ca.read_text(encoding="utf-8")
    return params


def _with_certificate(ctx: Context, params: dict[str, Any]) -> dict[str, Any]:
    """manager_ip with the new manager's internal CA (GET /managers' ca_cert_content), and why."""
    if "manager_ip" not in params:
        return params
    source = "the --new-ca-cert file" if params.get("manager_certificate") else ""
    try:
        internal = next((n.ca_cert_content for n in ctx.new.managers() if n.ca_cert_content), "")
    except RequestCancelledError:
        raise
    except CloudifyError:
        internal = ""
    if internal:
        params["manager_certificate"], source = internal, "the new manager's internal CA (GET /managers)"
    if source:
        ctx.log(
            STEP,
            "info",
            f"manager_ip {params['manager_ip']} goes with manager_certificate = {source}: agents told to "
            "reach another address must verify the manager there (`cfy agents install` sends the two "
            "together).",
        )
    else:
        ctx.log(
            STEP,
            "warning",
            f"manager_ip {params['manager_ip']} goes WITHOUT manager_certificate: the new manager's CA is "
            "unknown (no /managers CA, no --new-ca-cert); agents keep the CA they have.",
        )
    return params


def plan(ctx: Context) -> None:
    """Take the new manager's census and journal the plan (once; a resume keeps it)."""
    a = ctx.state.agents
    if a.planned_at:
        return
    census = take_census(ctx.new, ctx.config.agents.tenants)
    records = []
    for row in census.rows:
        if not row.runs:
            continue
        rec = AgentRecord(
            tenant=row.tenant, deployment=row.deployment, agents=row.agents, blueprint=row.blueprint
        )
        records.append(a.deployments.setdefault(rec.key, rec))
    assign_waves(records, ctx.config.agents.concurrency)
    a.skipped = [
        {"tenant": r.tenant, "deployment": r.deployment, "reason": "nothing to move: " + r.reason}
        for r in census.of(NOTHING)
    ]
    a.manual = [r.to_json() for r in census.of(MANUAL)]
    a.parameters = _with_certificate(ctx, agent_parameters(ctx))
    a.planned_at = utc_now()
    ctx.save()
    canaries = sum(1 for r in records if r.wave == 0)
    ctx.log(
        STEP,
        "info",
        f"Census of the new manager: {census.summary()}. install_new_agents for "
        f"{plural(len(records), 'deployment')}: {plural(canaries, 'canary', 'canaries')} first (one per "
        f"blueprint), then the rest at {ctx.config.agents.concurrency} at once.",
    )
