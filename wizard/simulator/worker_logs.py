"""The mgmtworker's log lines for snapshot workflows, as a real 7.1 manager sends them (measured).

A legacy create sends 33 events (workflow_started, 31 log lines, workflow_succeeded) including
"Source not found ... Skipping..." warnings for the folders a community manager lacks; a new-format
create on community fails at the first premium-only endpoint. The lines carry the same paths and
(where the real worker leaks them) the same secrets, so that the engine's redaction can be tested:
``Init Postgres config`` masks the password, but the execution's ``parameters.config`` and the
restore's post-restore commands do not.
"""

from __future__ import annotations

import json
import random
import string
from typing import Any

Line = tuple[str, str]  # (level, message)

PREMIUM_404 = "\n".join(
    [
        "404: This feature exists only in the premium edition of Cloudify.",
        "Please contact sales for additional info.",
    ]
)
_SNAPSHOTS = "/opt/manager/resources/snapshots"
_COPIED = [
    ("blueprints", True),
    ("deployments", True),
    ("uploaded-blueprints", True),
    ("plugins", True),
    ("global-resources", False),
    ("tenant-resources", False),
    ("authenticators", False),
]


def temp_dir(seed: str) -> str:
    """A worker temp dir name like the real ``/tmp/tmp5x_9ygrc-snapshot-data``."""
    rnd = random.Random(seed)
    return "/tmp/tmp" + "".join(rnd.choice(string.ascii_lowercase + string.digits + "_") for _ in range(8))


def masked_config(config: dict[str, Any]) -> str:
    """``Init Postgres config`` prints the config as JSON with the credentials masked."""
    shown = {
        k: ("********" if k in ("postgresql_username", "postgresql_password") else v)
        for k, v in config.items()
    }
    return json.dumps(shown)


def legacy_create_lines(
    snapshot_id: str, tmp: str, config: dict[str, Any], agent_keys: list[tuple[str, str]], premium: bool
) -> tuple[list[Line], list[Line], list[Line]]:
    """The log lines of a legacy create in three phases: files, database, archive.

    ``agent_keys``: (credentials dir name ``<tenant>_<deployment>_<instance>``, key path) per agent host.
    """
    data = f"{tmp}-snapshot-data"
    sources = [(name, name) for name, _ in _COPIED] + [
        ("/etc/cloudify/ssl", "ssl"),
        ("/opt/manager/rest-security.conf", "rest-security.conf"),
    ]
    files: list[Line] = [
        ("info", "Dumping files to the archive from the manager"),
        ("info", "Copying files/directories..."),
        ("info", repr(sources)),
    ]
    for name, present in _COPIED:
        src = f"/opt/manager/resources/{name}"
        if present:
            files.append(("debug", f"Copying from dump: {src} to: {data}/{name}.."))
        else:
            files.append(("warning", f"Source not found: {src}. Skipping..."))
    files.append(("debug", f"Copying from dump: /etc/cloudify/ssl to: {data}/ssl.."))
    files.append(
        ("debug", f"Copying from dump: /opt/manager/rest-security.conf to: {data}/rest-security.conf..")
    )
    if not premium:
        files.append(("warning", "Source not found: /opt/cloudify-stage/dist/userData. Skipping..."))
        files.append(("warning", "Source not found: /opt/cloudify-composer/backend/dev. Skipping..."))
    database: list[Line] = [
        ("info", "Dumping Postgres data"),
        ("debug", f"Init Postgres config: {masked_config(config)}"),
        ("info", "Dumping Postgres, include logs True include events True"),
        (
            "debug",
            f"Creating db dump file: {data}/pg_data, excluding: ['alembic_version', 'provider_context', "
            "'roles', 'licenses', 'managers', 'certificates', 'audit_log', 'audit_log__storage_id_seq', "
            "'snapshots', 'config', 'rabbitmq_brokers', 'db_nodes', 'maintenance_mode', 'usage_collector', "
            "'plugins_states']",
        ),
        ("debug", "Dumping admin account"),
        ("info", "Dumping network data"),
        ("info", "Dumping credentials data"),
        ("debug", f"Dumping credentials data, archive_cred_path: {data}/snapshot-credentials"),
    ]
    for dirname, key in agent_keys:
        database.append(
            (
                "debug",
                f"Dumping credentials data, copy from: {key} to "
                f"{data}/snapshot-credentials/{dirname}/agent_key",
            )
        )
        database.append(
            (
                "debug",
                "Key doesn't appear to be a file path. Skipping "
                f"([Errno 2] No such file or directory: '{key}')",
            )
        )
    archive: list[Line] = [
        ("info", "Dumping metadata"),
        ("info", "Dumping agents data"),
        (
            "info",
            f"Creating snapshot archive: /opt/manager/resources/snapshots/{snapshot_id}/{snapshot_id}.zip",
        ),
        ("info", "Snapshot created successfully"),
        ("debug", f"Removing temp dir: {data}"),
    ]
    return files, database, archive


def new_create_community_lines(tmp: str) -> list[Line]:
    """A new-format create on community 7.x: it dies listing user groups (premium only)."""
    return [
        ("debug", "Using `new` snapshot format with listener timeout 10.0 seconds"),
        ("debug", "Dumping metadata"),
        ("debug", "Dumping tenants"),
        ("debug", "Dumping permissions"),
        ("debug", "Dumping user_groups"),
        ("error", f"Snapshot creation failed: {PREMIUM_404}"),
        ("debug", f"Removing temp dir: {tmp}-snapshot-data"),
    ]


def premium_404_traceback() -> str:
    """The ``error`` of that failed execution: the worker's traceback, ending in the client error."""
    site = "/opt/mgmtworker/env/lib/python3.11/site-packages"
    return (
        f'File "{site}/cloudify_system_workflows/snapshot.py", line 63, in create\n'
        "  create_snapshot.create()\n"
        f'File "{site}/cloudify_system_workflows/snapshots/snapshot_create.py", line 96, in create\n'
        "  self._dump_management()\n"
        f'File "{site}/cloudify_system_workflows/snapshots/snapshot_create.py", line 139, '
        "in _dump_management\n"
        "  self._write_files(None, dump_type, entities)\n"
        f'File "{site}/cloudify_rest_client/client.py", line 184, in _prepare_and_raise_exception\n'
        "  raise error(message, server_traceback,\n"
        f"cloudify_rest_client.exceptions.CloudifyClientError: {PREMIUM_404}\n"
    )
