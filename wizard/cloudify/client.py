"""ManagerClient: every REST call the wizard makes to one Cloudify Manager.

One client per manager over a requests.Session. HTTP Basic (UTF-8) on every call (tokens die on
a restore), a Tenant header, CA bundle or system trust. Time limits: connect and read timeouts
per socket operation plus an overall deadline per attempt; a cancel event or Ctrl-C stops a
request within a fraction of a second (guard.py). Requests are paced below nginx's limit_req.
Idempotent GETs retry on connection errors and 502/503/504 with backoff (urllib3 Retry); the
limiter's HTML 503 is retried for every method; POST/PUT otherwise never retry blindly. Every
failure becomes a typed error from wizard.cloudify.errors.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from packaging.version import Version

from wizard.cloudify import http
from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.cloudify.errors import (
    BadParametersError,
    CloudifyError,
    HTTPError,
    NotFoundError,
)
from wizard.cloudify.facts import BYPASS_HEADER, FactsCalls
from wizard.cloudify.listing import PAGE_SIZE, _bool, _seg, list_params, parse_page
from wizard.cloudify.models import (
    Agent,
    Blueprint,
    Broker,
    CurrentUser,
    Deployment,
    Event,
    Execution,
    MaintenanceState,
    ManagerNode,
    ManagerStatus,
    NodeInstance,
    Page,
    Tenant,
    VersionInfo,
    parse_manager_version,
)
from wizard.cloudify.snapshots import UPLOAD_ANSWER_TIMEOUT, ProgressCallback, SnapshotCalls
from wizard.cloudify.transport import (
    API,
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    RequestRecord,
    Transport,
)

#: installation_status exists on deployments from this manager version on
INSTALLATION_STATUS_SINCE = Version("6.0.0")


class ManagerClient(SnapshotCalls, FactsCalls):
    """REST client for one manager (see the module docstring for the rules it follows).

    The constructor (Transport's) takes the endpoint, the credentials and the knobs:
    `timeout`, `retries`, `backoff`, `on_request`, `cancel`, `pace`, `deadline`.
    """

    # -- life cycle ---------------------------------------------------------------------------
    def with_credentials(self, credentials: Credentials) -> ManagerClient:
        """A client for the same endpoint with other credentials (e.g. after a legacy restore)."""
        return self.with_endpoint(self.endpoint, credentials)

    def with_endpoint(self, endpoint: Endpoint, credentials: Credentials | None = None) -> ManagerClient:
        """A client for the same manager reached or verified otherwise (e.g. another CA bundle
        after a certificate restore), sharing this one's pace."""
        credentials = credentials or self.credentials
        other = ManagerClient(
            endpoint,
            credentials,
            timeout=self.timeout,
            retries=self.retries,
            backoff=self.backoff,
            on_request=self.on_request,
            cancel=self.cancel,
            pace=self.pace,
            deadline=self.deadline,
        )
        other._bucket = self._bucket  # one pace per manager, whoever logs in
        other.server_version = self.server_version
        other._installation_status_supported = self._installation_status_supported
        if BYPASS_HEADER in self._session.headers:
            other.bypass_maintenance()
        return other

    # -- identity and health ------------------------------------------------------------------
    def version(self) -> VersionInfo:
        """GET /api/v3.1/version."""
        info = VersionInfo.from_api(self._json("GET", "/version"))
        try:
            self.server_version = parse_manager_version(info.version)
        except ValueError:
            self.server_version = None
        return info

    def status(self) -> ManagerStatus:
        """GET /status, 4.x list shape and 5.x+ dict shape normalised."""
        return ManagerStatus.from_api(self._json("GET", "/status"))

    def managers(self) -> list[ManagerNode]:
        """GET /managers (5.0.5+); on 4.x (404) falls back on the provider context."""
        try:
            return [ManagerNode.from_api(item) for item in self.iter_items("managers")]
        except NotFoundError:
            context = self._json("GET", "/provider/context")
            return [ManagerNode.from_provider_context(context)]

    def brokers(self) -> list[Broker]:
        """GET /brokers (5.0.5+); [] where the endpoint does not exist."""
        try:
            return [Broker.from_api(item) for item in self.iter_items("brokers")]
        except NotFoundError:
            return []

    def current_user(self) -> CurrentUser:
        """GET /user."""
        return CurrentUser.from_api(self._json("GET", "/user"))

    def tenants(self) -> list[Tenant]:
        """GET /tenants (all pages)."""
        return [Tenant.from_api(item) for item in self.iter_items("tenants")]

    # -- inventory ------------------------------------------------------------------------------
    def blueprints(self, *, all_tenants: bool = True, tenant: str | None = None) -> Iterator[Blueprint]:
        """Every blueprint (ids and tenants only)."""
        for item in self.iter_items(
            "blueprints", include=["id", "tenant_name"], all_tenants=all_tenants, tenant=tenant
        ):
            yield Blueprint.from_api(item)

    def deployments(
        self,
        *,
        all_tenants: bool = True,
        tenant: str | None = None,
        with_installation_status: bool = True,
        with_workflows: bool = False,
    ) -> Iterator[Deployment]:
        """Every deployment; installation_status only when asked and supported (6.0+)."""
        base = ["id", "tenant_name", "blueprint_id"] + (["workflows"] if with_workflows else [])
        ask_status = with_installation_status and self._installation_status_supported is not False
        if ask_status and self.server_version is not None and self.server_version < INSTALLATION_STATUS_SINCE:
            ask_status = False
        items: Iterator[dict[str, Any]]
        if ask_status:
            items = self.iter_items(
                "deployments", include=[*base, "installation_status"], all_tenants=all_tenants, tenant=tenant
            )
            try:
                first = next(items, None)
            except BadParametersError as exc:
                code = exc.error_code
                about_include = code == "no_such_include_field_error" or "include" in str(exc).lower()
                if not about_include:
                    raise
                self._installation_status_supported = False
                items = self.iter_items("deployments", include=base, all_tenants=all_tenants, tenant=tenant)
            else:
                self._installation_status_supported = True
                if first is None:
                    return
                yield Deployment.from_api(first)
        else:
            items = self.iter_items("deployments", include=base, all_tenants=all_tenants, tenant=tenant)
        for item in items:
            yield Deployment.from_api(item)

    def node_instances(
        self, *, all_tenants: bool = True, tenant: str | None = None, deployment_id: str | None = None
    ) -> Iterator[NodeInstance]:
        """Every node instance (id, host_id, deployment_id, node_id, state, tenant_name)."""
        filters = {"deployment_id": deployment_id} if deployment_id else None
        for item in self.iter_items(
            "node-instances",
            filters=filters,
            include=["id", "host_id", "deployment_id", "node_id", "state", "tenant_name"],
            all_tenants=all_tenants,
            tenant=tenant,
        ):
            yield NodeInstance.from_api(item)

    def agents(self, *, all_tenants: bool = True, tenant: str | None = None) -> Iterator[Agent]:
        """Every agent row (5.0+; nothing on managers without /agents)."""
        items = self.iter_items("agents", all_tenants=all_tenants, tenant=tenant)
        try:
            first = next(items, None)
        except NotFoundError:
            return
        if first is None:
            return
        yield Agent.from_api(first)
        for item in items:
            yield Agent.from_api(item)

    # -- executions and events -------------------------------------------------------------------
    def executions(
        self,
        *,
        all_tenants: bool = True,
        tenant: str | None = None,
        include_system_workflows: bool = True,
        statuses: Sequence[str] = (),
        workflow_id: str | None = None,
        deployment_id: str | None = None,
        ids: Sequence[str] = (),
    ) -> Iterator[Execution]:
        """Executions matching the filters (repeated keys are ORed by the server)."""
        filters: dict[str, str | Sequence[str]] = {
            "_include_system_workflows": _bool(include_system_workflows)
        }
        if statuses:
            filters["status"] = list(statuses)
        if workflow_id:
            filters["workflow_id"] = workflow_id
        if deployment_id:
            filters["deployment_id"] = deployment_id
        if ids:
            filters["id"] = list(ids)
        for item in self.iter_items("executions", filters=filters, all_tenants=all_tenants, tenant=tenant):
            yield Execution.from_api(item)

    def start_execution(
        self,
        deployment_id: str,
        workflow_id: str,
        *,
        parameters: Mapping[str, Any] | None = None,
        allow_custom_parameters: bool = False,
        tenant: str | None = None,
    ) -> Execution:
        """POST /executions (never retried: a lost answer is resolved by listing executions)."""
        body = {
            "deployment_id": deployment_id,
            "workflow_id": workflow_id,
            "parameters": dict(parameters or {}),
            "allow_custom_parameters": allow_custom_parameters,
        }
        return Execution.from_api(self._json("POST", "/executions", json=body, tenant=tenant))

    def get_execution(self, execution_id: str, *, tenant: str | None = None) -> Execution:
        """GET /executions/<id>."""
        return Execution.from_api(self._json("GET", f"/executions/{_seg(execution_id)}", tenant=tenant))

    def cancel_execution(self, execution_id: str, *, tenant: str | None = None) -> Execution:
        """POST /executions/<id> {"action": "cancel"}."""
        return Execution.from_api(
            self._json("POST", f"/executions/{_seg(execution_id)}", json={"action": "cancel"}, tenant=tenant)
        )

    def events(
        self,
        execution_id: str,
        *,
        offset: int = 0,
        size: int = 100,
        include_logs: bool = True,
        tenant: str | None = None,
    ) -> Page[Event]:
        """One page of an execution's events, oldest first (sorted by reported_timestamp)."""
        types = ["cloudify_event", "cloudify_log"] if include_logs else ["cloudify_event"]
        params = list_params(
            offset=offset,
            size=size,
            filters={"execution_id": execution_id, "type": types},
            sort="reported_timestamp",
        )
        page = parse_page(self._json("GET", "/events", params=params, tenant=tenant), "events")
        return Page([Event.from_api(i) for i in page.items], page.total, page.size, page.offset)

    # -- maintenance mode ------------------------------------------------------------------------
    def maintenance(self) -> MaintenanceState:
        """GET /maintenance."""
        return MaintenanceState.from_api(self._json("GET", "/maintenance"))

    def activate_maintenance(self) -> MaintenanceState:
        """POST /maintenance/activate; already active (304) is not an error."""
        return self._maintenance_action("activate")

    def deactivate_maintenance(self) -> MaintenanceState:
        """POST /maintenance/deactivate; already off (304) is not an error."""
        return self._maintenance_action("deactivate")

    def _maintenance_action(self, action: str) -> MaintenanceState:
        response = self._send("POST", f"/maintenance/{action}", json=None, accept=(200, 201, 304))
        try:
            if response.status_code == 304:
                # nothing changed (and no body): read the state the manager is in
                return self.maintenance()
            return MaintenanceState.from_api(http.json_body(response, base_url=self.base_url))
        finally:
            response.close()


__all__ = [
    "API",
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
    "PAGE_SIZE",
    "UPLOAD_ANSWER_TIMEOUT",
    "CloudifyError",
    "HTTPError",
    "ManagerClient",
    "ProgressCallback",
    "RequestRecord",
    "Transport",
    "list_params",
    "parse_page",
]
