"""The Migration: runs the steps in order, journals everything, resumes, and reports.

The TUI and `cfy-migrate run` both drive this class from a worker thread:

    migration = Migration(config, on_event=handle, decider=decider, cancel=stop_event)
    findings = migration.preflight()      # read-only, both managers + local
    plan = migration.plan()               # steps with their journaled state
    result = migration.run()              # all remaining steps; stops at the first failure

Exit codes (MigrationResult.exit_code): 0 success, 1 error, 2 blocked by preflight,
3 done but some deployments' agents failed, 130 cancelled.

A run picks up the unfinished migration of the same old+new pair automatically (`resumed` is
then True), unless `config.fresh`; `config.migration_id` picks one explicitly.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from wizard.cloudify.endpoint import Credentials
from wizard.cloudify.errors import CloudifyError
from wizard.migration import agents as agents_step
from wizard.migration import flow_restore, flow_snapshot
from wizard.migration.checks import local_checks, new_checks, old_checks, pair_checks
from wizard.migration.checks.probe import probe_manager
from wizard.migration.config import MigrationConfig
from wizard.migration.context import Context, make_client
from wizard.migration.decider import Decider
from wizard.migration.errors import BlockedError, CancelledError, ConfigError, MigrationError
from wizard.migration.events import (
    Event,
    FindingsReady,
    LogLine,
    MigrationFinished,
    StepFinished,
    StepStarted,
)
from wizard.migration.findings import Finding, Status, applied_waivers, blockers
from wizard.migration.inventory import Inventory, compare_inventories, count_inventory
from wizard.migration.journal import Journal, find_resumable, journal_path, new_migration_id
from wizard.migration.report import write_report
from wizard.migration.runlog import RunLog
from wizard.migration.steps import ORDER, Outcome, PlannedStep, StepId, StepOutcome

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_BLOCKED = 2
EXIT_AGENTS_FAILED = 3
EXIT_CANCELLED = 130

_EXIT_FOR = {Outcome.BLOCKED: EXIT_BLOCKED, Outcome.CANCELLED: EXIT_CANCELLED, Outcome.FAILED: EXIT_ERROR}
#: steps that talk to the new manager after the restore (they need the post-restore password)
_AFTER_RESTORE = {StepId.REAUTHENTICATE, StepId.VERIFY_INVENTORY, StepId.INSTALL_AGENTS}


@dataclass(frozen=True)
class MigrationResult:
    """How a run ended: exit code, each step's outcome, the report files and a one-line summary."""

    exit_code: int
    migration_id: str
    outcomes: tuple[StepOutcome, ...] = field(default_factory=tuple)
    report_paths: tuple[str, ...] = field(default_factory=tuple)
    summary: str = ""


