"""Snapshots: create (a real zip written in the background), list/get/delete, and uploads."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from typing import TYPE_CHECKING, Any

from .archive import write_legacy, write_new_format
from .certs import manager_certificate
from .clock import Real, Workflow, iso
from .errors import ApiError, bad_parameters, internal_error, not_found
from .executions import (
    ACTIVE,
    PENDING_DELAY,
    WAITING,
    active_executions,
    assert_no_running,
    log,
    mark_ended,
    mark_started,
    new_execution,
)
from .inventory import Record
from .listing import parse_bool
from .profiles import version_text
from .render import SNAPSHOT_FIELDS
from .worker_logs import (
    PREMIUM_404,
    legacy_create_lines,
    new_create_community_lines,
    premium_404_traceback,
    temp_dir,
)

if TYPE_CHECKING:
    from .manager import Manager

_ID_CHARS = re.compile(r"^[A-Za-z0-9._-]+$")
#: Base seconds a snapshot create spends after the archive is written.
CREATE_TIME = 1.2


def validate_snapshot_id(snapshot_id: str) -> None:
    """The real validate_inputs rules: 1-256 chars of letters, digits, - . _; starts with a letter."""
    if not snapshot_id or len(snapshot_id) > 256:
        raise bad_parameters("The `snapshot_id` argument is empty or too long (max 256 characters)")
    if not _ID_CHARS.match(snapshot_id):
        raise bad_parameters(
            "The `snapshot_id` argument contains illegal characters. Only letters, digits and "
            'the characters "-", "." and "_" are allowed'
        )
    if not snapshot_id[0].isalpha():
        raise bad_parameters("The `snapshot_id` argument must begin with a letter")


def conflict(snapshot_id: str, tenant: str) -> ApiError:
    """409 for an id that already exists in the tenant (recorded message)."""
    return ApiError(
        409,
        "conflict_error",
        f"<Snapshot id=`{snapshot_id}` tenant=`{tenant}`> already exists on "
        f"<Tenant name=`{tenant}`> or with global visibility",
    )


def get_snapshot(mgr: Manager, tenant: str | None, snapshot_id: str) -> Record:
    """The snapshot row in the current tenant, or the real 404."""
    rec = mgr.snapshots.get((tenant or "", snapshot_id))
    if rec is None:
        raise not_found("Snapshot", snapshot_id)
    return rec


def snapshot_config(mgr: Manager) -> dict[str, Any]:
    """The ``parameters.config`` of snapshot executions, the DB password in clear as on a real manager."""
    return {
        "file_server_root": "/opt/manager/resources",
        "created_status": "created",
        "failed_status": "failed",
        "postgresql_bin_path": "/usr/bin/",
        "postgresql_username": "cloudify",
        # In clear, as the real execution parameters carry it: the engine must redact it.
        "postgresql_password": mgr.db_password,
        "postgresql_db_name": "cloudify_db",
        "db_host": mgr.manager_ip,
        "default_tenant_name": "default_tenant",
        "snapshot_restore_threads": 15,
    }


def create_snapshot(mgr: Manager, user: str, tenant: str, snapshot_id: str, body: dict[str, Any]) -> Record:
    """PUT /snapshots/<id>: validate, refuse duplicates and running executions, start create_snapshot."""
    validate_snapshot_id(snapshot_id)
    p = mgr.profile
    flags = {
        k: parse_bool(body.get(k, True), k) for k in ("include_credentials", "include_logs", "include_events")
    }
    queue = parse_bool(body.get("queue", False), "queue")
    legacy = True
    if p.has_legacy_flag:
        legacy = parse_bool(body["legacy"], "legacy") if body.get("legacy") is not None else p.default_legacy
    blocking = legacy or not p.at_least(7, 0, 4)
    with mgr.lock:
        if (tenant, snapshot_id) in mgr.snapshots:
            raise conflict(snapshot_id, tenant)
        status = "pending"
        if blocking and active_executions(mgr):
            if not queue:
                assert_no_running(mgr)
            status = "queued"
        params: dict[str, Any] = {"snapshot_id": snapshot_id, **flags, "config": snapshot_config(mgr)}
        if not p.at_least(5, 0, 5):
            params["include_metrics"] = False
        if p.at_least(6, 4):
            params["tempdir_path"] = body.get("tempdir_path")
        if p.has_legacy_flag:
            params["legacy"] = legacy
            params["listener_timeout"] = body.get("listener_timeout")
        mgr.snapshots[(tenant, snapshot_id)] = {
            "id": snapshot_id,
            "created_at": iso(),
            "status": "creating",
            "error": "",
            "tenant_name": tenant,
            "created_by": user,
            "visibility": "private",
            "_size": 0,
        }
        exe = new_execution(
            mgr,
            "create_snapshot",
            tenant,
            user,
            parameters=params,
            system=True,
            allow_custom=True,
            status=status,
        )
        exe["_blocking"] = blocking
    mgr.scheduler.spawn(_create_workflow(mgr, exe, tenant, snapshot_id, legacy))
    return exe


def agent_keys(mgr: Manager) -> list[tuple[str, str]]:
    """(``<tenant>_<deployment>_<host instance>``, key path) of every host whose agent_config names a
    key: the credentials a legacy snapshot copies (and logs, one pair of lines each)."""
    out: list[tuple[str, str]] = []
    for ni in mgr.inv.node_instances.values():
        if ni["id"] != ni.get("host_id"):
            continue
        node = mgr.inv.nodes.get((ni["tenant_name"], ni["deployment_id"], ni["node_id"]))
        key = ((node or {}).get("properties", {}).get("agent_config") or {}).get("key")
        if key:
            out.append((f"{ni['tenant_name']}_{ni['deployment_id']}_{ni['id']}", str(key)))
    return out[:20]


def _agents_json(dump: dict[str, Any], manager_version: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for agent in dump.get("agents", []):
        out.setdefault(agent["tenant_name"], {}).setdefault(agent["deployment"], {}).setdefault(
            agent["node"], {}
        )[agent["node_instance_id"]] = {
            "version": agent.get("version", manager_version),
            "broker_config": {
                "broker_ip": agent.get("_manager_ip"),
                "broker_ssl_cert": "<cert>",
                "broker_ssl_enabled": True,
            },
        }
    return out


def _create_workflow(mgr: Manager, exe: Record, tenant: str, snapshot_id: str, legacy: bool) -> Workflow:
    while True:
        with mgr.lock:
            if exe["status"] != "queued" or not [
                e for e in active_executions(mgr) if e is not exe and e["status"] in ACTIVE
            ]:
                if exe["status"] == "queued":
                    exe["status"] = "pending"
                break
        yield Real(0.02)
    yield PENDING_DELAY
    with mgr.lock:
        if exe["status"] == "cancelled":
            mgr.snapshots.pop((tenant, snapshot_id), None)
            return
        mark_started(mgr, exe)
        log(mgr, exe, f"Creating snapshot `{snapshot_id}`")
        tmp = temp_dir(exe["id"])
        if not legacy and mgr.profile.premium_only_new_snapshots:
            _fail_premium_only(mgr, exe, tenant, snapshot_id, tmp)
            return
        if legacy:
            log(mgr, exe, "Using `legacy` snapshot format", "debug")
        else:
            log(mgr, exe, "Using `new` snapshot format with listener timeout 10.0 seconds", "debug")
        keys = agent_keys(mgr)
        files, database, archive = legacy_create_lines(
            snapshot_id, tmp, snapshot_config(mgr), keys, mgr.profile.premium
        )
        for level, message in files if legacy else []:
            log(mgr, exe, message, level)
        dump_text = mgr.inv.dump_json(skip_execution=exe["id"])
        admin = dict(mgr.bootstrap_admin() or {})
        fault = mgr.faults.execution_failure("create_snapshot", None)
    yield CREATE_TIME / 4
    if legacy:
        with mgr.lock:
            for level, message in database:
                log(mgr, exe, message, level)
    p = mgr.profile
    path = mgr.snapshot_path(tenant, snapshot_id)
    result: dict[str, Any] = {}

    def write() -> None:
        try:
            dump = json.loads(dump_text)
            version = version_text(p.vt)
            if legacy:
                metadata: dict[str, Any] = {"snapshot_version": version, "schema_revision": p.schema_revision}
                if p.premium:
                    metadata["stage_schema_revision"] = "62a6ad8e9dcb"
                    metadata["composer_schema_revision"] = "20240207125009-add-blueprint-labels.js"
                networks = sorted({a.get("_network", "default") for a in dump.get("agents", [])})
                admin_row = {
                    "id": 0,
                    "username": admin.get("username", "admin"),
                    "active": True,
                    "created_at": admin.get("created_at"),
                    "email": None,
                    "first_name": None,
                    "last_login_at": admin.get("last_login_at"),
                    "last_name": None,
                    "password": admin.get("password_hash"),
                    "last_failed_login_at": None,
                    "failed_logins_counter": 0,
                    "show_getting_started": True,
                    "first_login_at": admin.get("first_login_at"),
                }
                result["size"] = write_legacy(
                    path,
                    metadata=metadata,
                    dump=dump,
                    admin_account=admin_row,
                    networks={"active_networks": networks},
                    agents=_agents_json(dump, p.version),
                    pad_to=mgr.cfg.snapshot_size,
                    manager_cert=manager_certificate(mgr.manager_ip, mgr.hostname),
                    installation_status=p.has_installation_status,
                    ssl_files=_ssl_files(mgr),
                )
            else:
                result["size"] = write_new_format(
                    path,
                    metadata={"snapshot_version": version, "execution_id": exe["id"]},
                    dump=dump,
                    pad_to=mgr.cfg.snapshot_size,
                )
        except Exception as exc:
            result["error"] = f"{type(exc).__name__}: {exc}"

    thread = threading.Thread(target=write, name=f"sim-snapshot-{snapshot_id}", daemon=True)
    thread.start()
    yield CREATE_TIME / 4
    while thread.is_alive():
        yield Real(0.01)
    yield CREATE_TIME / 2
    with mgr.lock:
        snap = mgr.snapshots.get((tenant, snapshot_id))
        error = fault or result.get("error")
        if snap is not None:
            snap["_size"] = result.get("size", 0)
            snap["status"] = "failed" if error else "created"
            snap["error"] = error or ""
        if error:
            log(mgr, exe, f"Snapshot creation failed: {error}", "error")
            mark_ended(mgr, exe, failure=error)
        else:
            for level, message in archive if legacy else archive[-2:]:
                log(mgr, exe, message, level)
            mark_ended(mgr, exe)
    if not error:
        from .api_changes import after_snapshot

        after_snapshot(mgr)


def _fail_premium_only(mgr: Manager, exe: Record, tenant: str, snapshot_id: str, tmp: str) -> None:
    """Community 7.x, new format: the worker's first premium-only call answers 404 (lock held)."""
    for level, message in new_create_community_lines(tmp):
        log(mgr, exe, message, level)
    snap = mgr.snapshots.get((tenant, snapshot_id))
    if snap is not None:
        snap["status"] = "failed"
        snap["error"] = PREMIUM_404
    mark_ended(mgr, exe, failure=PREMIUM_404, exc_type="cloudify_rest_client.exceptions.CloudifyClientError")
    exe["error"] = premium_404_traceback()


