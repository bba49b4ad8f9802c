"""How each resource looks on the wire for a given manager version (keys, order, computed fields).

Every view knows its field list (which is also the allow-list for ``_include``, ``_sort`` and
filters), how to compute derived fields cheaply for filtering, and how to render one record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .render_deployments import (
    BLUEPRINTS,
    DEPLOYMENTS,
    _deployment_status,
    _installation_status,
    _workflows_for,
    blueprint_fields,
    deployment_fields,
    deployment_filter_fields,
    render_blueprint,
    render_deployment,
)
from .render_executions import (
    EXECUTIONS,
    SNAPSHOT_FIELDS,
    SNAPSHOTS,
    execution_fields,
    render_execution,
    render_execution_short,
    render_snapshot,
    status_display,
)
from .render_view import Record, Renderer, View, _res

# Every name, including those that moved to render_view/render_executions/render_deployments
# (re-exported so ``render.X`` and ``from .render import X`` keep working).
__all__ = [
    "AGENTS",
    "AGENT_FIELDS",
    "BLUEPRINTS",
    "DEPLOYMENTS",
    "EXECUTIONS",
    "NODES",
    "NODE_INSTANCES",
    "PLUGINS",
    "PLUGIN_FIELDS",
    "SECRETS",
    "SECRET_FIELDS",
    "SNAPSHOTS",
    "SNAPSHOT_FIELDS",
    "Record",
    "Renderer",
    "View",
    "_deployment_status",
    "_installation_status",
    "_res",
    "_workflows_for",
    "blueprint_fields",
    "deployment_fields",
    "deployment_filter_fields",
    "execution_fields",
    "node_fields",
    "node_instance_fields",
    "render_blueprint",
    "render_deployment",
    "render_execution",
    "render_execution_short",
    "render_node",
    "render_node_instance",
    "render_snapshot",
    "status_display",
]

if TYPE_CHECKING:
    from .manager import Manager


# -- nodes / node instances -----------------------------------------------------------------------
def node_fields(mgr: Manager) -> list[str]:
    """Node keys (7.x shape; older versions lack the pickle columns and drift counters)."""
    p = mgr.profile
    seven = p.at_least(7, 0)
    out = [
        "id",
        "visibility",
        "deploy_number_of_instances",
        "host_id",
        "max_number_of_instances",
        "min_number_of_instances",
        "number_of_instances",
        "planned_number_of_instances",
    ]
    for name in ("plugins", "plugins_to_install", "properties", "relationships", "operations"):
        out += [f"{name}_p", name] if seven else [name]
    out += ["type"]
    out += ["type_hierarchy_p", "type_hierarchy"] if seven else ["type_hierarchy"]
    if p.at_least(6, 4):
        out += ["drifted_instances", "unavailable_instances"]
    out += ["actual_number_of_instances", "deployment_id", "blueprint_id"]
    if p.at_least(6, 4):
        out.append("deployment_display_name")
    out += ["tenant_name", "created_by", "resource_availability", "private_resource"]
    if p.at_least(6, 0):
        out.append("actual_planned_number_of_instances")
    return out


def render_node(mgr: Manager, rec: Record) -> Record:
    """A node row."""
    base: dict[str, Any] = dict(rec)
    base.update(_res(rec))
    base.update(
        {
            "drifted_instances": 0,
            "unavailable_instances": 0,
            "actual_number_of_instances": rec.get("number_of_instances", 1),
            "actual_planned_number_of_instances": rec.get("planned_number_of_instances", 1),
        }
    )
    return {k: base.get(k) for k in node_fields(mgr)}


NODES = View("Node", node_fields, render_node)


def node_instance_fields(mgr: Manager) -> list[str]:
    """Node-instance keys per version."""
    p = mgr.profile
    seven = p.at_least(7, 0)
    out = ["id", "visibility", "host_id", "index"]
    out += (
        ["relationships_p", "relationships", "runtime_properties_p", "runtime_properties"]
        if seven
        else ["relationships", "runtime_properties"]
    )
    if p.at_least(6, 0):
        out.append("system_properties")
    out += ["scaling_groups_p", "scaling_groups"] if seven else ["scaling_groups"]
    out += ["state", "version"]
    if p.at_least(6, 4):
        out += ["has_configuration_drift", "is_status_check_ok"]
    out += [
        "node_id",
        "deployment_id",
        "tenant_name",
        "created_by",
        "resource_availability",
        "private_resource",
    ]
    return out


def render_node_instance(mgr: Manager, rec: Record) -> Record:
    """A node-instance row."""
    base: dict[str, Any] = dict(rec)
    base.update(_res(rec))
    return {k: base.get(k) for k in node_instance_fields(mgr)}


NODE_INSTANCES = View("NodeInstance", node_instance_fields, render_node_instance)


# -- agents, secrets, plugins, tenants --------------------------------------------------------------
AGENT_FIELDS = [
    "id",
    "host_id",
    "node_instance_id",
    "ip",
    "install_method",
    "system",
    "version",
    "node",
    "deployment",
    "tenant_name",
    "created_at",
    "created_by",
    "visibility",
    "state",
    "rabbitmq_exchange",
    "rabbitmq_username",
    "rabbitmq_password",
]

AGENTS = View(
    "Agent",
    lambda m: list(AGENT_FIELDS),
    lambda m, r: {k: r.get(k) for k in AGENT_FIELDS},
    computed={"deployment_id": lambda m, r: r.get("deployment")},
    extra_filters=("deployment_id",),
)

SECRET_FIELDS = [
    "key",
    "created_at",
    "updated_at",
    "visibility",
    "is_hidden_value",
    "tenant_name",
    "created_by",
    "resource_availability",
    "private_resource",
]

SECRETS = View(
    "Secret",
    lambda m: list(SECRET_FIELDS),
    lambda m, r: {k: ({**r, **_res(r)}).get(k) for k in SECRET_FIELDS},
)

PLUGIN_FIELDS = [
    "id",
    "package_name",
    "package_version",
    "archive_name",
    "package_source",
    "supported_platform",
    "distribution",
    "distribution_version",
    "distribution_release",
    "supported_py_versions",
    "uploaded_at",
    "wheels",
    "excluded_wheels",
    "file_server_path",
    "yaml_url_path",
    "visibility",
    "tenant_name",
    "created_by",
    "resource_availability",
    "private_resource",
]

PLUGINS = View(
    "Plugin",
    lambda m: list(PLUGIN_FIELDS),
    lambda m, r: {k: ({**r, **_res(r)}).get(k) for k in PLUGIN_FIELDS},
)
