"""Authentication (HTTP Basic) and tenant resolution, with the real 401/403 bodies."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

from .clock import iso
from .errors import ApiError, forbidden
from .inventory import Record
from .passwords import verify_password

if TYPE_CHECKING:
    from .manager import Manager


def unauthorized(message: str) -> ApiError:
    """401 unauthorized_error."""
    return ApiError(401, "unauthorized_error", f"User unauthorized: {message}")


def authenticate(mgr: Manager, authorization: str | None) -> Record:
    """The user of a request (Basic auth), or the real 401."""
    if not authorization or not authorization.startswith("Basic "):
        raise unauthorized("No authentication info provided")
    try:
        raw = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise unauthorized("No authentication info provided") from None
    username, _, password = raw.partition(":")
    if not username or not username[0].isascii() or not username[0].isalpha():
        raise unauthorized("No authentication info provided")
    with mgr.lock:
        user = mgr.inv.users.get(username)
        stored = user.get("password_hash") if user else None
        if user is None and mgr.profile.at_least(7, 0):
            # user_handler._get_user_from_auth: an unknown user is "no auth info", not a failed login
            raise unauthorized("No authentication info provided")
        # restore_auth_gap: the restored rest-security.conf's salt no longer fits this manager's admin
        # hash, and the old hash is not in yet; every admin password fails until post-restore.
        broken = mgr.admin_login_broken and user is not None and bool(user.get("_bootstrap_admin"))
    if broken or user is None or not stored or not verify_password(password, str(stored)):
        raise unauthorized(
            f"Authentication failed for <User username=`{username}`>. Wrong credentials or locked account"
        )
    _logged_in(mgr, user)
    return user


def _logged_in(mgr: Manager, user: Record) -> None:
    """_reset_failed_logins_counter: every password login stamps last_login_at (first_login_at once)."""
    now = iso()
    with mgr.lock:
        if not user.get("last_login_at"):
            user["first_login_at"] = now
        user["last_login_at"] = now


def resolve_tenant(mgr: Manager, user: Record, header: str | None) -> str | None:
    """The request's tenant from the ``Tenant`` header (None when absent), or the real 403."""
    if header is None or header == "":
        return None
    with mgr.lock:
        exists = header in mgr.inv.tenants
    if not exists:
        raise forbidden(f"Authorization failed: Tried to authenticate with invalid tenant name: {header}")
    if user.get("role") != "sys_admin" and header not in user.get("tenants", {}):
        raise forbidden(
            f"User `{user['username']}` is not permitted to perform the action in the tenant `{header}`"
        )
    return header


def require_tenant(tenant: str | None) -> str:
    """Writes need a tenant: 403 'tenant not provided' without one."""
    if tenant is None:
        raise forbidden("Authorization failed: tenant not provided")
    return tenant


def visible_tenants(mgr: Manager, user: Record, tenant: str | None, all_tenants: bool) -> set[str]:
    """Tenants a list request covers: the current one, or every permitted one with _all_tenants."""
    if all_tenants:
        if user.get("role") == "sys_admin":
            return set(mgr.inv.tenants)
        return set(user.get("tenants", {})) & set(mgr.inv.tenants)
    return {tenant} if tenant else set()
