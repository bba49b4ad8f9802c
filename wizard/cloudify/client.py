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

import dataclasses
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import requests
from packaging.version import Version

from wizard.cloudify import http, transfer
from wizard.cloudify.endpoint import Credentials
from wizard.cloudify.errors import (
    BadParametersError,
    CloudifyError,
    HTTPError,
    NotFoundError,
    ProtocolError,
    RequestCancelledError,
    TransferCancelledError,
)
from wizard.cloudify.listing import _bool, _seg, list_params, parse_page
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
    Snapshot,
    Tenant,
    TransferProgress,
    TransferResult,
    VersionInfo,
    parse_manager_version,
)
from wizard.cloudify.transport import (
    API,
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    RequestRecord,
    Transport,
)

#: how long an upload waits for the manager's answer once the whole archive is sent
UPLOAD_ANSWER_TIMEOUT = 300.0
PAGE_SIZE = 1000

ProgressCallback = Callable[[TransferProgress], None]

#: installation_status exists on deployments from this manager version on
INSTALLATION_STATUS_SINCE = Version("6.0.0")


class ManagerClient(Transport):
    """REST client for one manager (see the module docstring for the rules it follows).

    The constructor (Transport's) takes the endpoint, the credentials and the knobs:
    `timeout`, `retries`, `backoff`, `on_request`, `cancel`, `pace`, `deadline`.
    """

    # -- life cycle ---------------------------------------------------------------------------
    def with_credentials(self, credentials: Credentials) -> ManagerClient:
        """A client for the same endpoint with other credentials (e.g. after a legacy restore)."""
        other = ManagerClient(
            self.endpoint,
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

    # -- generic listing ------------------------------------------------------------------------
    def iter_items(
        self,
        resource: str,
        *,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        include: Sequence[str] | None = None,
        sort: str | None = None,
        all_tenants: bool = False,
        tenant: str | None = None,
        page_size: int = PAGE_SIZE,
    ) -> Iterator[dict[str, Any]]:
        """Yield every item of a list endpoint, page by page (_offset/_size), stopping on
        metadata.pagination.total (or a short page)."""
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        offset = 0
        while True:
            page = self.page(resource, offset=offset, size=page_size, filters=filters, include=include,
                             sort=sort, all_tenants=all_tenants, tenant=tenant)
            yield from page.items
            if not page.items:
                return
            offset += len(page.items)
            if offset >= page.total:
                return

    def page(
        self,
        resource: str,
        *,
        offset: int = 0,
        size: int = PAGE_SIZE,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        include: Sequence[str] | None = None,
        sort: str | None = None,
        all_tenants: bool = False,
        tenant: str | None = None,
    ) -> Page[dict[str, Any]]:
        """One page of a list endpoint, with its pagination metadata."""
        params = list_params(offset=offset, size=size, filters=filters, include=include, sort=sort,
                             all_tenants=all_tenants)
        body = self._json("GET", "/" + resource.strip("/"), params=params, tenant=tenant)
        return parse_page(body, resource)

    def count(
        self,
        resource: str,
        *,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        all_tenants: bool = False,
        tenant: str | None = None,
    ) -> int:
        """How many items a list has, in one request (_size=1, _include=id; reads the total)."""
        return self.page(resource, offset=0, size=1, filters=filters, include=["id"],
                         all_tenants=all_tenants, tenant=tenant).total

    # -- inventory ------------------------------------------------------------------------------
    def blueprints(self, *, all_tenants: bool = True, tenant: str | None = None) -> Iterator[Blueprint]:
        """Every blueprint (ids and tenants only)."""
        for item in self.iter_items("blueprints", include=["id", "tenant_name"], all_tenants=all_tenants,
                                    tenant=tenant):
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
            items = self.iter_items("deployments", include=[*base, "installation_status"],
                                    all_tenants=all_tenants, tenant=tenant)
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
        params = list_params(offset=offset, size=size, filters={"execution_id": execution_id, "type": types},
                             sort="reported_timestamp")
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

    # -- snapshots -------------------------------------------------------------------------------
    def create_snapshot(
        self,
        snapshot_id: str,
        *,
        include_credentials: bool = True,
        include_logs: bool = True,
        include_events: bool = True,
        queue: bool = False,
        legacy: bool | None = None,
        tenant: str | None = None,
    ) -> Execution:
        """PUT /snapshots/<id>; returns the create_snapshot execution. `legacy` is sent only
        when not None (7.x managers)."""
        body: dict[str, Any] = {
            "include_credentials": include_credentials,
            "include_logs": include_logs,
            "include_events": include_events,
            "queue": queue,
        }
        if legacy is not None:
            body["legacy"] = legacy
        data = self._json("PUT", f"/snapshots/{_seg(snapshot_id)}", json=body, tenant=tenant)
        return Execution.from_api(data)

    def get_snapshot(self, snapshot_id: str, *, tenant: str | None = None) -> Snapshot:
        """GET /snapshots/<id>."""
        return Snapshot.from_api(self._json("GET", f"/snapshots/{_seg(snapshot_id)}", tenant=tenant))

    def list_snapshots(self, *, tenant: str | None = None) -> list[Snapshot]:
        """GET /snapshots (all pages, the current tenant)."""
        return [Snapshot.from_api(i) for i in self.iter_items("snapshots", sort="created_at", tenant=tenant)]

    def delete_snapshot(self, snapshot_id: str, *, tenant: str | None = None) -> None:
        """DELETE /snapshots/<id>."""
        self._send("DELETE", f"/snapshots/{_seg(snapshot_id)}", tenant=tenant).close()

    def snapshot_archive_size(self, snapshot_id: str, *, tenant: str | None = None) -> int | None:
        """HEAD /snapshots/<id>/archive: the archive's size in bytes (None when the manager does not
        say), so that free disk space can be checked before a multi-GB download starts."""
        response = self._send("HEAD", f"/snapshots/{_seg(snapshot_id)}/archive", tenant=tenant)
        try:
            length = response.headers.get("Content-Length", "").strip()
            return int(length) if length.isdigit() and int(length) > 0 else None
        finally:
            response.close()

    def download_snapshot(
        self,
        snapshot_id: str,
        destination: Path,
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        max_resumes: int = 5,
        tenant: str | None = None,
    ) -> TransferResult:
        """Stream the archive to `destination` (mode 0600) through `<destination>.part`.

        Bounded buffer; sha256 on the fly. A partial file left by an earlier run or a dropped
        connection is continued with an HTTP Range request (its bytes hashed first), up to
        `max_resumes` times. Raises ChecksumMismatchError when the size differs from
        Content-Length. `cancel` stops it cleanly, keeping the .part for a later resume.
        TransferCancelledError says it was cancelled.
        """
        path = f"/snapshots/{_seg(snapshot_id)}/archive"

        def open_stream(headers: dict[str, str]) -> requests.Response:
            return self._send("GET", path, headers=headers, tenant=tenant, stream=True,
                              accept=(200, 206, 416), cancel=cancel)

        return transfer.download(
            open_stream,
            Path(destination),
            url=self.base_url + API + path,
            base_url=self.base_url,
            progress=progress,
            cancel=cancel,
            max_resumes=max_resumes,
        )

    def upload_snapshot(
        self,
        snapshot_id: str,
        source: Path,
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        tenant: str | None = None,
    ) -> Snapshot:
        """PUT /snapshots/<id>/archive with Content-Length, streamed from disk.

        Never retried automatically. A 7.x manager answers an upload to an existing id with an
        all-null snapshot: the id is filled in, the empty status tells the caller.
        """
        path = f"/snapshots/{_seg(snapshot_id)}/archive"
        with open(source, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            body = transfer.FileBody(handle, size, url=self.base_url + API + path, progress=progress,
                                     cancel=cancel)
            try:
                data = self._json(
                    "PUT",
                    path,
                    data=body,
                    headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
                    tenant=tenant,
                    cancel=cancel,
                    # sending GiBs may take long: no overall deadline, and a longer wait for the
                    # answer once everything is sent (the manager stores the archive first)
                    deadline=None,
                    timeout=(self.timeout[0], max(self.timeout[1], UPLOAD_ANSWER_TIMEOUT)),
                )
            except TransferCancelledError:
                raise
            except RequestCancelledError:
                raise TransferCancelledError(
                    f"upload to {self.base_url + API + path} cancelled at {body.sent} bytes",
                    url=self.base_url + API + path, done=body.sent,
                ) from None
        snapshot = Snapshot.from_api(data)
        if not snapshot.id:
            snapshot = dataclasses.replace(snapshot, id=snapshot_id)
        return snapshot

    def restore_snapshot(
        self,
        snapshot_id: str,
        *,
        force: bool = False,
        restore_certificates: bool = False,
        no_reboot: bool = False,
        tenant: str | None = None,
    ) -> Execution:
        """POST /snapshots/<id>/restore with the portable body; returns the (short) execution
        (its workflow_id filled in as restore_snapshot, which the short shape lacks)."""
        body = {
            "force": force,
            "restore_certificates": restore_certificates,
            "no_reboot": no_reboot,
            "recreate_deployments_envs": True,
            "ignore_plugin_failure": False,
        }
        execution = Execution.from_api(
            self._json("POST", f"/snapshots/{_seg(snapshot_id)}/restore", json=body, tenant=tenant)
        )
        if not execution.workflow_id:
            execution = dataclasses.replace(execution, workflow_id="restore_snapshot")
        return execution

    def snapshot_restore_running(self) -> bool | None:
        """GET /snapshot-status (no auth needed): True running, False not-running, None when the
        manager has no such endpoint (4.x)."""
        try:
            body = self._json("GET", "/snapshot-status", auth=False)
        except NotFoundError:
            return None
        status = body.get("status") if isinstance(body, Mapping) else None
        if status == "running":
            return True
        if status == "not-running":
            return False
        raise ProtocolError(f"/snapshot-status on {self.base_url} answered an unknown status {status!r}")


__all__ = [
    "API",
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
    "PAGE_SIZE",
    "CloudifyError",
    "HTTPError",
    "ManagerClient",
    "ProgressCallback",
    "RequestRecord",
    "list_params",
    "parse_page",
]
