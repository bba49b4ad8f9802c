"""types.yaml's policy types and trigger: every real deployment carries them (recorded on 7.1)."""

from __future__ import annotations

from typing import Any

_GROUP = {
    "default": False,
    "description": "If the policy should maintain its state for the whole group\n"
    "or each node instance individually.\n",
}
_STARTED = {"default": True, "description": "Before triggering workflow, check if the node state is started"}
_INTERVAL = {
    "default": 300,
    "description": "Trigger workflow only if the last workflow was triggered earlier than "
    "interval-between-workflows seconds ago.\nif < 0  workflows can run concurrently.\n",
}
_COMMON = {
    "policy_operates_on_group": _GROUP,
    "is_node_started_before_workflow": _STARTED,
    "interval_between_workflows": _INTERVAL,
}
_THRESHOLD = {
    "service": {"default": "service", "description": "The service name"},
    "threshold": {"description": "The metric threshold value"},
    "upper_bound": {
        "default": True,
        "description": "boolean value for describing the semantics of the threshold.\nif 'true': metrics "
        "whose value is bigger than the threshold will cause the triggers to be processed.\nif 'false': "
        "metrics with values lower than the threshold will do so.\n",
    },
    "stability_time": {
        "default": 0,
        "description": "How long a threshold must be breached before the triggers will be processed",
    },
}
_POLICIES = "file:///opt/manager/resources/cloudify/policies"
_SERVICES = {
    "default": ["service"],
    "description": "Service names whose events should be taken into consideration",
}

POLICY_TYPES: dict[str, Any] = {
    "cloudify.policies.types.host_failure": {
        "properties": {**_COMMON, "service": _SERVICES},
        "source": f"{_POLICIES}/host_failure.clj",
    },
    "cloudify.policies.types.threshold": {
        "properties": {**_COMMON, **_THRESHOLD},
        "source": f"{_POLICIES}/threshold.clj",
    },
    "cloudify.policies.types.ewma_stabilized": {
        "properties": {
            **_COMMON,
            **_THRESHOLD,
            "ewma_timeless_r": {
                "default": 0.5,
                "description": "r is the ratio between successive events. The smaller it is, the smaller "
                "impact on the computed value the most recent event has.\n",
            },
        },
        "source": f"{_POLICIES}/ewma_stabilized.clj",
    },
}
POLICY_TRIGGERS: dict[str, Any] = {
    "cloudify.policies.triggers.execute_workflow": {
        "parameters": {
            "workflow": {"description": "Workflow name to execute"},
            "workflow_parameters": {"default": {}, "description": "Workflow parameters"},
            "force": {
                "default": False,
                "description": "Should the workflow be executed even when another execution\nfor the same "
                "workflow is currently in progress\n",
            },
            "allow_custom_parameters": {
                "default": False,
                "description": "Should parameters not defined in the workflow parameters\n"
                "schema be accepted\n",
            },
            "socket_timeout": {
                "default": 1000,
                "description": "Socket timeout when making request to manager REST in ms",
            },
            "conn_timeout": {
                "default": 1000,
                "description": "Connection timeout when making request to manager REST in ms",
            },
        },
        "source": "file:///opt/manager/resources/cloudify/triggers/execute_workflow.clj",
    }
}
