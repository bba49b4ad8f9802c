"""Tenant, user and user-group writes: premium-only on a real manager, except a password change.

Measured on 7.1 community: POST /tenants/<name>, PUT /users and GET /user-groups answer 404
``missing_premium_package_error``; POST /users/<name> with a new password works (200).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import render_identity
from .api import route
from .clock import iso
from .errors import ApiError, bad_parameters, forbidden, not_found
from .listing import list_items
from .passwords import hash_password
from .seed_records import tenant_record, user_record
from .wire import Request, Response

if TYPE_CHECKING:
    from .manager import Manager


def premium_only() -> ApiError:
    """The community edition's answer to a premium-only resource."""
    return ApiError(
        404,
        "missing_premium_package_error",
        "This feature exists only in the premium edition of "
        "Cloudify.\nPlease contact sales for additional info.",
    )


def _sys_admin(req: Request) -> None:
    if not req.user or req.user.get("role") != "sys_admin":
        raise forbidden("User is not authorized to perform this action")


@route("POST", "/tenants/<name>")
def post_tenant(mgr: Manager, req: Request) -> Response:
    """POST /tenants/<name>: create a tenant (premium)."""
    if not mgr.profile.premium:
        raise premium_only()
    _sys_admin(req)
    name = req.params["name"]
    with mgr.lock:
        if name in mgr.inv.tenants:
            raise ApiError(409, "conflict_error", f"<Tenant name=`{name}`> already exists")
        mgr.inv.tenants[name] = tenant_record(name)
        return Response.json(render_identity.render_tenant(mgr, mgr.inv.tenants[name]), 201)


@route("PUT", "/users", json_body=True)
def put_user(mgr: Manager, req: Request) -> Response:
    """PUT /users: create a user (premium)."""
    if not mgr.profile.premium:
        raise premium_only()
    _sys_admin(req)
    body = req.json_body()
    for key in ("username", "password"):
        if not body.get(key):
            raise bad_parameters(f"Missing {key} in json request body")
    username = str(body["username"])
    with mgr.lock:
        if username in mgr.inv.users:
            raise ApiError(409, "conflict_error", f"<User username=`{username}`> already exists")
        rec = user_record(
            username,
            str(body.get("role") or "default"),
            hash_password(str(body["password"]), f"{username}-{iso()}"),
            {},
            iso(),
        )
        mgr.inv.users[username] = rec
        return Response.json(render_identity.render_user(mgr, rec), 201)


@route("POST", "/users/<name>", json_body=True)
def post_user(mgr: Manager, req: Request) -> Response:
    """POST /users/<name> {"password": ...}: change a password (community too)."""
    name = req.params["name"]
    user = req.user or {}
    if user.get("role") != "sys_admin" and user.get("username") != name:
        raise forbidden("User is not authorized to perform this action")
    body = req.json_body()
    with mgr.lock:
        rec = mgr.inv.users.get(name)
        if rec is None:
            raise not_found("User", name)
        if body.get("password"):
            rec["password_hash"] = hash_password(str(body["password"]), f"{name}-{iso()}")
            if rec.get("_bootstrap_admin"):
                mgr.admin_password_source = "changed"
        if body.get("role"):
            rec["role"] = str(body["role"])
        return Response.json(render_identity.render_user(mgr, rec))


@route("GET", "/user-groups")
def get_user_groups(mgr: Manager, req: Request) -> Response:
    """GET /user-groups (premium): this simulator has none."""
    if not mgr.profile.premium:
        raise premium_only()
    with mgr.lock:
        return Response.json(list_items(mgr, req.query, render_identity.USERS, []))
