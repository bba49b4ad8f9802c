"""Snapshot restore: the REST checks, then a workflow that validates like the real one and, for a
legacy archive, swaps the whole inventory, takes the REST API down for a while (6.x/7.x) and, a few
seconds after the execution ends, switches the admin password and clears /snapshot-status.

On 7.x an archive whose metadata lacks any of schema_revision / stage_schema_revision /
composer_schema_revision (e.g. a community legacy snapshot) is taken for the new format: it
"succeeds" and restores nothing — the silent no-op seen on a real manager.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING, Any

from .archive import ArchiveContents, read_archive
from .clock import Workflow, iso
from .errors import ApiError, bad_parameters, internal_error
from .executions import PENDING_DELAY, assert_no_running, log, mark_ended, mark_started, new_execution
from .inventory import Inventory, Record
from .listing import parse_bool
from .profiles import version_text, version_tuple
from .restore_certs import after_post_restore
from .snapshots import get_snapshot, snapshot_config

if TYPE_CHECKING:
    from .manager import Manager

LEGACY_KEYS = ("schema_revision", "stage_schema_revision", "composer_schema_revision")
NON_EMPTY = (
    "Snapshot restoration on a non-empty manager is not permitted. Pass the --force flag to force the "
    "restore and delete existing data from the manager"
)


def start_restore(mgr: Manager, user: Record, tenant: str, snapshot_id: str, body: dict[str, Any]) -> Record:
    """POST /snapshots/<id>/restore: body checks in the real order, then the restore execution."""
    p = mgr.profile
    if p.requires_recreate_envs and "recreate_deployments_envs" not in body:
        raise bad_parameters("Missing recreate_deployments_envs in json request body")
    restore_certificates = parse_bool(body.get("restore_certificates", False), "restore_certificates")
    if "force" not in body:
        raise internal_error(
            "KeyError: 'force'",
            '  File "/opt/manager/env/lib/python3.11/site-packages/manager_rest/rest/'
            'resources_v2/snapshots.py", line 171, in post\n'
            "    force = rest_utils.verify_and_convert_bool('force', request_dict['force'])\n",
        )
    force = parse_bool(body["force"], "force")
    no_reboot = parse_bool(body.get("no_reboot", False), "no_reboot")
    if no_reboot and not restore_certificates:
        raise bad_parameters("`no_reboot` is only relevant when `restore_certificates` is activated")
    timeout = body.get("timeout", 300)
    with mgr.lock:
        snap = get_snapshot(mgr, tenant, snapshot_id)
        if snap["status"] == "failed":
            raise ApiError(400, "snapshot_action_error", "Failed snapshot cannot be restored")
        assert_no_running(mgr)
        is_admin = bool(user.get("_bootstrap_admin"))
        params: dict[str, Any] = {
            "snapshot_id": snapshot_id,
            "config": snapshot_config(mgr),
            "force": force,
            "timeout": timeout,
            "restore_certificates": restore_certificates,
            "no_reboot": no_reboot,
            "premium_enabled": p.premium,
            "user_is_bootstrap_admin": is_admin,
        }
        if p.requires_recreate_envs:
            params["recreate_deployments_envs"] = parse_bool(
                body["recreate_deployments_envs"], "recreate_deployments_envs"
            )
        exe = new_execution(
            mgr,
            "restore_snapshot",
            tenant,
            user["username"],
            parameters=params,
            system=True,
            allow_custom=True,
        )
        history: Record = {
            "execution_id": exe["id"],
            "snapshot_id": snapshot_id,
            "tenant": tenant,
            "requested_by": user["username"],
            "started_at": exe["created_at"],
            "ended_at": None,
            "status": "pending",
            "format": None,
            "restored": False,
            "snapshot_version": None,
            "error": None,
            "post_restore_at": None,
            "force": force,
        }
        mgr.restore_history.append(history)
        path = mgr.snapshot_path(tenant, snapshot_id)
    mgr.scheduler.spawn(_restore_workflow(mgr, exe, user, path, force, history))
    return exe


def _is_legacy(mgr: Manager, contents: ArchiveContents) -> bool:
    if not mgr.profile.at_least(7, 0):
        return True
    return all(k in contents.metadata for k in LEGACY_KEYS)


def _validate(mgr: Manager, contents: ArchiveContents, user: Record, force: bool, exe: Record) -> str | None:
    snap_v = version_tuple(str(contents.metadata.get("snapshot_version", "0")))
    mgr_v = mgr.profile.vt
    if snap_v > mgr_v:
        newer = f"{version_text(snap_v)} > {version_text(mgr_v)}"
        return f"Cannot restore a newer manager's snapshot on this manager [{newer}]"
    if snap_v < (4, 0, 0):
        return f"Restoring snapshot from version {version_text(snap_v)} is not supported"
    if not user.get("_bootstrap_admin"):
        return (
            "The current user is not authorized to restore v4 snapshots. Only the bootstrap admin is allowed "
            "to perform this action"
        )
    if mgr.inv.blueprint_count():
        if not force:
            return NON_EMPTY
        log(
            mgr,
            exe,
            "Forcing snapshot restoration on a non-empty manager. Existing data will be deleted",
            "warning",
        )
    if snap_v >= (4, 2, 0):
        wanted = list(contents.networks.get("active_networks", []))
        missing = [n for n in wanted if n not in mgr.networks]
        if missing:
            nets = ", ".join(mgr.networks)
            return (
                f"Snapshot networks: `{', '.join(missing)}` are used by agents, but are missing from the "
                "manager "
                f"(manager networks: `{nets}`) and the broker (broker networks: `{nets}`)"
            )
    return None


def _post_restore(mgr: Manager, history: Record, admin_hash: str | None) -> None:
    """The detached post-restore commands: admin row update, flag file removal."""
    with mgr.lock:
        if admin_hash:
            admin = mgr.bootstrap_admin()
            if admin is not None and admin.get("password_hash") != admin_hash:
                admin["password_hash"] = admin_hash
            mgr.admin_password_source = (
                "installed" if admin_hash == mgr.installed_admin_hash else "restored_snapshot"
            )
        mgr.snapshot_restoring = False
        mgr.admin_login_broken = False
        history["post_restore_at"] = iso()


def _finish(
    mgr: Manager,
    exe: Record,
    history: Record,
    failure: str | None,
    exc_type: str = "cloudify.exceptions.NonRecoverableError",
) -> None:
    mark_ended(mgr, exe, failure=failure, exc_type=exc_type)
    history["status"] = exe["status"]
    history["ended_at"] = exe["ended_at"]
    history["error"] = failure


def _restore_workflow(
    mgr: Manager, exe: Record, user: Record, path: str, force: bool, history: Record
) -> Workflow:
    p = mgr.profile
    yield PENDING_DELAY
    with mgr.lock:
        mark_started(mgr, exe)
        history["status"] = "started"
        if p.has_snapshot_status:
            mgr.snapshot_restoring = True
        log(mgr, exe, f"Restoring snapshot `{exe['parameters']['snapshot_id']}`")
        if p.has_snapshot_status:
            log(
                mgr,
                exe,
                f"Marked manager snapshot restoring with file: {p.snapshot_restoring_flag}",
                "debug",
            )
        log(mgr, exe, "Fetching snapshot archive")
    yield 0.2
    try:
        contents = read_archive(path)
    except (ValueError, OSError) as exc:
        with mgr.lock:
            _finish(mgr, exe, history, str(exc))
        mgr.scheduler.call_later(mgr.cfg.post_restore_delay, lambda: _post_restore(mgr, history, None))
        return
    legacy = _is_legacy(mgr, contents)
    history["format"] = "legacy" if legacy else "new"
    history["snapshot_version"] = contents.metadata.get("snapshot_version")
    if not legacy:
        yield from _new_format_restore(mgr, exe, contents, history)
        return
    failure: str | None
    with mgr.lock:
        if mgr.cfg.runtime == "k8s" and p.at_least(7, 0):
            # mgmtworker/cloudify_system_workflows/snapshots/snapshot_restore.py::restore
            failure = "legacy snapshots cannot be restored on a distributed manager"
        else:
            if p.at_least(7, 0):
                log(mgr, exe, "Using `legacy` snapshot format", "debug")
            failure = _validate(mgr, contents, user, force, exe)
        if failure is None and contents.dump is None:
            failure = "[Errno 2] No such file or directory: '/tmp/snapshot-restore/pg_data'"
        if failure is not None:
            _finish(mgr, exe, history, failure)
    if failure is not None:
        mgr.scheduler.call_later(mgr.cfg.post_restore_delay, lambda: _post_restore(mgr, history, None))
        return
    fault = mgr.faults.execution_failure("restore_snapshot", None)
    if p.restore_has_outage and mgr.cfg.outage_mode == "nginx":
        from .restore_nginx import measured_legacy_restore

        yield from measured_legacy_restore(mgr, exe, contents, _swap_inventory, history)
    else:
        yield from _swap_and_outage(mgr, exe, contents, history)
    yield 0.4
    admin_hash = None
    if contents.admin_account and contents.admin_account.get("password"):
        admin_hash = str(contents.admin_account["password"])
    with mgr.lock:
        if fault is not None:
            _finish(mgr, exe, history, fault)
        else:
            log(mgr, exe, f"Successfully restored snapshot `{history['snapshot_id']}`")
            _finish(mgr, exe, history, None)

    def post_restore_commands() -> None:
        _post_restore(mgr, history, admin_hash)
        if fault is None:
            after_post_restore(mgr, exe, contents)

    mgr.scheduler.call_later(mgr.cfg.post_restore_delay, post_restore_commands)


def _swap_and_outage(mgr: Manager, exe: Record, contents: ArchiveContents, history: Record) -> Workflow:
    """The simple legacy shape: the swap, then one outage (closed socket or quick 502s)."""
    p = mgr.profile
    yield 0.3
    with mgr.lock:
        log(mgr, exe, "Restoring database")
        _swap_inventory(mgr, exe, contents)
        history["restored"] = True
    if p.restore_has_outage:
        outage = mgr.faults.restore_outage()
        outage = mgr.cfg.restore_outage if outage is None else outage
        if outage > 0 and mgr.listener is not None:
            mgr.listener.begin_outage(mgr.cfg.outage_mode)
            yield outage
            if mgr.cfg.restore_auth_gap:
                mgr.admin_login_broken = True
            mgr.listener.end_outage()


def _swap_inventory(mgr: Manager, exe: Record, contents: ArchiveContents) -> None:
    """The DB swap: truncate and load the old dump; keep this manager's admin row and snapshots go away."""
    assert contents.dump is not None
    current_admin = dict(mgr.bootstrap_admin() or {})
    new_inv = Inventory.load(contents.dump)
    old_admin_names = [name for name, u in new_inv.users.items() if u.get("_bootstrap_admin")]
    for name in old_admin_names:
        del new_inv.users[name]
    if current_admin:
        new_inv.users[current_admin["username"]] = current_admin
    new_inv.tenants.setdefault(
        "default_tenant", {"name": "default_tenant", "rabbitmq_username": None, "rabbitmq_vhost": None}
    )
    exe["tenant_name"] = "default_tenant"
    new_inv.executions[exe["id"]] = exe
    mgr.inv = new_inv
    for tenant, snapshot_id in list(mgr.snapshots):
        shutil.rmtree(mgr.snapshot_dir(tenant, snapshot_id), ignore_errors=True)
    mgr.snapshots.clear()
    log(mgr, exe, "Restoring agents data")


