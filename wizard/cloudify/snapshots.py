"""The snapshot calls of ManagerClient: create, read, list, delete, download, upload, restore.

Apart from client.py to keep each module readable; ManagerClient inherits them unchanged.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import requests

from wizard.cloudify import transfer
from wizard.cloudify.errors import (
    NotFoundError,
    ProtocolError,
    RequestCancelledError,
    TransferCancelledError,
)
from wizard.cloudify.listing import ListCalls, _seg
from wizard.cloudify.models import Execution, Snapshot, TransferProgress, TransferResult
from wizard.cloudify.transport import API

#: how long an upload waits for the manager's answer once the whole archive is sent
UPLOAD_ANSWER_TIMEOUT = 300.0

ProgressCallback = Callable[[TransferProgress], None]


class SnapshotCalls(ListCalls):
    """Snapshot endpoints (see the methods); transfers stream with a bounded buffer."""

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
            return self._send(
                "GET",
                path,
                headers=headers,
                tenant=tenant,
                stream=True,
                accept=(200, 206, 416),
                cancel=cancel,
            )

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
            body = transfer.FileBody(
                handle,
                size,
                url=self.base_url + API + path,
                progress=progress,
                cancel=cancel,
                answer_deadline=UPLOAD_ANSWER_TIMEOUT,
            )
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
                    url=self.base_url + API + path,
                    done=body.sent,
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
