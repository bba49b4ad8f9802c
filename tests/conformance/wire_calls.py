"""The REST calls cfy-migrate makes, sent the same way to a real manager (tests/real/record_wire.py
records them into tests/fixtures/real-responses/r71/) and to the simulator (test_recorded_wire.py),
with what is compared: status, Content-Type, Content-Encoding, Transfer-Encoding, Content-Length
present or not, and the body's keys and value types. Recorded bodies are scrubbed of secrets.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import requests

_ALL = "_all_tenants=true&_offset=0&_size=1000"


@dataclass(frozen=True)
class Call:
    """One request: a name (the fixture key), method, path and query, and how to send it."""

    name: str
    method: str
    path: str
    auth: str = "admin"  # admin | none | wrong | unknown
    tenant: str | None = "default_tenant"
    json_body: Any = None
    data: str | None = None
    content_type: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


CALLS: list[Call] = [
    Call("version_unversioned", "GET", "/api/version"),
    Call("version", "GET", "/api/v3.1/version"),
    Call("user", "GET", "/api/v3.1/user"),
    Call("tenants", "GET", "/api/v3.1/tenants?_offset=0&_size=1000"),
    Call("managers", "GET", "/api/v3.1/managers?_offset=0&_size=1000"),
    Call("brokers", "GET", "/api/v3.1/brokers?_offset=0&_size=1000"),
    Call("status", "GET", "/api/v3.1/status"),
    Call("ok", "GET", "/api/v3.1/ok", auth="none"),
    Call("snapshot_status", "GET", "/api/v3.1/snapshot-status", auth="none"),
    Call("maintenance", "GET", "/api/v3.1/maintenance"),
    Call(
        "executions_active",
        "GET",
        "/api/v3.1/executions?_include_system_workflows=true&status=cancelling&status=force_cancelling"
        f"&status=kill_cancelling&status=pending&status=queued&status=started&{_ALL}",
    ),
    Call(
        "executions_create_snapshot",
        "GET",
        f"/api/v3.1/executions?_include_system_workflows=true&workflow_id=create_snapshot&{_ALL}",
    ),
    Call(
        "executions_user", "GET", "/api/v3.1/executions?_include_system_workflows=false&_offset=0&_size=1000"
    ),
    Call("blueprints_ids", "GET", f"/api/v3.1/blueprints?_include=id,tenant_name&{_ALL}"),
    Call(
        "deployments_ids",
        "GET",
        f"/api/v3.1/deployments?_include=id,tenant_name,blueprint_id,installation_status&{_ALL}",
    ),
    Call("deployments_count", "GET", "/api/v3.1/deployments?_include=id&_all_tenants=true&_offset=0&_size=1"),
    Call(
        "node_instances",
        "GET",
        f"/api/v3.1/node-instances?_include=id,host_id,deployment_id,node_id,state,tenant_name&{_ALL}",
    ),
    Call("agents", "GET", f"/api/v3.1/agents?{_ALL}"),
    Call("secrets_count", "GET", "/api/v3.1/secrets?_include=key&_all_tenants=true&_offset=0&_size=1"),
    Call("snapshots", "GET", "/api/v3.1/snapshots?_offset=0&_size=1000"),
    Call(
        "events",
        "GET",
        "/api/v3.1/events?_offset=0&_size=5&type=cloudify_event&type=cloudify_log&_sort=reported_timestamp",
    ),
    Call("error_wrong_password", "GET", "/api/v3.1/user", auth="wrong"),
    Call("error_unknown_user", "GET", "/api/v3.1/user", auth="unknown"),
    Call("error_no_auth", "GET", "/api/v3.1/user", auth="none"),
    Call("error_unknown_tenant", "GET", "/api/v3.1/user", tenant="no_such_tenant"),
    Call("error_snapshot_404", "GET", "/api/v3.1/snapshots/no-such-snapshot"),
    Call("error_execution_404", "GET", "/api/v3.1/executions/00000000-0000-0000-0000-000000000000"),
    Call("error_include", "GET", "/api/v3.1/deployments?_include=nope"),
    Call("error_unknown_url", "GET", "/api/v3.1/no-such-endpoint"),
    Call("error_415", "PUT", "/api/v3.1/snapshots/cfy-cmp-probe", data="x", content_type="text/plain"),
    Call(
        "error_restore_404",
        "POST",
        "/api/v3.1/snapshots/no-such-snapshot/restore",
        json_body={"force": False},
    ),
    Call("users_premium_only", "GET", "/api/v3.1/users?_offset=0&_size=1000"),
    Call("tenant_create_premium_only", "POST", "/api/v3.1/tenants/t_probe_x"),
]

#: Headers whose value (or absence) is compared.
WIRE_HEADERS = ("content-type", "content-encoding", "transfer-encoding")

_SECRET_KEYS = {
    "password",
    "ca_cert_content",
    "rabbitmq_password",
    "postgresql_password",
    "postgresql_username",
    "password_hash",
    "value",
    "token",
}
_HASH = re.compile(r"\$pbkdf2[^'\" ]*")
_PW_IN_TEXT = re.compile(
    r"((?:password|postgresql_password|postgresql_username)['\"]?\s*[:=]\s*['\"])[^'\"]*"
)


def scrub(value: Any) -> Any:
    """Replace secrets (string values of secret keys, hashes and passwords in messages) by <redacted>."""
    if isinstance(value, dict):
        return {
            k: ("<redacted>" if k in _SECRET_KEYS and isinstance(v, str) and v else scrub(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, str):
        return _PW_IN_TEXT.sub(r"\1<redacted>", _HASH.sub("<redacted>", value))
    return value


def send(base: str, call: Call, password: str, verify: Any = True) -> dict[str, Any]:
    """Send one call (gzip accepted, as requests does) and describe the answer on the wire."""
    headers: dict[str, str] = dict(call.extra)
    if call.tenant:
        headers["Tenant"] = call.tenant
    if call.content_type:
        headers["Content-Type"] = call.content_type
    auth: tuple[str, str] | None = {
        "admin": ("admin", password),
        "wrong": ("admin", "wrong-password"),
        "unknown": ("nobody", "x"),
    }.get(call.auth)
    session = requests.Session()
    session.trust_env = False  # no CA bundle or proxy from the environment: verify is ours
    r = session.request(
        call.method,
        base + call.path,
        auth=auth,
        headers=headers,
        json=call.json_body,
        data=call.data,
        verify=verify,
        timeout=30,
    )
    out: dict[str, Any] = {
        "name": call.name,
        "method": call.method,
        "path": call.path,
        "status": r.status_code,
        "headers": {h: r.headers.get(h) for h in WIRE_HEADERS},
        "content_length": "content-length" in r.headers,
        "body_size": len(r.content),
    }
    try:
        out["json"] = scrub(r.json())
    except ValueError:
        out["text"] = r.text[:300]
    return out


def load(path: str) -> dict[str, dict[str, Any]]:
    """A recording file: name -> record."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {rec["name"]: rec for rec in data["calls"]}
