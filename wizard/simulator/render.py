"""How each resource looks on the wire for a given manager version (keys, order, computed fields).

Every view knows its field list (which is also the allow-list for ``_include``, ``_sort`` and
filters), how to compute derived fields cheaply for filtering, and how to render one record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .types_catalog import deployment_workflows, workflow_shape

if TYPE_CHECKING:
    from .manager import Manager

Record = dict[str, Any]
Renderer = Callable[["Manager", Record], Record]


@dataclass
class View:
    """One resource type's wire shape."""

    model: str
    fields: Callable[[Manager], list[str]]
    render: Renderer
    computed: dict[str, Callable[[Manager, Record], Any]] = field(default_factory=dict)
    extra_filters: tuple[str, ...] = ()
    #: The model's filterable columns in order, where they differ from ``fields + extra_filters``.
    filters: Callable[[Manager], list[str]] | None = None

    def filter_fields(self, mgr: Manager) -> list[str]:
        """What a list's filter and sort keys may be (the real error message lists them in this order)."""
        if self.filters is not None:
            return self.filters(mgr)
        return list(self.fields(mgr)) + list(self.extra_filters)

    def value(self, mgr: Manager, rec: Record, name: str) -> Any:
        """A field's value for filtering and sorting, without rendering the whole record."""
        fn = self.computed.get(name)
        return fn(mgr, rec) if fn is not None else rec.get(name)


def _res(rec: Record, *, private: bool = False) -> dict[str, Any]:
    vis = rec.get("visibility", "tenant")
    return {
        "tenant_name": rec.get("tenant_name"),
        "created_by": rec.get("created_by", "admin"),
        "resource_availability": vis,
        "private_resource": vis == "private",
    }


# -- snapshots ------------------------------------------------------------------------------------
SNAPSHOT_FIELDS = [
    "created_at",
    "id",
    "visibility",
    "status",
    "error",
    "tenant_name",
    "created_by",
    "resource_availability",
    "private_resource",
]


def render_snapshot(mgr: Manager, rec: Record) -> Record:
    """A snapshot row."""
    out = {
        "created_at": rec["created_at"],
        "id": rec["id"],
        "visibility": "private",
        "status": rec["status"],
        "error": rec.get("error", ""),
    }
    out.update(_res({**rec, "visibility": "private"}))
    return out


SNAPSHOTS = View("Snapshot", lambda m: list(SNAPSHOT_FIELDS), render_snapshot)


# -- executions -----------------------------------------------------------------------------------
def execution_fields(mgr: Manager) -> list[str]:
    """Execution keys per version (7.x adds the pickle column parameters_p)."""
    p = mgr.profile
    if not p.at_least(6, 0):
        return [
            "id",
            "status",
            "status_display",
            "error",
            "parameters",
            "workflow_id",
            "is_system_workflow",
            "is_dry_run",
            "created_at",
            "started_at",
            "ended_at",
            "scheduled_for",
            "deployment_id",
            "blueprint_id",
            "visibility",
            "tenant_name",
            "created_by",
            "resource_availability",
            "private_resource",
        ]
    out = ["created_at", "visibility", "id", "ended_at", "error", "is_system_workflow"]
    if p.at_least(7, 0):
        out.append("parameters_p")
    out += [
        "parameters",
        "status",
        "workflow_id",
        "started_at",
        "scheduled_for",
        "is_dry_run",
        "resume",
        "total_operations",
        "finished_operations",
        "allow_custom_parameters",
        "blueprint_id",
    ]
    if p.at_least(6, 4):
        out.append("deployment_display_name")
    out += [
        "deployment_id",
        "status_display",
        "tenant_name",
        "created_by",
        "resource_availability",
        "private_resource",
    ]
    return out


def status_display(status: str) -> str:
    """``terminated`` shows as ``completed``; every other status shows as itself."""
    return "completed" if status == "terminated" else status


