"""The maintenance-mode routes: status, activate and deactivate (sys_admin only).
Split from api.py to keep it small; registered on import by api.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import maintenance
from .api import _user, route
from .errors import ApiError
from .wire import Request, Response

if TYPE_CHECKING:
    from .manager import Manager


@route("GET", "/maintenance")
def get_maintenance(mgr: Manager, req: Request) -> Response:
    """GET /maintenance."""
    return Response.json(maintenance.status(mgr))


@route("POST", "/maintenance/activate")
def post_maintenance_activate(mgr: Manager, req: Request) -> Response:
    """POST /maintenance/activate (304 if already on)."""
    if _user(req).get("role") != "sys_admin":
        raise ApiError(
            403,
            "forbidden_error",
            f"User `{_user(req)['username']}` is not permitted to perform the action maintenance_mode_set",
        )
    return Response.json(maintenance.activate(mgr, _user(req)["username"]))


@route("POST", "/maintenance/deactivate")
def post_maintenance_deactivate(mgr: Manager, req: Request) -> Response:
    """POST /maintenance/deactivate (304 if already off)."""
    if _user(req).get("role") != "sys_admin":
        raise ApiError(
            403,
            "forbidden_error",
            f"User `{_user(req)['username']}` is not permitted to perform the action maintenance_mode_set",
        )
    return Response.json(maintenance.deactivate(mgr))
