"""Data shapes a real 7.1 seed has that the default seed lacks (``SimulatorConfig.real_shapes``).

Measured on the realstack seed: every Compute host has ``install_method: none`` (so /agents is empty
and install_new_agents sends just 2 events), a node outside any Compute has ``host_id: null``,
each blueprint upload left an ``upload_blueprint`` execution with ``deployment_id: null``, and
every finished execution has its workflow_started/workflow_succeeded events. Off by default: the
engine tests count agents and node instances of the default seed.
"""

from __future__ import annotations

from .clock import iso
from .inventory import Inventory, Record
from .policy_types import POLICY_TRIGGERS, POLICY_TYPES
from .seed import BASE_TS

UPLOAD_LOGS = (
    "Blueprint archive uploaded. Extracting...",
    "Blueprint archive extracted. Parsing...",
    "Blueprint parsed. Updating DB with blueprint plan.",
)


def _event(exe: Record, event_type: str, message: str, manager_name: str) -> Record:
    return {
        "timestamp": exe["started_at"],
        "reported_timestamp": exe["started_at"],
        "blueprint_id": exe.get("blueprint_id"),
        "deployment_id": exe.get("deployment_id"),
        "deployment_display_name": exe.get("deployment_id"),
        "execution_id": exe["id"],
        "execution_group_id": None,
        "workflow_id": exe["workflow_id"],
        "message": message,
        "error_causes": None,
        "operation": None,
        "source_id": None,
        "target_id": None,
        "manager_name": manager_name,
        "agent_name": None,
        "node_instance_id": None,
        "node_name": None,
        "_tenant": exe["tenant_name"],
        "type": "cloudify_event",
        "event_type": event_type,
    }


def _log(exe: Record, message: str, manager_name: str) -> Record:
    rec = _event(exe, "", message, manager_name)
    del rec["event_type"]
    rec.update(type="cloudify_log", logger=f"ctx.{exe['id']}", level="info")
    return rec


def add_real_shapes(inv: Inventory, manager_name: str) -> None:
    """Rewrite a seeded inventory into the measured shapes (see the module docstring)."""
    keyed = False
    for node in inv.nodes.values():
        agent_cfg = node.get("properties", {}).get("agent_config")
        if isinstance(agent_cfg, dict):
            agent_cfg["install_method"] = "none"
            if not keyed:  # the measured seed had one host with an agent key that is not a file
                agent_cfg["key"] = "/nonexistent/key"
                keyed = True
    inv.agents.clear()
    for ni in inv.node_instances.values():
        ni.get("runtime_properties", {}).pop("cloudify_agent", None)
    # a monitoring node beside the host, contained in nothing: host_id null
    for (tenant, dep_id), dep in list(inv.deployments.items()):
        node_id = "monitor"
        inv.add_node(
            {
                "id": node_id,
                "deployment_id": dep_id,
                "blueprint_id": dep["blueprint_id"],
                "tenant_name": tenant,
                "type": "cloudify.nodes.Root",
                "type_hierarchy": ["cloudify.nodes.Root"],
                "host_id": None,
                "number_of_instances": 1,
                "planned_number_of_instances": 1,
                "deploy_number_of_instances": 1,
                "min_number_of_instances": 0,
                "max_number_of_instances": -1,
                "properties": {},
                "relationships": [],
                "operations": {},
                "plugins": [],
                "plugins_to_install": [],
                "visibility": "tenant",
                "created_by": "admin",
                "deployment_display_name": dep_id,
            }
        )
        host = next(
            (
                ni
                for ni in inv.node_instances.values()
                if ni["deployment_id"] == dep_id and ni["tenant_name"] == tenant
            ),
            None,
        )
        inv.add_node_instance(
            {
                "id": f"{node_id}_{dep_id.replace('-', '')}",
                "node_id": node_id,
                "deployment_id": dep_id,
                "tenant_name": tenant,
                "host_id": None,
                "index": 1,
                "state": host["state"] if host else "uninitialized",
                "relationships": [],
                "runtime_properties": {},
                "scaling_groups": [],
                "version": 1,
                "visibility": "tenant",
                "created_by": "admin",
                "system_properties": {},
                "has_configuration_drift": False,
                "is_status_check_ok": True,
            }
        )
    inv.plugins.clear()  # the measured seed uploads no plugins
    for dep in inv.deployments.values():
        dep["policy_types"] = {name: dict(body) for name, body in POLICY_TYPES.items()}
        dep["policy_triggers"] = {name: dict(body) for name, body in POLICY_TRIGGERS.items()}
    uploads: dict[str, Record] = {}
    for n, ((tenant, bp_id), bp) in enumerate(sorted(inv.blueprints.items())):
        ts = bp.get("created_at") or iso(BASE_TS + n)
        exec_id = f"00000000-0000-4000-8000-{n + 1:012d}"
        uploads[exec_id] = {
            "id": exec_id,
            "workflow_id": "upload_blueprint",
            "status": "terminated",
            "error": "",
            "parameters": {
                "blueprint_id": bp_id,
                "app_file_name": f"{bp_id}.yaml",
                "url": None,
                "file_server_root": "/opt/manager/resources",
                "marketplace_api_url": "https://marketplace.cloudify.co",
                "validate_only": False,
                "labels": [],
            },
            "is_system_workflow": False,
            "is_dry_run": False,
            "allow_custom_parameters": False,
            "created_at": ts,
            "started_at": ts,
            "ended_at": ts,
            "scheduled_for": None,
            "deployment_id": None,
            "blueprint_id": None,
            "total_operations": 0,
            "finished_operations": 0,
            "resume": False,
            "visibility": "tenant",
            "tenant_name": tenant,
            "created_by": "admin",
        }
    # the uploads came first (executions list in insertion order, as the real table's ids)
    inv.executions = {**uploads, **inv.executions}
    for exe in list(inv.executions.values()):
        if exe["status"] == "terminated" and exe.get("started_at"):
            wf = exe["workflow_id"]
            inv.add_event(
                _event(exe, "workflow_started", f"Starting '{wf}' workflow execution", manager_name)
            )
            for line in UPLOAD_LOGS if wf == "upload_blueprint" else ():
                inv.add_event(_log(exe, line, manager_name))
            inv.add_event(
                _event(exe, "workflow_succeeded", f"'{wf}' workflow execution succeeded", manager_name)
            )
    inv.reindex()