def render_execution(mgr: Manager, rec: Record) -> Record:
    """An execution row."""
    base = {
        **rec,
        "status_display": status_display(rec["status"]),
        "parameters_p": None,
        "deployment_display_name": rec.get("deployment_id"),
        **_res(rec),
    }
    base.setdefault("resume", False)
    base.setdefault("total_operations", 0)
    base.setdefault("finished_operations", 0)
    base.setdefault("allow_custom_parameters", False)
    base.setdefault("scheduled_for", None)
    base.setdefault("is_dry_run", False)
    return {k: base.get(k) for k in execution_fields(mgr)}


EXECUTIONS = View(
    "Execution",
    execution_fields,
    render_execution,
    computed={"status_display": lambda m, r: status_display(r["status"])},
    extra_filters=("_group_id",),
)


#: The restore answer: the execution marshalled with the Snapshot field set.
def render_execution_short(mgr: Manager, rec: Record) -> Record:
    """The short execution shape POST /snapshots/<id>/restore answers with."""
    return {
        "created_at": rec["created_at"],
        "id": rec["id"],
        "visibility": rec.get("visibility", "tenant"),
        "status": rec["status"],
        "error": rec.get("error"),
        **_res(rec),
    }


# -- deployments ----------------------------------------------------------------------------------
def deployment_fields(mgr: Manager) -> list[str]:
    """Deployment keys per version."""
    p = mgr.profile
    if p.at_least(6, 0):
        seven = p.at_least(7, 0)
        out = ["created_at", "id", "visibility", "description"]
        for name in ("inputs", "groups"):
            out += [f"{name}_p", name] if seven else [name]
        out.append("permalink")
        for name in ("policy_triggers", "policy_types", "outputs", "capabilities", "scaling_groups"):
            out += [f"{name}_p", name] if seven else [name]
        out.append("updated_at")
        out += ["workflows_p", "workflows"] if seven else ["workflows"]
        out += [
            "runtime_only_evaluation",
            "installation_status",
            "deployment_status",
            "sub_services_status",
            "sub_environments_status",
            "sub_services_count",
            "sub_environments_count",
            "display_name",
        ]
        if p.at_least(6, 4):
            out += ["resource_tags", "drifted_instances", "unavailable_instances"]
        out += [
            "latest_execution",
            "latest_execution_finished_operations",
            "latest_execution_total_operations",
            "latest_execution_workflow_id",
            "create_execution",
            "blueprint_id",
            "site_name",
            "latest_execution_status",
            "environment_type",
            "has_sub_deployments",
            "tenant_name",
            "created_by",
            "resource_availability",
            "private_resource",
            "workdir_zip",
            "labels",
            "deployment_groups",
        ]
        return out
    out = [
        "created_at",
        "id",
        "visibility",
        "description",
        "inputs",
        "groups",
        "permalink",
        "policy_triggers",
        "policy_types",
        "outputs",
        "capabilities",
        "scaling_groups",
        "updated_at",
        "workflows",
    ]
    if p.at_least(5, 0):
        out += ["runtime_only_evaluation", "blueprint_id", "site_name"]
    else:
        out += ["blueprint_id"]
    out += ["tenant_name", "created_by", "resource_availability", "private_resource"]
    if p.at_least(5, 1):
        out.append("labels")
    return out


def _installation_status(mgr: Manager, rec: Record) -> str:
    return mgr.inv.installation_status(rec["tenant_name"], rec["id"])


def _deployment_status(mgr: Manager, rec: Record) -> str:
    if rec.get("latest_execution_status") == "in_progress":
        return "in_progress"
    if rec.get("latest_execution_status") == "failed":
        return "requires_attention"
    return "good"


def _workflows_for(mgr: Manager, rec: Record, *, listing: bool) -> list[Record]:
    p = mgr.profile
    if listing and p.at_least(7, 0):
        # Recorded quirk (7.x): the list endpoint marshals workflows as all-null objects.
        keys = [
            "name",
            "plugin",
            "operation",
            "parameters",
            "is_cascading",
            "is_available",
            "availability_rules",
        ]
        return [dict.fromkeys(keys)]
    return [workflow_shape(w, p.at_least(6, 4), p.at_least(6, 0)) for w in deployment_workflows(rec)]