def register_upload(
    mgr: Manager, user: str, tenant: str, snapshot_id: str, tmp_path: str, size: int
) -> dict[str, Any]:
    """PUT /snapshots/<id>/archive once the body is on disk: 201 body, or 409 (<= 6.x) / all-null (7.x)."""
    if size == 0:
        os.unlink(tmp_path)
        raise internal_error(
            f"FileNotFoundError: [Errno 2] No such file or directory: "
            f"'/opt/manager/resources/snapshots/{snapshot_id}/{snapshot_id}.zip'"
        )
    with mgr.lock:
        existing = mgr.snapshots.get((tenant, snapshot_id))
        if existing is not None:
            if not mgr.profile.upload_overwrites:
                os.unlink(tmp_path)
                raise conflict(snapshot_id, tenant)
            os.makedirs(mgr.snapshot_dir(tenant, snapshot_id), exist_ok=True)
            os.replace(tmp_path, mgr.snapshot_path(tenant, snapshot_id))
            existing["_size"] = size
            return dict.fromkeys(SNAPSHOT_FIELDS)
        os.makedirs(mgr.snapshot_dir(tenant, snapshot_id), exist_ok=True)
        os.replace(tmp_path, mgr.snapshot_path(tenant, snapshot_id))
        rec = {
            "id": snapshot_id,
            "created_at": iso(),
            "status": "uploaded",
            "error": "",
            "tenant_name": tenant,
            "created_by": user,
            "visibility": "private",
            "_size": size,
        }
        mgr.snapshots[(tenant, snapshot_id)] = rec
        from .render import render_snapshot

        return render_snapshot(mgr, rec)


