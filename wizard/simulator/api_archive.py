"""Snapshot archive transfer routes: GET/HEAD (sendfile, Range, nginx's static-file headers) and PUT
(a raw or chunked body streamed to disk). Split from api.py; registered on import by api.py."""

from __future__ import annotations

import os
import re
import uuid
from email.utils import formatdate
from typing import TYPE_CHECKING

from .api import _user, route
from .auth import require_tenant
from .errors import NGINX_416, ApiError
from .snapshots import get_snapshot, register_upload
from .wire import FileBody, Request, Response

if TYPE_CHECKING:
    from .manager import Manager


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    m = re.match(r"^bytes=(\d*)-(\d*)$", header.strip())
    if not m or (not m.group(1) and not m.group(2)):
        raise ValueError("bad range")
    if m.group(1):
        start = int(m.group(1))
        end = int(m.group(2)) if m.group(2) else size - 1
    else:
        length = int(m.group(2))
        start, end = max(0, size - length), size - 1
    end = min(end, size - 1)
    if start >= size or start > end:
        raise ValueError("unsatisfiable")
    return start, end


@route("GET", "/snapshots/<id>/archive")
def get_snapshot_archive(mgr: Manager, req: Request) -> Response:
    """GET/HEAD /snapshots/<id>/archive: the zip via sendfile, with Range support."""
    sid = req.params["id"]
    with mgr.lock:
        rec = get_snapshot(mgr, req.tenant, sid)
        if rec["status"] == "failed":
            raise ApiError(400, "snapshot_action_error", "Failed snapshot cannot be downloaded")
        path = mgr.snapshot_path(rec["tenant_name"], sid)
    try:
        size = os.path.getsize(path)
    except OSError:
        return Response(
            404,
            b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 "
            b"Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
            "text/html",
        )
    mtime = int(os.path.getmtime(path))
    headers = [
        # nginx's static-file headers (X-Accel-Redirect): Last-Modified and ETag "<mtime hex>-<size hex>"
        ("Last-Modified", formatdate(mtime, usegmt=True)),
        ("Cache-Control", "no-cache"),
        ("Content-Disposition", f'attachment; filename="{sid}.zip"'),
        ("ETag", f'"{mtime:x}-{size:x}"'),
    ]
    rng = req.headers.get("Range")
    start, end, status = 0, size - 1, 200
    if rng:
        try:
            parsed = _parse_range(rng, size)
        except ValueError:
            return Response(
                416,
                NGINX_416.encode(),
                "text/html",
                headers=[
                    ("Cache-Control", "no-cache"),
                    ("Content-Disposition", f'attachment; filename="{sid}.zip"'),
                    ("Content-Range", f"bytes */{size}"),
                ],
            )
        if parsed is not None:
            start, end = parsed
            status = 206
            headers.append(("Content-Range", f"bytes {start}-{end}/{size}"))
    if status == 200:
        headers.append(("Accept-Ranges", "bytes"))
    cut = mgr.faults.download_limit(req.path) if req.method == "GET" else None
    return Response(
        status,
        content_type="application/octet-stream",
        headers=headers,
        file=FileBody(path, start, end - start + 1 if size else 0, cut),
    )


@route("PUT", "/snapshots/<id>/archive")
def put_snapshot_archive(mgr: Manager, req: Request) -> Response:
    """PUT /snapshots/<id>/archive: stream a raw or chunked body to disk, then register it (201)."""
    from .server import BodyError

    tenant = require_tenant(req.tenant)
    sid = req.params["id"]
    limit = mgr.faults.upload_limit(req.path)
    tmp = os.path.join(mgr.data_dir, "uploads", f"{uuid.uuid4()}.part")
    size = 0
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for chunk in req.handler.iter_body(limit):
                view = memoryview(chunk)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                size += len(chunk)
        finally:
            os.close(fd)
    except (BodyError, OSError, ValueError):
        if os.path.exists(tmp):
            os.unlink(tmp)
        return Response(0, drop=True)
    body = register_upload(mgr, _user(req)["username"], tenant, sid, tmp, size)
    return Response.json(body, 201)
