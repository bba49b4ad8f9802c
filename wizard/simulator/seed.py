"""Deterministic seeded inventory: the same seed always builds the same manager contents."""

from __future__ import annotations

import random
import string
import uuid
from dataclasses import dataclass
from typing import Any

from .clock import iso
from .inventory import Inventory, Record
from .passwords import hash_password
from .profiles import Profile
from .seed_records import blueprint_record, history_execution, tenant_record, user_record

BASE_TS = 1_714_557_600.0  # 2024-05-01T10:00:00Z: seeded timestamps are stable across runs

ALICE_PASSWORD = "alice-password"
INSTALL_METHODS = ("remote", "init_script", "plugin", "none")


def tenant_names(count: int) -> list[str]:
    """default_tenant plus tenant-1 ... tenant-(count-1)."""
    return ["default_tenant"] + [f"tenant-{i}" for i in range(1, count)]


def _suffix(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(6))


def agent_host_ip(index: int) -> str:
    """127.0.x.y addresses for seeded hosts (x from 100, so they never clash with 127.0.0.x managers)."""
    return f"127.0.{100 + (index // 250) % 150}.{1 + index % 250}"


def seed_inventory(
    profile: Profile,
    *,
    seed: int,
    tenants: int,
    deployments: int,
    installed: int,
    clean: bool,
    admin_hash: str,
    manager_ip: str,
    networks: list[str],
    extra_nodes: int = 1,
    plugin_python: str | None = None,
) -> Inventory:
    """Build the manager's initial data.

    Deployment *i* lives in tenant ``i % tenants``; the first ``installed`` deployments are
    installed (every node instance ``started``, agents present unless the host's install method
    is ``none``), the others are ``uninitialized``. Every 7th deployment has no Compute host
    (so install_new_agents is unavailable on 6.4+ types).
    """
    rng = random.Random(seed)
    inv = Inventory()
    created = iso(BASE_TS)
    inv.tenants["default_tenant"] = tenant_record("default_tenant")
    inv.users["admin"] = user_record("admin", "sys_admin", admin_hash, {"default_tenant": "user"}, created)
    inv.users["admin"]["_bootstrap_admin"] = True
    if clean:
        return inv
    names = tenant_names(tenants)
    py_tag = plugin_python or profile.plugin_python
    dist, release = profile.distribution
    for name in names[1:]:
        inv.tenants[name] = tenant_record(name)
    inv.users["alice"] = user_record(
        "alice",
        "default",
        hash_password(ALICE_PASSWORD, f"alice-{seed}"),
        {"default_tenant": "user"},
        created,
    )
    for t_index, tenant in enumerate(names):
        for k in range(2):
            ts = iso(BASE_TS + 60 * (t_index * 2 + k))
            inv.secrets[(tenant, f"secret_{k}")] = {
                "key": f"secret_{k}",
                "value": f"value-{rng.randrange(10**6)}",
                "created_at": ts,
                "updated_at": ts,
                "visibility": "tenant",
                "is_hidden_value": False,
                "tenant_name": tenant,
                "created_by": "admin",
                "resource_availability": "tenant",
                "private_resource": False,
            }
        plugin_id = str(uuid.UUID(int=rng.getrandbits(128)))
        inv.plugins[(tenant, plugin_id)] = {
            "id": plugin_id,
            "package_name": "cloudify-utilities-plugin",
            "package_version": "1.25.0",
            "archive_name": "cloudify_utilities_plugin-1.25.0.wgn",
            "package_source": None,
            # a wagon built for this manager's mgmtworker (or the --plugin-python override)
            "supported_platform": "linux_x86_64",
            "distribution": dist,
            "distribution_version": None,
            "distribution_release": release,
            "supported_py_versions": [py_tag],
            "uploaded_at": created,
            "wheels": [
                f"cloudify_utilities_plugin-1.25.0-{py_tag}-none-any.whl",
                # Python 2 wagons carried compiled wheels (cp27mu); later ones pure-Python ones
                "PyYAML-5.4.1-cp27-cp27mu-linux_x86_64.whl"
                if py_tag == "py27"
                else "PyYAML-5.4.1-py3-none-any.whl",
            ],
            "excluded_wheels": None,
            "file_server_path": "",
            "yaml_url_path": "",
            "visibility": "tenant",
            "tenant_name": tenant,
            "created_by": "admin",
            "resource_availability": "tenant",
            "private_resource": False,
        }
    eras = profile.types_eras
    blueprint_of: dict[int, tuple[str, str, str]] = {}
    for i in range(deployments):
        tenant = names[i % len(names)]
        local = i // len(names)
        bp_index = local // 3
        bp_id = f"bp-{bp_index + 1}"
        key = (tenant, bp_id)
        if key not in inv.blueprints:
            era = eras[(bp_index + len(inv.blueprints)) % len(eras)]
            inv.blueprints[key] = blueprint_record(
                tenant, bp_id, era, iso(BASE_TS + 3600 + len(inv.blueprints))
            )
        blueprint_of[i] = (tenant, bp_id, inv.blueprints[key]["_types_era"])
    for i in range(deployments):
        tenant, bp_id, era = blueprint_of[i]
        _seed_deployment(
            inv,
            rng,
            profile,
            i,
            tenant,
            bp_id,
            era,
            installed=i < installed,
            manager_ip=manager_ip,
            networks=networks,
            extra_nodes=extra_nodes,
        )
    inv.reindex()
    return inv