def render_deployment(mgr: Manager, rec: Record, *, listing: bool = False) -> Record:
    """A deployment row (GET by id shows the workflows; the 7.x list shows null ones)."""
    base: dict[str, Any] = dict(rec)
    base.update(_res(rec))
    base["workflows"] = _workflows_for(mgr, rec, listing=listing)
    base["installation_status"] = _installation_status(mgr, rec)
    base["deployment_status"] = _deployment_status(mgr, rec)
    base.update(
        {
            "sub_services_status": None,
            "sub_environments_status": None,
            "sub_services_count": 0,
            "sub_environments_count": 0,
            "drifted_instances": 0,
            "unavailable_instances": 0,
            "environment_type": "",
            "has_sub_deployments": False,
            "workdir_zip": None,
            "deployment_groups": [],
        }
    )
    return {k: base.get(k) for k in deployment_fields(mgr)}


def deployment_filter_fields(mgr: Manager) -> list[str]:
    """The Deployment model's columns: response-only keys (labels, workdir_zip, deployment_groups)
    are not filterable, and deployment_group_id sits after unavailable_instances (recorded on 7.1)."""
    out = [f for f in deployment_fields(mgr) if f not in ("workdir_zip", "labels", "deployment_groups")]
    if "unavailable_instances" in out:
        out.insert(out.index("unavailable_instances") + 1, "deployment_group_id")
    else:
        out.append("deployment_group_id")
    return out


DEPLOYMENTS = View(
    "Deployment",
    deployment_fields,
    lambda m, r: render_deployment(m, r, listing=True),
    computed={"installation_status": _installation_status, "deployment_status": _deployment_status},
    extra_filters=("deployment_group_id",),
    filters=deployment_filter_fields,
)


# -- blueprints -----------------------------------------------------------------------------------
def blueprint_fields(mgr: Manager) -> list[str]:
    """Blueprint keys per version."""
    p = mgr.profile
    if p.at_least(6, 0):
        out = ["created_at", "id", "visibility", "main_file_name"]
        out += ["plan_p", "plan"] if p.at_least(7, 0) else ["plan"]
        out += [
            "requirements",
            "updated_at",
            "description",
            "is_hidden",
            "state",
            "error",
            "error_traceback",
            "tenant_name",
            "created_by",
            "resource_availability",
            "private_resource",
            "labels",
            "upload_execution",
        ]
        return out
    out = ["created_at", "id", "visibility", "main_file_name", "plan", "updated_at", "description"]
    if p.at_least(5, 0):
        out += ["is_hidden"]
    out += ["tenant_name", "created_by", "resource_availability", "private_resource"]
    if p.at_least(5, 1):
        out += ["state", "error", "error_traceback", "labels"]
    return out


def render_blueprint(mgr: Manager, rec: Record) -> Record:
    """A blueprint row; ``upload_execution`` is a synthetic finished upload."""
    base: dict[str, Any] = dict(rec)
    base.update(_res(rec))
    base["plan"] = {k: v for k, v in rec.get("plan", {}).items() if not k.startswith("_")}
    upload = {
        "id": f"upload-{rec['id']}",
        "workflow_id": "upload_blueprint",
        "status": "terminated",
        "error": "",
        "parameters": {"blueprint_id": rec["id"]},
        "is_system_workflow": False,
        "created_at": rec["created_at"],
        "started_at": rec["created_at"],
        "ended_at": rec["created_at"],
        "deployment_id": None,
        "blueprint_id": None,
        "tenant_name": rec["tenant_name"],
        "created_by": "admin",
        "visibility": "tenant",
        "allow_custom_parameters": True,
    }
    base["upload_execution"] = render_execution(mgr, upload)
    return {k: base.get(k) for k in blueprint_fields(mgr)}


BLUEPRINTS = View("Blueprint", blueprint_fields, render_blueprint)


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
