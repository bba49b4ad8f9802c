"""install_new_agents on the NEW manager for every deployment the census says must move.

The plan (agents_plan.py): the new manager's census, the official CLI's rule, canaries first.
Waves (waves.py): one deployment per blueprint, then the rest; a wave failing more often than
agents.max_failure_rate stops and asks. Within a wave, bounded concurrency; each batch's intents
journaled (in one write) before its POSTs (a resume lists a deployment's install_new_agents
executions before posting again); tracking by LISTING the running executions by id across all
tenants — the requests per polling cycle are bounded by the concurrency (50 ids a request), not by
deployments. Right before the first start, the old manager's change ledger is read (old.changed,
old.schedules). Skipped and "cannot move" deployments are listed with the reason; failed ones are
retried only when the decider says so.
"""

from __future__ import annotations

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
from wizard.migration.decider import FailedAgent, WaveStop
from wizard.migration.errors import MigrationError
from wizard.migration.events import AgentUpdate
from wizard.migration.failpoints import failpoint
from wizard.migration.gate import record
from wizard.migration.redact import redact
from wizard.migration.stages.agents_plan import agent_parameters, plan
from wizard.migration.stages.old_changes import read_old_changes
from wizard.migration.stages.preflight import recheck_agents
from wizard.migration.state import AgentRecord
from wizard.migration.steps import Outcome, StepId, StepOutcome
from wizard.migration.storage import utc_now
from wizard.migration.waves import wave_label, wave_result

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
FINAL = frozenset({"succeeded", "failed", "nothing-to-move", "cannot-move"})
#: AgentRecord status -> the events' vocabulary
EVENT_STATUS = {"nothing-to-move": "skipped", "cannot-move": "manual", "starting": "pending"}

__all__ = ["NOTHING_TO_MOVE", "SETTLED", "STEP", "WORKFLOW", "agent_parameters", "describe", "run"]


def _emit(ctx: Context, rec: AgentRecord) -> None:
    status = EVENT_STATUS.get(rec.status, rec.status)
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


def run(ctx: Context) -> StepOutcome:
    """Run install_new_agents wave by wave for every deployment that must move (see the module
    docstring)."""
    plan(ctx)
    a = ctx.state.agents
    deployments = a.deployments
    for skip in a.skipped:
        ctx.emit(AgentUpdate(skip["tenant"], skip["deployment"], "skipped", None, skip["reason"]))
    for manual in a.manual:
        ctx.emit(AgentUpdate(manual["tenant"], manual["deployment"], "manual", None, manual["reason"]))
    if not deployments:  # nothing to start: no re-check to block on, but the ledger still counts
        record(ctx, f"before:{STEP.value}", read_old_changes(ctx))
        return StepOutcome(STEP, Outcome.DONE, f"no deployment to move; {_skip_detail(ctx)}")
    recheck_agents(ctx, STEP, read_old_changes(ctx))
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
        stopped = _run_waves(ctx, baseline)
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
    for manual in a.manual:  # last: a deployment whose other agents moved still keeps some behind
        ctx.emit(AgentUpdate(manual["tenant"], manual["deployment"], "manual", None, manual["reason"]))
    return _outcome(ctx, stopped)


def _skip_detail(ctx: Context) -> str:
    a = ctx.state.agents
    nothing = sum(1 for r in a.deployments.values() if r.status == "nothing-to-move") + len(a.skipped)
    manual = len(a.manual) + sum(1 for r in a.deployments.values() if r.status == "cannot-move")
    return f"{nothing} with nothing to move, {manual} cannot move automatically"


def _outcome(ctx: Context, stopped: WaveStop | None) -> StepOutcome:
    deployments = ctx.state.agents.deployments
    done = sum(1 for r in deployments.values() if r.status == "succeeded")
    failed_n = sum(1 for r in deployments.values() if r.status == "failed")
    detail = f"{done} succeeded, {failed_n} failed, {_skip_detail(ctx)}"
    if stopped is not None:
        return StepOutcome(
            STEP,
            Outcome.FAILED,
            f"stopped after {stopped.description}; {detail}",
            "Read the failed executions' events on the new manager and fix the cause, then run again with "
            "--retry-failed-agents; or accept the failures and go on with --agent-max-failure-rate 1.",
        )
    if failed_n:
        return StepOutcome(
            STEP,
            Outcome.FAILED,
            detail,
            "Read the failed executions' events on the new manager, fix the hosts, then run "
            "again with --retry-failed-agents.",
        )
    return StepOutcome(STEP, Outcome.DONE, detail)


