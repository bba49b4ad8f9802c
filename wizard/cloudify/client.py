"""ManagerClient: every REST call the wizard makes to one Cloudify Manager.

One client per manager over a requests.Session. HTTP Basic on every call (tokens die on a
restore), a Tenant header, CA bundle or system trust, connect/read timeouts. Idempotent GETs
retry on connection errors and 502/503/504 with backoff (urllib3 Retry); POST/PUT never retry
blindly. Every failure becomes a typed error from wizard.cloudify.errors.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.cloudify.endpoint import Credentials, Endpoint
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
)

API = "/api/v3.1"
DEFAULT_TIMEOUT = (5.0, 120.0)
PAGE_SIZE = 1000

ProgressCallback = Callable[[TransferProgress], None]


@dataclass(frozen=True)
class RequestRecord:
    """One HTTP exchange as seen by the client, for logs, dry runs and request counting.

    Never holds credentials: the Authorization header is not part of it.
    """

    method: str
    path: str
    params: tuple[tuple[str, str], ...]
    status: int | None
    seconds: float
    tenant: str


class ManagerClient:
    """REST client for one manager (see the module docstring for the rules it follows)."""

    def __init__(
        self,
        endpoint: Endpoint,
        credentials: Credentials,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retries: int = 4,
        backoff: float = 0.5,
        on_request: Callable[[RequestRecord], None] | None = None,
    ) -> None:
        raise NotImplementedError

    endpoint: Endpoint
    credentials: Credentials

    # -- life cycle ---------------------------------------------------------------------------
    def with_credentials(self, credentials: Credentials) -> ManagerClient:
        """A client for the same endpoint with other credentials (e.g. after a legacy restore)."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the session's connections."""
        raise NotImplementedError

    # -- identity and health ------------------------------------------------------------------
    def version(self) -> VersionInfo:
        """GET /api/v3.1/version."""
        raise NotImplementedError

    def status(self) -> ManagerStatus:
        """GET /status, 4.x list shape and 5.x+ dict shape normalised."""
        raise NotImplementedError

    def managers(self) -> list[ManagerNode]:
        """GET /managers (5.0.5+); on 4.x (404) falls back on the provider context."""
        raise NotImplementedError

    def brokers(self) -> list[Broker]:
        """GET /brokers (5.0.5+); [] where the endpoint does not exist."""
        raise NotImplementedError

    def current_user(self) -> CurrentUser:
        """GET /user."""
        raise NotImplementedError

    def tenants(self) -> list[Tenant]:
        """GET /tenants (all pages)."""
        raise NotImplementedError

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
        raise NotImplementedError

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
        raise NotImplementedError

    def count(
        self,
        resource: str,
        *,
        filters: Mapping[str, str | Sequence[str]] | None = None,
        all_tenants: bool = False,
        tenant: str | None = None,
    ) -> int:
        """How many items a list has, in one request (_size=1, _include=id; reads the total)."""
        raise NotImplementedError

    # -- inventory ------------------------------------------------------------------------------
    def blueprints(self, *, all_tenants: bool = True, tenant: str | None = None) -> Iterator[Blueprint]:
        """Every blueprint (ids and tenants only)."""
        raise NotImplementedError

    def deployments(
        self,
        *,
        all_tenants: bool = True,
        tenant: str | None = None,
        with_installation_status: bool = True,
        with_workflows: bool = False,
    ) -> Iterator[Deployment]:
        """Every deployment; installation_status only when asked and supported (6.0+)."""
        raise NotImplementedError

    def node_instances(
        self, *, all_tenants: bool = True, tenant: str | None = None, deployment_id: str | None = None
    ) -> Iterator[NodeInstance]:
        """Every node instance (id, host_id, deployment_id, node_id, state, tenant_name)."""
        raise NotImplementedError

    def agents(self, *, all_tenants: bool = True, tenant: str | None = None) -> Iterator[Agent]:
        """Every agent row (5.0+; nothing on managers without /agents)."""
        raise NotImplementedError

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
        raise NotImplementedError

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
        raise NotImplementedError

    def get_execution(self, execution_id: str, *, tenant: str | None = None) -> Execution:
        """GET /executions/<id>."""
        raise NotImplementedError

    def cancel_execution(self, execution_id: str, *, tenant: str | None = None) -> Execution:
        """POST /executions/<id> {"action": "cancel"}."""
        raise NotImplementedError

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
        raise NotImplementedError

    # -- maintenance mode ------------------------------------------------------------------------
    def maintenance(self) -> MaintenanceState:
        """GET /maintenance."""
        raise NotImplementedError

    def activate_maintenance(self) -> MaintenanceState:
        """POST /maintenance/activate; already active (304) is not an error."""
        raise NotImplementedError

    def deactivate_maintenance(self) -> MaintenanceState:
        """POST /maintenance/deactivate; already off (304) is not an error."""
        raise NotImplementedError

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
        raise NotImplementedError

    def get_snapshot(self, snapshot_id: str, *, tenant: str | None = None) -> Snapshot:
        """GET /snapshots/<id>."""
        raise NotImplementedError

    def list_snapshots(self, *, tenant: str | None = None) -> list[Snapshot]:
        """GET /snapshots (all pages, the current tenant)."""
        raise NotImplementedError

    def delete_snapshot(self, snapshot_id: str, *, tenant: str | None = None) -> None:
        """DELETE /snapshots/<id>."""
        raise NotImplementedError

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
        """
        raise NotImplementedError

    def upload_snapshot(
        self,
        snapshot_id: str,
        source: Path,
        *,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        tenant: str | None = None,
    ) -> Snapshot:
        """PUT /snapshots/<id>/archive with Content-Length, streamed from disk."""
        raise NotImplementedError

    def restore_snapshot(
        self,
        snapshot_id: str,
        *,
        force: bool = False,
        restore_certificates: bool = False,
        no_reboot: bool = False,
        tenant: str | None = None,
    ) -> Execution:
        """POST /snapshots/<id>/restore with the portable body; returns the (short) execution."""
        raise NotImplementedError

    def snapshot_restore_running(self) -> bool | None:
        """GET /snapshot-status (no auth needed): True running, False not-running, None when the
        manager has no such endpoint (4.x)."""
        raise NotImplementedError
