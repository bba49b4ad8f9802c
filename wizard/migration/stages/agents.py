"""install_new_agents for every installed deployment on the NEW manager.

Bounded concurrency; each wave's intents journaled (in one write) before its POSTs (a resume
lists a deployment's install_new_agents executions before posting again); tracking by LISTING
the running executions by id across all tenants — the requests per polling cycle are bounded by
the concurrency (50 ids a request), not by deployments; skipped deployments listed with the
reason; failed ones retried only when the decider says so.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from wizard.cloudify.errors import (
    BadParametersError,
    CloudifyError,
    ExistingRunningExecutionError,
    HTTPError,
    RequestCancelledError,
    TransportError,
    UnavailableWorkflowError,
)
from wizard.migration.context import Context, StageView
from wizard.migration.decider import FailedAgent
from wizard.migration.errors import MigrationError
from wizard.migration.events import AgentUpdate
from wizard.migration.failpoints import failpoint
from wizard.migration.inventory import split_installed
from wizard.migration.redact import redact
from wizard.migration.stages.preflight import recheck_agents
from wizard.migration.state import AgentRecord
from wizard.migration.steps import Outcome, StepId, StepOutcome
from wizard.migration.storage import utc_now

WORKFLOW = "install_new_agents"
STEP = StepId.INSTALL_AGENTS
#: execution ids asked for in one listing request (keeps the URL short at high concurrency)
_IDS_PER_REQUEST = 50
#: start requests sent at once
_PARALLEL_STARTS = 8
#: start requests tried for one deployment before it counts as failed
_START_TRIES = 5
#: why a deployment without a Compute node gets no install_new_agents
NOTHING_TO_MOVE = "nothing to move: no Compute host (the workflow is not declared for it)"
#: the states in which a deployment's agents are settled (moved, or nothing there to move)
SETTLED = frozenset({"succeeded", "nothing-to-move"})
#: the states a round waits for
FINAL = frozenset({"succeeded", "failed", "nothing-to-move"})


def agent_parameters(ctx: StageView) -> dict[str, Any]:
    """Parameters like `cfy agents install`: the timeout always, stop_old_agent only if chosen,
    manager_ip only if given — and then with manager_certificate, the new manager's CA (the
    official CLI sends the two together: agents told to reach another address must be able to
    verify it)."""
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


def _emit(ctx: Context, rec: AgentRecord) -> None:
    status = "skipped" if rec.status == "nothing-to-move" else rec.status  # the events' vocabulary
    ctx.emit(AgentUpdate(rec.tenant, rec.deployment, status, rec.execution_id, ctx.secrets.scrub(rec.reason)))


def _adopt(ctx: Context, rec: AgentRecord, baseline: set[str]) -> bool:
    """For a journaled intent without an execution id: find the execution the POST may have made."""
    try:
        for ex in ctx.new.executions(
            all_tenants=False, tenant=rec.tenant, workflow_id=WORKFLOW, deployment_id=rec.deployment
        ):
            if ex.id not in baseline:
                rec.execution_id, rec.status = ex.id, "running"
                ctx.log(
                    STEP, "info", f"{rec.deployment}: adopting execution {ex.id} from the interrupted run."
                )
                return True
    except CloudifyError:
        pass
    return False


def _plan(ctx: Context) -> None:
    a = ctx.state.agents
    if a.planned_at:
        return
    split = split_installed(ctx.new, ctx.config.agents.tenants)
    for dep in split.installed:
        rec = AgentRecord(tenant=dep.tenant_name, deployment=dep.id)
        a.deployments.setdefault(rec.key, rec)
    a.skipped = [{"tenant": s.tenant, "deployment": s.deployment, "reason": s.reason} for s in split.skipped]
    a.parameters = agent_parameters(ctx)
    a.planned_at = utc_now()
    ctx.save()


def run(ctx: Context) -> StepOutcome:
    """Run install_new_agents for every installed deployment (see the module docstring)."""
    _plan(ctx)
    a = ctx.state.agents
    deployments = a.deployments
    for skip in a.skipped:
        ctx.emit(AgentUpdate(skip["tenant"], skip["deployment"], "skipped", None, skip["reason"]))
    if not deployments:
        return StepOutcome(STEP, Outcome.DONE, f"no installed deployments; {len(a.skipped)} skipped")
    recheck_agents(ctx, STEP)
    if a.baseline_ids is None:
        a.baseline_ids = [
            ex.id
            for ex in ctx.new.executions(
                all_tenants=True, workflow_id=WORKFLOW, include_system_workflows=False
            )
        ]
        ctx.save()
    baseline = set(a.baseline_ids)
    retry_rounds = 0
    while True:
        _run_round(ctx, baseline)
        failed = [r for r in deployments.values() if r.status == "failed"]
        if not failed:
            break
        items = [FailedAgent(r.tenant, r.deployment, r.execution_id, r.reason) for r in failed]
        if retry_rounds >= 3 or not ctx.ask_person(partial(ctx.decider.retry_failed_agents, items)):
            break
        retry_rounds += 1
        ctx.journal.record_decision("retry-failed-agents", f"{len(failed)} deployments")
        for r in failed:
            r.previous_execution_ids.append(r.execution_id)
            r.status, r.execution_id, r.reason, r.intent_at = "pending", None, "", None
            _emit(ctx, r)
        ctx.save()
    done = sum(1 for r in deployments.values() if r.status == "succeeded")
    failed_n = sum(1 for r in deployments.values() if r.status == "failed")
    nothing = sum(1 for r in deployments.values() if r.status == "nothing-to-move")
    detail = f"{done} succeeded, {failed_n} failed, {len(a.skipped) + nothing} skipped"
    if nothing:
        detail += f" ({nothing} with nothing to move)"
    if failed_n:
        return StepOutcome(
            STEP,
            Outcome.FAILED,
            detail,
            "Read the failed executions' events on the new manager, fix the hosts, then run "
            "again with --retry-failed-agents.",
        )
    return StepOutcome(STEP, Outcome.DONE, detail)


def _run_round(ctx: Context, baseline: set[str]) -> None:
    """Start and track until every deployment has succeeded or failed."""
    deployments = ctx.state.agents.deployments
    params = ctx.state.agents.parameters or agent_parameters(ctx)
    limit = ctx.config.agents.concurrency
    # resume: intents without an execution id
    for rec in deployments.values():
        if rec.status == "starting" and not rec.execution_id and not _adopt(ctx, rec, baseline):
            rec.status = "pending"
        if rec.status in ("running", *FINAL):
            _emit(ctx, rec)
    ctx.save()
    total = len(deployments)

    def cycle() -> int:
        """One polling cycle: read what ended, fill the slots it freed at once; how many remain."""
        _poll(ctx, baseline)
        running = [r for r in deployments.values() if r.status in ("running", "starting")]
        pending = [r for r in deployments.values() if r.status == "pending"]
        _start_wave(ctx, pending[: max(0, limit - len(running))], params)
        return sum(1 for r in deployments.values() if r.status in ("running", "starting", "pending"))

    def progress(_left: int, _elapsed: float) -> None:
        finished = sum(1 for r in deployments.values() if r.status in FINAL)
        ctx.progress(STEP, finished, total, "deployments", f"{finished} of {total} deployments done")

    waited = ctx.wait(
        cycle, lambda left: left == 0, timeout=ctx.config.agents.overall_timeout, progress=progress
    )
    progress(0, 0.0)
    if waited.timed_out:
        raise MigrationError(
            "install_new_agents executions are still running after the overall timeout.",
            "Check them on the new manager; run again to keep tracking them.",
        )


def _start_wave(ctx: Context, wave: list[AgentRecord], params: dict[str, Any]) -> None:
    """Start install_new_agents for a wave of deployments with two journal writes, not two each.

    Every intent is journaled (one write) before the first POST, so a run killed anywhere in the
    wave finds each of them `starting` and lists that deployment's executions before posting
    again; the execution ids are journaled together after the wave (a second write). At 1,000
    deployments a write per POST made the journal, not the manager, the bottleneck.
    """
    if not wave:
        return
    now = utc_now()
    for rec in wave:
        rec.status, rec.intent_at, rec.attempts = "starting", now, rec.attempts + 1
    ctx.save()
    started: list[AgentRecord] = []
    try:
        # in parallel, so that the configured number of executions is really in flight (one
        # POST takes ~0.5 s on a real manager); the client's pace keeps nginx's limit
        with ThreadPoolExecutor(max_workers=min(len(wave), _PARALLEL_STARTS)) as pool:
            results = list(pool.map(lambda rec: _post_one(ctx, rec, params), wave))
        started = [rec for rec, ok in zip(wave, results, strict=True) if ok]
    finally:
        ctx.save()
    for rec in started:
        _emit(ctx, rec)


def _post_one(ctx: Context, rec: AgentRecord, params: dict[str, Any]) -> bool:
    """POST one execution; record the outcome in `rec` (journaled by the caller). True if started."""
    failpoint("agents.before-post")
    try:
        ex = ctx.new.start_execution(
            rec.deployment, WORKFLOW, parameters=params, allow_custom_parameters=True, tenant=rec.tenant
        )
    except ExistingRunningExecutionError as exc:
        rec.status, rec.reason = "pending", f"waiting: {exc.message}"
        return False
    except UnavailableWorkflowError:
        # 6.4+ declares install_new_agents only where a Compute node exists: no agent to move
        rec.status, rec.reason = "nothing-to-move", NOTHING_TO_MOVE
        _emit(ctx, rec)
        return False
    except BadParametersError as exc:
        rec.status, rec.reason = "failed", exc.message
        _emit(ctx, rec)
        return False
    except (TransportError, RequestCancelledError) as exc:
        # the answer was lost (or abandoned): it stays `starting`, and the next cycle's listing
        # (or a resume) finds the execution or starts it again — never blindly a second time
        ctx.log(STEP, "warning", f"{rec.deployment}: no answer to the start request ({exc}); checking.")
        return False
    except HTTPError as exc:
        if exc.status >= 500:
            # the REST service may have started it before failing: the listing decides
            ctx.log(STEP, "warning", f"{rec.deployment}: the start request failed ({exc}); checking.")
            return False
        # refused before it started (a 4xx): one refusal never abandons the ones running
        if rec.attempts >= _START_TRIES:
            rec.status, rec.reason = "failed", f"could not be started ({rec.attempts} tries): {exc}"
            _emit(ctx, rec)
        else:
            rec.status, rec.reason = "pending", f"start refused, trying again: {exc}"
        return False
    failpoint("agents.after-post")
    rec.status, rec.execution_id, rec.reason = "running", ex.id, ""
    return True


def _poll(ctx: Context, baseline: set[str]) -> None:
    """One polling cycle: list the RUNNING executions by id (all tenants, at most
    `_IDS_PER_REQUEST` ids a request), so a cycle costs requests bounded by the concurrency, never
    by the number of deployments or by the executions already finished."""
    deployments = ctx.state.agents.deployments
    running = {r.execution_id: r for r in deployments.values() if r.execution_id and r.status == "running"}
    starting = [r for r in deployments.values() if r.status == "starting" and not r.execution_id]
    changed = False
    ids = sorted(running)
    try:
        for first in range(0, len(ids), _IDS_PER_REQUEST):
            for ex in ctx.new.executions(
                all_tenants=True,
                workflow_id=WORKFLOW,
                include_system_workflows=False,
                ids=ids[first : first + _IDS_PER_REQUEST],
            ):
                rec = running.get(ex.id)
                if rec is None or not ex.finished:
                    continue
                if ex.succeeded:
                    rec.status, rec.reason = "succeeded", ""
                else:
                    rec.status, rec.reason = "failed", redact(ex.error_summary or ex.status)
                rec.finished_at = utc_now()
                changed = True
                _emit(ctx, rec)
    except CloudifyError as exc:
        ctx.log(STEP, "warning", f"Could not list install_new_agents executions ({exc}); retrying.")
    # a start whose answer was lost: the execution may exist; adopt it, else start it again
    for rec in starting:
        if _adopt(ctx, rec, baseline):
            _emit(ctx, rec)
        elif rec.attempts >= _START_TRIES:  # the listing shows none: no duplicate can follow
            rec.status = "failed"
            rec.reason = rec.reason or f"could not be started ({rec.attempts} tries without an answer)"
            _emit(ctx, rec)
        else:
            rec.status = "pending"
        changed = True
    if changed:
        ctx.save()


def describe(ctx: StageView) -> list[str]:
    """The dry run's lines for this stage."""
    import json

    n = ctx.config.new_manager.url + "/api/v3.1"
    body = {
        "deployment_id": "<each installed deployment>",
        "workflow_id": WORKFLOW,
        "parameters": agent_parameters(ctx),
        "allow_custom_parameters": True,
    }
    return [
        f"POST {n}/executions {json.dumps(body)}   (Tenant: the deployment's tenant; at most "
        f"{ctx.config.agents.concurrency} at once)",
        f"GET {n}/executions?workflow_id={WORKFLOW}&_all_tenants=true   (page by page, each poll)",
    ]