def _run_waves(ctx: Context, baseline: set[str]) -> WaveStop | None:
    """Each wave in turn; after a wave not yet accepted, its failure rate is checked: above the
    threshold a person decides (headless: stop). Returns the stop, or None when every wave ran."""
    a = ctx.state.agents
    threshold = ctx.config.agents.max_failure_rate
    for wave in sorted({r.wave for r in a.deployments.values()}):
        members = [r for r in a.deployments.values() if r.wave == wave]
        _run_round(ctx, baseline, members)
        if wave in a.waves_accepted:
            continue
        result = wave_result(a.deployments.values(), wave, threshold)
        if result.too_many:
            failed = tuple(
                FailedAgent(r.tenant, r.deployment, r.execution_id, r.reason)
                for r in members
                if r.status == "failed"
            )
            stop = WaveStop(result.describe(), failed, result.remaining, threshold)
            ctx.log(STEP, "warning", f"install_new_agents: {stop.description}.")
            go_on = ctx.ask_person(partial(ctx.decider.continue_agents, stop))
            ctx.journal.record_decision(f"continue after {wave_label(wave)}", "yes" if go_on else "no")
            if not go_on:
                return stop
        elif result.ran:
            ctx.log(
                STEP,
                "info",
                f"{wave_label(wave).capitalize()}: {result.ran - result.failed} of {result.ran} succeeded.",
            )
        a.waves_accepted.append(wave)
        ctx.save()
    return None


def _run_round(ctx: Context, baseline: set[str], members: list[AgentRecord]) -> None:
    """Start and track the members of one wave until each has succeeded or failed."""
    deployments = ctx.state.agents.deployments
    params = ctx.state.agents.parameters or agent_parameters(ctx)
    limit = ctx.config.agents.concurrency
    # resume: intents without an execution id
    for rec in members:
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
        pending = [r for r in members if r.status == "pending"]
        _start_batch(ctx, pending[: max(0, limit - len(running))], params)
        return sum(1 for r in members if r.status in ("running", "starting", "pending"))

    def progress(_left: int, _elapsed: float) -> None:
        finished = sum(1 for r in deployments.values() if r.status in FINAL)
        ctx.progress(STEP, finished, total, "deployments", f"{finished} of {total} deployments done")

    if all(r.status in FINAL for r in members):
        return
    waited = ctx.wait(
        cycle, lambda left: left == 0, timeout=ctx.config.agents.overall_timeout, progress=progress
    )
    progress(0, 0.0)
    if waited.timed_out:
        raise MigrationError(
            "install_new_agents executions are still running after the overall timeout.",
            "Check them on the new manager; run again to keep tracking them.",
        )


def _start_batch(ctx: Context, wave: list[AgentRecord], params: dict[str, Any]) -> None:
    """Start install_new_agents for a batch of deployments with two journal writes, not two each.

    Every intent is journaled (one write) before the first POST, so a run killed anywhere in the
    batch finds each of them `starting` and lists that deployment's executions before posting
    again; the execution ids are journaled together after the batch (a second write). At 1,000
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
    except UnavailableWorkflowError as exc:
        if rec.agents:
            # live agents, but the workflow is not available for this deployment: they stay
            rec.status = "cannot-move"
            rec.reason = (
                f"install_new_agents is not available for it ({exc.message}): its "
                f"{rec.agents} live agents stay on the old manager"
            )
        else:
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
    o = ctx.config.old.url + "/api/v3.1"
    params = agent_parameters(ctx)
    if "manager_ip" in params:
        params["manager_certificate"] = (
            "<the new manager's CA: GET /managers ca_cert_content, or --new-ca-cert>"
        )
    body = {
        "deployment_id": "<each deployment the census says must move>",
        "workflow_id": WORKFLOW,
        "parameters": params,
        "allow_custom_parameters": True,
    }
    return [
        f"GET {n}/deployments, /node-instances, /agents?_all_tenants=true   (the census: page by page)",
        f"GET {o}/executions?_include_system_workflows=true&_sort=-created_at, /deployments, /blueprints, "
        "/execution-schedules?_all_tenants=true   (what changed on the old manager since the snapshot)",
        f"POST {n}/executions {json.dumps(body)}   (Tenant: the deployment's tenant; one deployment per "
        f"blueprint first, then waves; at most {ctx.config.agents.concurrency} at once)",
        f"GET {n}/executions?workflow_id={WORKFLOW}&_all_tenants=true   (page by page, each poll)",
    ]