def _new_format_restore(mgr: Manager, exe: Record, contents: ArchiveContents, history: Record) -> Workflow:
    with mgr.lock:
        log(mgr, exe, "Using `new` snapshot format", "debug")
        for name in contents.names:
            if name.endswith("/") or name == "metadata.json" or name.startswith(("mgmt/", "tenants/")):
                continue
            log(mgr, exe, f"Unexpected file in snapshot: {name}", "debug")
    yield 0.3
    restored = 0
    with mgr.lock:
        for tenant in contents.new_format.get("tenants", []):
            if tenant["name"] not in mgr.inv.tenants:
                mgr.inv.tenants[tenant["name"]] = tenant
                restored += 1
        for user in contents.new_format.get("users", []):
            if user["username"] != "admin" and user["username"] not in mgr.inv.users:
                mgr.inv.users[user["username"]] = user
                restored += 1
        tables = {
            "blueprints": "id",
            "deployments": "id",
            "node_instances": "id",
            "agents": "id",
            "secrets": "key",
            "plugins": "id",
        }
        for kind, id_field in tables.items():
            target = getattr(mgr.inv, kind)
            for rec in contents.new_format.get(kind, []):
                key = (rec["tenant_name"], rec[id_field])
                if key in target:
                    log(mgr, exe, f"Error restoring {kind} {rec[id_field]}: already exists", "error")
                    continue
                target[key] = rec
                restored += 1
        for rec in contents.new_format.get("nodes", []):
            mgr.inv.nodes.setdefault((rec["tenant_name"], rec["deployment_id"], rec["id"]), rec)
        for rec in contents.new_format.get("executions", []):
            mgr.inv.executions.setdefault(rec["id"], rec)
        mgr.inv.reindex()
        if "composer" not in " ".join(contents.names):
            log(mgr, exe, "No composer entities found", "debug")
        if "stage" not in " ".join(contents.names):
            log(mgr, exe, "No stage entities found", "debug")
        mgr.snapshot_restoring = False
        log(
            mgr,
            exe,
            f"Cleared manager snapshot restoring file: {mgr.profile.snapshot_restoring_flag}",
            "debug",
        )
        log(mgr, exe, f"Successfully restored snapshot `{exe['parameters']['snapshot_id']}`")
        history["restored"] = restored > 0
        history["post_restore_at"] = iso()
        _finish(mgr, exe, history, None)
    if os.environ.get("CFY_SIM_DEBUG"):
        print(f"cfy-sim: new-format restore restored {restored} entities")
