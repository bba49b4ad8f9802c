"""A premium manager's licence: GET /license and GET /license-check (the gate that refuses almost
every endpoint without a valid licence is licence_gate.py; the config's ``license``: valid, missing,
expired-trial, expired).

Sources: rest-service/manager_rest/constants.py::ALLOWED_LICENSE_ENDPOINTS per tag (what stays
served), rest-service/manager_rest/rest/resources_v3_1/license.py (the routes),
tests/integration_tests/tests/agentless_tests/test_license.py (an expired *trial* licence blocks,
an expired paying one does not). The premium handler itself is closed source: the HTTP status
(400, as its sibling unverified_cloudify_license) and the message wording are not confirmed; the
error codes are cloudify_rest_client/exceptions.py's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import route
from .errors import ApiError
from .listing import envelope
from .wire import Request, Response

if TYPE_CHECKING:
    from .manager import Manager

PREMIUM_ONLY = (
    "This feature exists only in the premium edition of Cloudify.\nPlease contact sales for additional info."
)


def _item(mgr: Manager) -> dict[str, Any]:
    expired = mgr.cfg.license in ("expired", "expired-trial")
    return {
        "customer_id": "CUST-SIM-0001",
        "expiration_date": "2024-01-01T00:00:00.000Z" if expired else "2099-12-31T00:00:00.000Z",
        "license_edition": "Premium",
        "trial": mgr.cfg.license == "expired-trial",
        "cloudify_version": None,
        "capabilities": None,
        "expired": expired,
    }


@route("GET", "/license")
def get_license(mgr: Manager, req: Request) -> Response:
    """GET /license: the uploaded licence (premium; [] without one); community: premium-only 404."""
    if not mgr.profile.premium:
        raise ApiError(404, "missing_premium_package_error", PREMIUM_ONLY)
    items = [] if mgr.cfg.license == "missing" else [_item(mgr)]
    return Response.json(envelope(mgr, items, len(items), 1000, 0))


@route("GET", "/license-check", exists=lambda m: m.profile.at_least(6, 0))
def get_license_check(mgr: Manager, req: Request) -> Response:
    """GET /license-check (6.0+): premium "OK" (the gate answered before if unlicensed); community
    400 without a Customer ID (LicenseCheckCommunity)."""
    if mgr.profile.premium:
        return Response.json("OK")
    return Response.json(
        {"message": "No Customer ID found on the manager", "error_code": "missing_cloudify_license"}, 400
    )
