"""The licence gate of a premium manager: without a valid licence (config ``license`` missing or
expired-trial) almost every endpoint is refused; the routes that stay served are
rest-service/manager_rest/constants.py::ALLOWED_LICENSE_ENDPOINTS at each tag. The premium handler
is closed source: the HTTP status (400, as its sibling unverified_cloudify_license) and the wording
are not confirmed; the error codes are cloudify_rest_client/exceptions.py's. Apart from licence.py
(the routes) because api.py calls it for every request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ApiError

if TYPE_CHECKING:
    from .manager import Manager


def _allowed(mgr: Manager) -> frozenset[str]:
    p = mgr.profile
    if p.at_least(5, 1):
        base = {"brokers", "managers", "db-nodes", "cluster", "config", "status", "version", "license",
                "maintenance", "cluster-status", "file-server-auth", "tokens", "tenants"}  # fmt: skip
        if p.at_least(6, 0):
            base |= {"ok", "user"}
        return frozenset(base)
    if p.at_least(5, 0, 5):
        return frozenset({"status", "version", "license", "maintenance", "cluster-status", "tokens", "config",
                          "cluster", "tenants", "brokers", "managers", "db-nodes"})  # fmt: skip
    return frozenset({"status", "version", "license", "tokens", "config", "cluster", "tenants"})


def blocking(mgr: Manager) -> str | None:
    """The error code the licence gate answers with, or None while the manager is usable."""
    if not mgr.profile.premium:
        return None
    return {"missing": "missing_cloudify_license", "expired-trial": "expired_cloudify_license"}.get(
        mgr.cfg.license
    )


def gate(mgr: Manager, segment: str, method: str) -> None:
    """Refuse a request as an unlicensed premium manager does (GET /users stays allowed on 6.x+)."""
    code = blocking(mgr)
    if code is None or segment in _allowed(mgr):
        return
    if segment == "users" and method == "GET" and mgr.profile.at_least(6, 0):
        return
    message = (
        "The Cloudify license has expired"
        if code == "expired_cloudify_license"
        else "No valid Cloudify license found on the manager"
    )
    raise ApiError(400, code, message)