class Migration:
    """One migration from `config.old` to `config.new` (see the module docstring)."""

    def __init__(
        self,
        config: MigrationConfig,
        *,
        on_event: Callable[[Event], None],
        decider: Decider,
        cancel: threading.Event | None = None,
    ) -> None:
        self.config = config
        self._on_event = on_event
        self.decider = decider
        self.cancel = cancel or threading.Event()
        self.resumed = False
        self._journal: Journal | None = None
        if config.migration_id:
            self._journal = Journal.load(journal_path(config.state_dir, config.migration_id))
            data = self._journal.data
            if data.get("old_url") != config.old.url or data.get("new_url") != config.new.url:
                raise ConfigError(
                    f"Migration {config.migration_id} is from {data.get('old_url')} "
                    f"to {data.get('new_url')}, "
                    f"not from {config.old.url} to {config.new.url}.",
                    "Give the same --old and --new as that migration, or start a new one with --fresh.",
                )
            self.resumed = True
        elif not config.fresh:
            info = find_resumable(config.state_dir, config.old.url, config.new.url)
            if info is not None:
                self._journal = Journal.load(info.path)
                self.resumed = True
        self.migration_id = self._journal.migration_id if self._journal else new_migration_id()
        self.runlog = RunLog()
        for manager in (config.old, config.new):
            self._forbid(manager.credentials)
        self.old_client = make_client(config.old, on_request=lambda r: self.runlog.request("old", r))
        self.new_client = make_client(config.new, on_request=lambda r: self.runlog.request("new", r))
        self._ctx: Context | None = None
        self._preflight_inventory: Inventory | None = None
        self._preflight_managers: dict[str, dict[str, object]] = {}
        self._credentials_restored = False

    # -- plumbing -------------------------------------------------------------------------------
    def _emit(self, event: Event) -> None:
        self.runlog.event(event)
        with contextlib.suppress(Exception):  # a broken UI handler must not break the migration
            self._on_event(event)

    def _forbid(self, credentials: Credentials) -> None:
        self.runlog.forbid(credentials.password, public=(credentials.username, credentials.tenant))

    @property
    def journal(self) -> Journal | None:
        """The journal, once the migration has started (None before)."""
        return self._journal

    def _context(self) -> Context:
        if self._ctx is None:
            if self._journal is None:
                self._journal = Journal.create(
                    self.config.state_dir,
                    self.migration_id,
                    self.config.old.url,
                    self.config.new.url,
                    self.config.to_json(),
                )
            self._ctx = Context(
                self.config,
                self._journal,
                emit=self._emit,
                decider=self.decider,
                cancel=self.cancel,
                old_client=self.old_client,
                new_client=self.new_client,
                on_secret=self._forbid,
            )
            self.runlog.open(self._journal.directory)
        return self._ctx

    def close(self) -> None:
        """Close the HTTP sessions and the run log."""
        self.runlog.close()
        self.old_client.close()
        self.new_client.close()
        if self._ctx is not None:
            self._ctx.new.close()

    # -- read-only ------------------------------------------------------------------------------
    def preflight(self) -> list[Finding]:
        """Run every read-only check on both managers and the local host; emits FindingsReady."""
        old_client = self._ctx.old if self._ctx else self.old_client
        new_client = self._ctx.new if self._ctx else self.new_client
        old = old_checks(old_client, self.config.old, self.config)
        new = new_checks(new_client, self.config.new, old.probe)
        installed = old.inventory.total("installed") if old.inventory else None
        findings = (
            old.findings + new.findings + pair_checks(self.config, old.probe, new.probe, installed=installed)
        )
        findings += local_checks(self.config)
        if self.config.restore.restore_certificates and not any(f.id == "pair.ip-rule" for f in findings):
            findings.append(
                Finding(
                    "pair.ip-rule",
                    Status.FAIL,
                    "Cannot tell whether certificates may be restored",
                    "The managers' IPs are unknown.",
                    "Drop restore_certificates.",
                )
            )
        self._preflight_inventory = old.inventory
        self._preflight_managers = {"old": old.probe.to_json(), "new": new.probe.to_json()}
        self._emit(FindingsReady("preflight", tuple(findings)))
        return findings

    def plan(self) -> list[PlannedStep]:
        """The steps in order with their state from the journal (pending, done, failed)."""
        out = []
        for step in ORDER:
            status = self._journal.step_status(step) if self._journal else "pending"
            rec = self._journal.data.get("steps", {}).get(step.value, {}) if self._journal else {}
            state = (
                "done"
                if status in {"done", "already-done", "skipped"}
                else "failed"
                if status in {"failed", "blocked"}
                else "pending"
            )
            out.append(PlannedStep(step, step.label, state, str(rec.get("detail", ""))))
        return out

    def dry_run(self) -> list[str]:
        """The REST calls the migration would make, one per line; changes nothing."""
        o, n = self.config.old.url + "/api/v3.1", self.config.new.url + "/api/v3.1"
        snap = self._journal.section("snapshot").get("id") if self._journal else None
        sid = snap or flow_snapshot.new_snapshot_id()
        opts = self.config.snapshot
        body = {
            "include_credentials": opts.include_credentials,
            "include_logs": opts.include_logs,
            "include_events": opts.include_events,
            "queue": opts.queue,
        }
        legacy = f' (plus "legacy": {json.dumps(opts.legacy)} if the old manager runs 7.x)'
        restore_body = {
            "force": False,
            "restore_certificates": self.config.restore.restore_certificates,
            "no_reboot": False,
            "recreate_deployments_envs": True,
            "ignore_plugin_failure": False,
        }
        params = {"install_agent_timeout": self.config.agents.timeout}
        if self.config.agents.stop_old_agents:
            params["stop_old_agent"] = True
        if self.config.agents.manager_ip:
            params["manager_ip"] = self.config.agents.manager_ip  # type: ignore[assignment]
        agent_body = {
            "deployment_id": "<each installed deployment>",
            "workflow_id": "install_new_agents",
            "parameters": params,
            "allow_custom_parameters": True,
        }
        lines = [
            f"GET {o}/version, /user, /tenants, /managers, /brokers, /status   (preflight, read-only)",
            f"GET {o}/executions?_all_tenants=true&_include_system_workflows=true"
            "&status=pending&status=started…",
            f"GET {o}/blueprints, /deployments, /node-instances, /agents?_all_tenants=true   (inventory)",
            f"GET {n}/version, /user, /tenants, /managers, /brokers, /status, /blueprints, /deployments, "
            "/plugins, /secrets   (preflight, read-only)",
            f"PUT {o}/snapshots/{sid} {json.dumps(body)}{legacy}",
            f"GET {o}/snapshots/{sid}   (until status created) + GET {o}/events?execution_id=…",
            f"GET {o}/snapshots/{sid}/archive -> "
            f"{self.config.state_dir}/migrations/{self.migration_id}/{sid}.zip",
            f"GET {n}/snapshots/{sid}   (a leftover from an interrupted upload is deleted first)",
            f"PUT {n}/snapshots/{sid}/archive   (the archive, streamed)",
        ]
        if self.config.restore.maintenance_mode:
            lines.append(f"POST {n}/maintenance/activate")
        lines += [
            f"POST {n}/snapshots/{sid}/restore {json.dumps(restore_body)}   (after typed confirmation)",
            f"GET {n}/executions/<restore execution>   (until it ends; REST outages tolerated)",
            f"GET {n}/snapshot-status   (until not-running)",
            f"GET {n}/user   (old manager's admin password first, then the new one's)",
        ]
        if self.config.restore.maintenance_mode:
            lines.append(f"POST {n}/maintenance/deactivate")
        lines += [
            f"GET {n}/tenants, /blueprints, /deployments, /agents?_all_tenants=true   (inventory, compared)",
            f"POST {n}/executions {json.dumps(agent_body)}"
            "   (Tenant: the deployment's tenant; at most "
            f"{self.config.agents.concurrency} at once)",
            f"GET {n}/executions?workflow_id=install_new_agents&_all_tenants=true"
            "   (page by page, each poll)",
        ]
        return lines

    # -- steps ----------------------------------------------------------------------------------
    def _preflight_step(self, ctx: Context) -> StepOutcome:
        findings = self.preflight()
        j = ctx.journal
        j.section("managers").update(self._preflight_managers)
        if self._preflight_inventory is not None:
            j.section("inventory")["old"] = self._preflight_inventory.to_json()
        j.section("findings")["preflight"] = [f.to_json() for f in findings]
        j.save()
        return self._gate(ctx, StepId.PREFLIGHT_OLD, findings)

    def _gate(self, ctx: Context, step: StepId, findings: list[Finding]) -> StepOutcome:
        used = applied_waivers(findings, self.config.waivers)
        if used:
            ctx.journal.record_waivers(w.to_json() for w in used)
            for w in used:
                ctx.log(step, "warning", f"Waived {w.id}" + (f": {w.reason}" if w.reason else ""))
        blocking = blockers(findings, self.config.waivers)
        if blocking:
            ids = ", ".join(f.id for f in blocking)
            first = blocking[0]
            return StepOutcome(
                step,
                Outcome.BLOCKED,
                f"blocked by {ids}",
                first.remediation or f"Fix it or waive it with --waive {first.id}.",
                tuple(findings),
            )
        return StepOutcome(
            step, Outcome.DONE, f"{len(findings)} checks, no blocker", findings=tuple(findings)
        )

    def _preflight_new_step(self, ctx: Context) -> StepOutcome:
        archive = ctx.journal.section("archive")
        old_probe, _ = probe_manager("old", ctx.old, self.config.old.url, self.config.old.credentials.tenant)
        if not old_probe.nodes:
            old_probe.nodes = flow_restore._old_probe_from_journal(ctx).nodes
        if old_probe.version is None:
            old_probe.version = flow_restore._old_probe_from_journal(ctx).version
        new = new_checks(
            ctx.new,
            self.config.new,
            old_probe,
            archive_networks=archive.get("networks"),
            snapshot_version=archive.get("snapshot_version"),
        )
        installed = ctx.journal.section("inventory").get("old", {}).get("totals", {}).get("installed")
        findings = new.findings + pair_checks(self.config, old_probe, new.probe, installed=installed)
        findings += [
            Finding.from_json(f)
            for f in ctx.journal.section("findings").get("archive", [])
            if f.get("id") == "archive.format"
        ]
        if new.probe.usable:
            ctx.journal.section("managers")["new"] = new.probe.to_json()
        ctx.journal.section("findings")["new"] = [f.to_json() for f in findings]
        ctx.journal.save()
        self._emit(FindingsReady("new", tuple(findings)))
        return self._gate(ctx, StepId.PREFLIGHT_NEW, findings)

    def _verify_step(self, ctx: Context) -> StepOutcome:
        old_data = ctx.journal.section("inventory").get("old")
        if not old_data:
            raise MigrationError(
                "The old manager's inventory was not journaled before the snapshot.",
                "Run again with --fresh to count it.",
            )
        new_inv = count_inventory(ctx.new)
        ctx.journal.section("inventory")["new"] = new_inv.to_json()
        findings = compare_inventories(Inventory.from_json(old_data), new_inv)
        ctx.journal.section("findings")["verify"] = [f.to_json() for f in findings]
        ctx.journal.save()
        self._emit(FindingsReady("verify", tuple(findings)))
        blocking = blockers(findings, self.config.waivers)
        used = applied_waivers(findings, self.config.waivers)
        if used:
            ctx.journal.record_waivers(w.to_json() for w in used)
        if blocking:
            first = blocking[0]
            return StepOutcome(
                StepId.VERIFY_INVENTORY,
                Outcome.FAILED,
                f"{first.title}: {first.detail}",
                first.remediation,
                tuple(findings),
            )
        return StepOutcome(StepId.VERIFY_INVENTORY, Outcome.DONE, new_inv.summary(), findings=tuple(findings))

    def _report_step(self, ctx: Context) -> StepOutcome:
        json_path, md_path = write_report(ctx.journal)
        return StepOutcome(StepId.REPORT, Outcome.DONE, f"{json_path} and {md_path.name}")

    def _handler(self, step: StepId) -> Callable[[Context], StepOutcome]:
        return {
            StepId.PREFLIGHT_OLD: self._preflight_step,
            StepId.CREATE_SNAPSHOT: flow_snapshot.create_snapshot,
            StepId.DOWNLOAD: flow_snapshot.download,
            StepId.INSPECT_ARCHIVE: flow_snapshot.inspect,
            StepId.PREFLIGHT_NEW: self._preflight_new_step,
            StepId.UPLOAD: flow_restore.upload,
            StepId.RESTORE: flow_restore.restore,
            StepId.REAUTHENTICATE: flow_restore.reauthenticate,
            StepId.VERIFY_INVENTORY: self._verify_step,
            StepId.INSTALL_AGENTS: agents_step.install_agents,
            StepId.REPORT: self._report_step,
        }[step]

    def run_step(self, step_id: StepId) -> StepOutcome:
        """Run one step (idempotent: a step already done says so)."""
        step = StepId(step_id)
        ctx = self._context()
        self._emit(StepStarted(step, step.label))
        ctx.journal.start_step(step)
        try:
            if (
                step in _AFTER_RESTORE
                and step is not StepId.REAUTHENTICATE
                and not self._credentials_restored
            ):
                flow_restore.restore_credentials_from_journal(ctx)
                self._credentials_restored = True
            outcome = self._handler(step)(ctx)
        except BlockedError as exc:
            outcome = StepOutcome(step, Outcome.BLOCKED, exc.message, exc.remediation)
        except CancelledError as exc:
            outcome = StepOutcome(step, Outcome.CANCELLED, exc.message, exc.remediation)
        except MigrationError as exc:
            outcome = StepOutcome(step, Outcome.FAILED, exc.message, exc.remediation)
        except CloudifyError as exc:
            outcome = StepOutcome(
                step, Outcome.FAILED, exc.message, exc.hint or "Check the manager and run again."
            )
        except OSError as exc:
            outcome = StepOutcome(
                step,
                Outcome.FAILED,
                f"{exc.strerror or exc}: {exc.filename or ''}".strip(),
                "Check the state directory (space, permissions) and run again.",
            )
        if step is StepId.REAUTHENTICATE and outcome.outcome.ok:
            self._credentials_restored = True
        ctx.journal.finish_step(step, outcome.outcome.value, outcome.detail)
        if not outcome.outcome.ok:
            level = "warning" if outcome.outcome is Outcome.CANCELLED else "error"
            text = outcome.detail + (f" — {outcome.remediation}" if outcome.remediation else "")
            self._emit(LogLine(step, level, text))
        self._emit(StepFinished(step, outcome.outcome, outcome.detail))
        return outcome

    def run(self) -> MigrationResult:
        """Run every remaining step in order; stop at the first failure or blocker."""
        ctx = self._context()
        if self.resumed:
            last, status = ctx.journal.last_step()
            where = f"after {last.value} ({status})" if last else "from the start"
            self._emit(LogLine(None, "info", f"Resuming migration {self.migration_id} {where}."))
        else:
            self._emit(LogLine(None, "info", f"Starting migration {self.migration_id}."))
        outcomes: list[StepOutcome] = []
        exit_code = EXIT_OK
        for step in ORDER:
            if step is StepId.REPORT:
                break
            if ctx.journal.is_done(step):
                self._emit(StepFinished(step, Outcome.ALREADY_DONE, "done in an earlier run"))
                continue
            outcome = self.run_step(step)
            outcomes.append(outcome)
            if outcome.outcome.ok:
                continue
            if (
                step is StepId.INSTALL_AGENTS
                and outcome.outcome is Outcome.FAILED
                and any(
                    r.get("status") == "failed"
                    for r in ctx.journal.section("agents").get("deployments", {}).values()
                )
            ):
                exit_code = EXIT_AGENTS_FAILED
                continue
            exit_code = _EXIT_FOR.get(outcome.outcome, EXIT_ERROR)
            break
        if exit_code == EXIT_OK:
            ctx.journal.mark_finished(exit_code)
        else:
            ctx.journal.data["exit_code"] = exit_code
            ctx.journal.save()
        report = self.run_step(StepId.REPORT)
        outcomes.append(report)
        directory = ctx.journal.directory
        paths = (str(directory / "report.json"), str(directory / "report.md")) if report.outcome.ok else ()
        summary = _summary(exit_code, outcomes, self.migration_id)
        self._emit(MigrationFinished(exit_code, paths, summary))
        return MigrationResult(exit_code, self.migration_id, tuple(outcomes), paths, summary)


def _summary(exit_code: int, outcomes: list[StepOutcome], migration_id: str) -> str:
    last_bad = next((o for o in reversed(outcomes) if not o.outcome.ok), None)
    if exit_code == EXIT_OK:
        return f"Migration {migration_id} finished: every step done."
    if exit_code == EXIT_AGENTS_FAILED:
        agents = next((o for o in outcomes if o.step is StepId.INSTALL_AGENTS), None)
        return (
            f"Migration {migration_id} finished, but agents failed for some deployments "
            f"({agents.detail if agents else '?'}); run again with --retry-failed-agents."
        )
    if last_bad is None:
        return f"Migration {migration_id} stopped (exit {exit_code})."
    verb = {EXIT_BLOCKED: "blocked", EXIT_CANCELLED: "interrupted"}.get(exit_code, "failed")
    return f"Migration {migration_id} {verb} at '{last_bad.step.label}': {last_bad.detail}" + (
        f" — {last_bad.remediation}" if last_bad.remediation else ""
    )
