"""Property-based parsing, filling what tests/unit/cloudify/test_parsing_properties.py leaves out:
that file proves every `from_api` gives a value or a ProtocolError; here the *derived* answers the
engine relies on (version parsing, health, admin, finished/succeeded, error summary, installed,
maintenance, workflow parameters) are computed from random, missing and extra fields without an
unhandled exception, and manager version strings of any shape parse or raise ValueError only."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from wizard.cloudify import errors, models

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12)
values = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=12,
)


def obj(keys: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts with some of `keys` (random values) and random extra keys."""
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=6), values, max_size=len(keys) + 2)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=20) | st.from_regex(r"\A[0-9v.\-a-z]{0,12}\Z"))
def test_manager_version_text_parses_or_raises_value_error(text: str) -> None:
    try:
        v = models.parse_manager_version(text)
    except ValueError:
        return
    assert isinstance(v, Version) and len(v.release) == 3


def _safe(parse: Any, data: Any) -> Any:
    try:
        return parse(data)
    except errors.ProtocolError:
        return None


@settings(max_examples=60, deadline=None)
@given(data=obj(["version", "edition", "build"]))
def test_version_info_parsed(data: dict[str, Any]) -> None:
    info = _safe(models.VersionInfo.from_api, data)
    if info is None:
        return
    try:
        v = info.parsed
    except (ValueError, errors.ProtocolError):
        return
    assert isinstance(v, Version)


@settings(max_examples=60, deadline=None)
@given(data=obj(["status", "services", "instances", "display_name", "is_remote"]))
def test_status_health(data: dict[str, Any]) -> None:
    status = _safe(models.ManagerStatus.from_api, data)
    if status is not None:
        assert isinstance(status.healthy, bool)
        assert all(isinstance(s, str) for s in status.inactive_services)


@settings(max_examples=60, deadline=None)
@given(data=obj(["username", "role", "tenants", "group_system_roles", "active"]))
def test_user_is_admin(data: dict[str, Any]) -> None:
    user = _safe(models.CurrentUser.from_api, data)
    if user is not None:
        assert isinstance(user.is_admin, bool)


@settings(max_examples=60, deadline=None)
@given(data=obj(["id", "status", "workflow_id", "error", "deployment_id", "parameters", "status_display"]))
def test_execution_state(data: dict[str, Any]) -> None:
    exe = _safe(models.Execution.from_api, data)
    if exe is None:
        return
    assert isinstance(exe.finished, bool) and isinstance(exe.succeeded, bool)
    assert not (exe.succeeded and not exe.finished)
    assert isinstance(exe.error_summary, str)


@settings(max_examples=60, deadline=None)
@given(
    data=obj(["id", "blueprint_id", "installation_status", "workflows", "tenant_name"]),
    workflow=st.text(max_size=8) | st.just("install_new_agents"),
    parameter=st.text(max_size=8) | st.just("manager_ip"),
)
def test_deployment_declares(data: dict[str, Any], workflow: str, parameter: str) -> None:
    dep = _safe(models.Deployment.from_api, data)
    if dep is not None:
        assert dep.declares(workflow, parameter) in (True, False, None)


@settings(max_examples=40, deadline=None)
@given(data=obj(["id", "node_id", "host_id", "state", "deployment_id", "type_hierarchy"]))
def test_node_instance_is_host(data: dict[str, Any]) -> None:
    ni = _safe(models.NodeInstance.from_api, data)
    if ni is not None:
        assert isinstance(ni.is_host, bool)


@settings(max_examples=40, deadline=None)
@given(data=obj(["status", "activated_at", "remaining_executions", "requested_by"]))
def test_maintenance_active(data: dict[str, Any]) -> None:
    m = _safe(models.MaintenanceState.from_api, data)
    if m is not None:
        assert isinstance(m.active, bool)