def delete_snapshot(mgr: Manager, tenant: str, snapshot_id: str) -> Record:
    """DELETE /snapshots/<id>: 200 with the row; refused while its create/restore runs (6.0+)."""
    with mgr.lock:
        rec = get_snapshot(mgr, tenant, snapshot_id)
        if mgr.profile.at_least(6, 0):
            for exe in mgr.inv.executions.values():
                if (
                    exe["workflow_id"] in ("create_snapshot", "restore_snapshot")
                    and (exe["status"] in ACTIVE or exe["status"] in WAITING)
                    and (exe.get("parameters") or {}).get("snapshot_id") == snapshot_id
                ):
                    raise ApiError(
                        400,
                        "snapshot_action_error",
                        f"Cannot delete snapshot `{snapshot_id}` which has an active "
                        f"`{exe['workflow_id']}` execution",
                    )
        del mgr.snapshots[(tenant, snapshot_id)]
    shutil.rmtree(mgr.snapshot_dir(tenant, snapshot_id), ignore_errors=True)
    return rec


def _ssl_files(mgr: Manager) -> dict[str, str] | None:
    """The manager's /etc/cloudify/ssl as a legacy snapshot copies it: with https, its CA, its
    external certificate and key (what a certificate restore elsewhere then serves)."""
    cfg = mgr.cfg
    if not (cfg.tls_cert and cfg.tls_key):
        return None
    files = {"cloudify_external_cert.pem": cfg.tls_cert, "cloudify_external_key.pem": cfg.tls_key}
    if cfg.tls_ca:
        files["cloudify_internal_ca_cert.pem"] = cfg.tls_ca
    out: dict[str, str] = {}
    for name, path in files.items():
        with open(path, encoding="ascii") as fh:
            out[name] = fh.read()
    return out