@dataclass(frozen=True)
class DeploymentShape:
    """A deployment seeded as named instead of by the default pattern (seed_realstack.py): its id,
    whether it has a Compute host, the host's install_method, and `agentless`: installed, but its
    agent was never installed (no cloudify_agent runtime property, no agent row)."""

    id: str
    has_compute: bool = True
    method: str = "none"
    agentless: bool = False


def _seed_deployment(
    inv: Inventory,
    rng: random.Random,
    profile: Profile,
    i: int,
    tenant: str,
    bp_id: str,
    era: str,
    *,
    installed: bool,
    manager_ip: str,
    networks: list[str],
    extra_nodes: int,
    shape: DeploymentShape | None = None,
) -> None:
    dep_id = shape.id if shape else f"dep-{i + 1}"
    ts = iso(BASE_TS + 7200 + i)
    has_compute = shape.has_compute if shape else (i % 7) != 6
    method = INSTALL_METHODS[rng.randrange(len(INSTALL_METHODS))] if i % 5 else "remote"
    method = shape.method if shape else method
    agentless = shape.agentless if shape else False
    network = networks[i % len(networks)]
    ip = agent_host_ip(i)
    env_exec = str(uuid.UUID(int=rng.getrandbits(128)))
    install_exec = str(uuid.UUID(int=rng.getrandbits(128)))
    dep: Record = {
        "id": dep_id,
        "display_name": dep_id,
        "blueprint_id": bp_id,
        "tenant_name": tenant,
        "created_by": "admin",
        "created_at": ts,
        "updated_at": ts,
        "visibility": "tenant",
        "description": None,
        "inputs": {"host_ip": ip},
        "outputs": {"endpoint": {"value": ip}},
        "capabilities": {},
        "groups": {},
        "policy_triggers": {},
        "policy_types": {},
        "scaling_groups": {},
        "labels": [],
        "site_name": None,
        "runtime_only_evaluation": False,
        "resource_tags": {},
        "permalink": None,
        "create_execution": env_exec,
        "latest_execution": install_exec if installed else env_exec,
        "latest_execution_workflow_id": "install" if installed else "create_deployment_environment",
        "latest_execution_status": "completed",
        "latest_execution_total_operations": 13 if installed else 0,
        "latest_execution_finished_operations": 13 if installed else 0,
        "_types_era": era,
        "_has_compute": has_compute,
    }
    inv.deployments[(tenant, dep_id)] = dep
    state = "started" if installed else "uninitialized"
    host_node = "server" if has_compute else "service"
    host_type = "cloudify.nodes.Compute" if has_compute else "cloudify.nodes.Root"
    node_specs: list[tuple[str, str, list[str]]] = [
        (
            host_node,
            host_type,
            ["cloudify.nodes.Root", "cloudify.nodes.Compute"] if has_compute else ["cloudify.nodes.Root"],
        )
    ]
    for k in range(max(1, extra_nodes)):
        name = "app" if k == 0 else f"app{k + 1}"
        node_specs.append(
            (
                name,
                "cloudify.nodes.ApplicationModule",
                [
                    "cloudify.nodes.Root",
                    "cloudify.nodes.SoftwareComponent",
                    "cloudify.nodes.ApplicationModule",
                ],
            )
        )
    host_instance_id = f"{host_node}_{_suffix(rng)}"
    for n_index, (node_id, node_type, hierarchy) in enumerate(node_specs):
        is_host = n_index == 0 and has_compute
        props: dict[str, Any] = {}
        if is_host:
            props = {
                "ip": ip,
                "os_family": "linux",
                "agent_config": {"install_method": method, "network": network, "port": 22},
                "install_agent": "",
                "cloudify_agent": {},
            }
        inv.add_node(
            {
                "id": node_id,
                "deployment_id": dep_id,
                "blueprint_id": bp_id,
                "tenant_name": tenant,
                "type": node_type,
                "type_hierarchy": hierarchy,
                "host_id": host_node if has_compute else None,
                "number_of_instances": 1,
                "planned_number_of_instances": 1,
                "deploy_number_of_instances": 1,
                "min_number_of_instances": 0,
                "max_number_of_instances": -1,
                "properties": props,
                "relationships": []
                if n_index == 0
                else [{"type": "cloudify.relationships.contained_in", "target_id": host_node}],
                "operations": {},
                "plugins": [],
                "plugins_to_install": [],
                "visibility": "tenant",
                "created_by": "admin",
                "deployment_display_name": dep_id,
            }
        )
        ni_id = host_instance_id if n_index == 0 else f"{node_id}_{_suffix(rng)}"
        runtime: dict[str, Any] = {}
        if is_host and installed:
            runtime = {"ip": ip}
            if method != "none" and not agentless:
                runtime["cloudify_agent"] = {
                    "name": ni_id,
                    "install_method": method,
                    "network": network,
                    "broker_config": {"broker_ip": [manager_ip], "broker_ssl_enabled": True},
                    "version": profile.reported_version,
                }
        inv.add_node_instance(
            {
                "id": ni_id,
                "node_id": node_id,
                "deployment_id": dep_id,
                "tenant_name": tenant,
                "host_id": host_instance_id if has_compute else None,
                "index": 1,
                "state": state,
                "relationships": []
                if n_index == 0
                else [
                    {
                        "type": "cloudify.relationships.contained_in",
                        "target_name": host_node,
                        "target_id": host_instance_id,
                    }
                ],
                "runtime_properties": runtime,
                "scaling_groups": [],
                "version": 3 if installed else 1,
                "visibility": "tenant",
                "created_by": "admin",
                "system_properties": {},
                "has_configuration_drift": False,
                "is_status_check_ok": True,
            }
        )
        if is_host and installed and method != "none" and not agentless:
            inv.agents[(tenant, ni_id)] = {
                "id": ni_id,
                "host_id": ni_id,
                "node_instance_id": ni_id,
                "ip": ip,
                "install_method": method,
                "system": "centos core",
                "version": profile.reported_version,
                "node": node_id,
                "deployment": dep_id,
                "tenant_name": tenant,
                "created_at": ts,
                "created_by": "admin",
                "visibility": "tenant",
                "state": "started",
                "rabbitmq_exchange": ni_id,
                "rabbitmq_username": f"rabbitmq_user_{ni_id}",
                "rabbitmq_password": "<hidden>",
                "_manager_ip": manager_ip,
                "_network": network,
            }
    history_execution(
        inv,
        env_exec,
        "create_deployment_environment",
        tenant,
        dep_id,
        bp_id,
        ts,
        {"inputs": {"host_ip": ip}, "display_name": None},
    )
    if installed:
        history_execution(
            inv,
            install_exec,
            "install",
            tenant,
            dep_id,
            bp_id,
            ts,
            {"type_names": [], "node_ids": [], "node_instance_ids": []},
        )
