"""The legacy (database) restore as measured on a real 7.1 stack behind nginx (``outage_mode="nginx"``).

Measured, a 7.1 archive of another manager restored on a clean 7.1 stack (seconds from the POST): the
execution starts at ~0.4 s and /snapshot-status reads ``running``; at ~3.4 s the REST service stops for
the DB swap and nginx answers ``502 text/html`` for ~11 s (``restore_outage``); the first answers after
the restart take ~3 s; from then on NEITHER admin password works (``restore_auth_gap``: the restored
database and rest-security.conf no longer fit the running admin row); ~10.5 s later the REST service
restarts once more (~3 s, ``restore_outage2``); the execution ends ~10 s after that, and ~2.6 s later
(``post_restore_delay``) the post-restore commands write the old admin hash (the old password works:
41.5 s in all, 26.5 s without a working password). The events logged before the DB swap are lost with
the old database, and the execution row that survives has ``started_at``, ``parameters``,
``visibility`` null. (Restoring a manager's own archive: no auth gap, the salt is the same.)
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .archive import ArchiveContents
from .clock import Workflow
from .executions import log
from .inventory import Record
from .snapshots import agent_keys, snapshot_config
from .worker_logs import masked_config, temp_dir

if TYPE_CHECKING:
    from .manager import Manager

#: Base seconds of work between the phases (measured on the small realstack seed).
BEFORE_SWAP = 3.0
BETWEEN_RESTARTS = 10.5
AFTER_SECOND_RESTART = 10.0
#: The first answers after a REST restart wait this long (base seconds).
WARM_UP = 3.0


def _outage(mgr: Manager, seconds: float) -> Workflow:
    if seconds > 0 and mgr.listener is not None:
        mgr.listener.begin_outage(mgr.cfg.outage_mode)
        yield seconds
        mgr.warm_until = time.monotonic() + WARM_UP * mgr.cfg.time_scale
        mgr.listener.end_outage()


def _sql_time(value: object) -> str:
    """A naive datetime's str() as psql gets it (no Z)."""
    return str(value).rstrip("Z")


def _update_admin_line(mgr: Manager, tmp: str, admin: Record | None) -> str:
    admin = admin or {}
    cfg = snapshot_config(mgr)
    return (
        f"After restore, the following commands will run: while [[ -d {tmp}-snapshot-data ]]; do sleep 0.5; "
        f"done; sleep 3; {cfg['postgresql_bin_path']}psql --host {cfg['db_host']} --port 5432 -U "
        f'{cfg["postgresql_username"]} cloudify_db -c "UPDATE users SET '
        f"username='{admin.get('username', 'admin')}',"
        f"active='True',created_at='{_sql_time(admin.get('created_at'))}',last_login_at='{_sql_time(admin.get('last_login_at'))}',"
        f"password='{admin.get('password')}',show_getting_started='True',"
        f"first_login_at='{_sql_time(admin.get('first_login_at'))}' WHERE users.id=0\"; sudo "
        "/opt/cloudify/mgmtworker/create-admin-token.py; rm -f /tmp/cloudify/snapshot_restoring"
    )


def measured_legacy_restore(
    mgr: Manager, exe: Record, contents: ArchiveContents, swap: object, history: Record
) -> Workflow:
    """The legacy path from the pre-swap pause to the end of the execution (see the module doc).

    ``swap`` is restore._swap_inventory (passed in to keep the import one-way).
    """
    tmp = temp_dir(exe["id"])
    yield BEFORE_SWAP
    with mgr.lock:
        swap(mgr, exe, contents)  # type: ignore[operator]
        history["restored"] = True
    first = mgr.faults.restore_outage()
    yield from _outage(mgr, mgr.cfg.restore_outage if first is None else first)
    if mgr.cfg.restore_auth_gap:
        mgr.admin_login_broken = True
    with mgr.lock:
        # The restored database holds this execution again, re-inserted with few fields.
        exe["started_at"] = None
        exe["parameters"] = None
        exe["visibility"] = None
        mgr.inv.drop_events_of(exe["id"])
        for message, level in (
            ("Restoring database", "info"),
            (f"Creating db dump file: {tmp}-snapshot-data/license.json, excluding: None", "debug"),
            ("Restoring DB", "info"),
            ("DB restored", "info"),
            ("Successfully restored database", "info"),
        ):
            log(mgr, exe, message, level)
    yield BETWEEN_RESTARTS / 2
    with mgr.lock:
        log(mgr, exe, f"Init Postgres config: {masked_config(snapshot_config(mgr))}", "debug")
    yield BETWEEN_RESTARTS / 2
    yield from _outage(mgr, mgr.cfg.restore_outage2)
    with mgr.lock:
        log(mgr, exe, "Restoring credentials")
        for name, _key in agent_keys(mgr):
            log(mgr, exe, f"key file for {name} not found")
        log(mgr, exe, "Successfully restored credentials")
    yield AFTER_SECOND_RESTART / 4
    with mgr.lock:
        log(mgr, exe, "Restoring cloudify agent data")
        log(mgr, exe, "Successfully restored cloudify agent data")
        log(mgr, exe, "Creating deployment dirs for default_tenant")
        log(mgr, exe, "Successfully created deployment dirs.")
        log(mgr, exe, "Restoring inter deployment dependencies")
    yield AFTER_SECOND_RESTART / 4
    with mgr.lock:
        for message in (
            "Successfully restored inter deployment dependencies.",
            "Updating roles and permissions",
            "Updating deployment statuses.",
            "Updating node indices.",
            "Creating system filters",
        ):
            log(mgr, exe, message)
    yield AFTER_SECOND_RESTART / 2
    with mgr.lock:
        log(mgr, exe, _update_admin_line(mgr, tmp, contents.admin_account))
        log(mgr, exe, f"Removing temp dir: {tmp}-snapshot-data")
