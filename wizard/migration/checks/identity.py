"""Who may use the managers after the migration: the licence (old.licence, new.licence), LDAP
(old.ldap, new.ldap) and the edition pair (pair.edition).

- A premium manager without a valid licence refuses /snapshots, /blueprints and most of its API
  (rest-service/manager_rest/constants.py::ALLOWED_LICENSE_ENDPOINTS): a clear FAIL here instead of
  an ERROR "try again" from the first check that hits the wall.
- The `ldap_*` settings live in the `config` table, which a legacy restore keeps from the NEW
  manager (mgmtworker/cloudify_system_workflows/snapshots/postgres.py::_CONFIG_TABLES are left
  out of the dump and put back): LDAP users cannot log in unless the new manager has the same LDAP.
- A community manager skips the Stage (console) and Composer data of a premium snapshot without a
  word (snapshot_restore.py::_restore_stage and _restore_composer return when premium is off).
"""

from __future__ import annotations

from wizard.cloudify.errors import LicenceError
from wizard.migration.checks.facts import ManagerFacts
from wizard.migration.checks.probe import ManagerProbe
from wizard.migration.checks.rules import error_finding
from wizard.migration.findings import Finding, Status

UPLOAD_LICENCE = (
    "Upload the licence to that manager (`cfy license upload <file>`, or in the console at first "
    "login; a cluster needs it once, on its active manager), then run again."
)


def licence_refused(label: str, exc: LicenceError) -> Finding:
    """<label>.licence from a request the licence gate refused (the probe or any later read)."""
    expired = exc.error_code == "expired_cloudify_license"
    return Finding(
        f"{label}.licence",
        Status.FAIL,
        f"The {label} manager's licence {'has expired' if expired else 'is missing'}",
        f"It refuses almost every request ({exc.message}): snapshots, blueprints, deployments and "
        "executions stay out of reach until a valid licence is uploaded.",
        UPLOAD_LICENCE,
        data={"error_code": exc.error_code},
    )


def licence(label: str, facts: ManagerFacts) -> Finding:
    """<label>.licence: a premium manager needs a valid licence for snapshots and restores."""
    ident = f"{label}.licence"
    if not facts.premium:
        return Finding(ident, Status.PASS, f"No licence needed on the {label} manager", "community edition")
    error = facts.errors.get("licence")
    if isinstance(error, LicenceError):
        return licence_refused(label, error)
    if error is not None:
        return error_finding(ident, f"the {label} manager's licence", error)
    if facts.licences is None:
        return Finding(ident, Status.SKIP, "Licence not checked", "This manager has no /license endpoint.")
    if not facts.licences:
        return Finding(
            ident,
            Status.FAIL,
            f"No licence on the {label} manager",
            "A premium manager without a licence refuses /snapshots, /blueprints and most of its REST "
            "API: the migration would stop at its first request there.",
            UPLOAD_LICENCE,
        )
    lic = facts.licences[0]
    data = lic.to_json()
    if lic.expired and lic.trial:
        return Finding(
            ident,
            Status.FAIL,
            f"The {label} manager's trial licence has expired",
            f"Expired {lic.expiration_date or '(date unknown)'}: an expired trial licence blocks the "
            "REST API.",
            UPLOAD_LICENCE,
            data=data,
        )
    if lic.expired:
        return Finding(
            ident,
            Status.WARN,
            f"The {label} manager's licence has expired",
            f"Expired {lic.expiration_date or '(date unknown)'}; a paying licence keeps the manager working.",
            "Renew it (`cfy license upload <file>`) when you can.",
            data=data,
        )
    until = f" until {lic.expiration_date}" if lic.expiration_date else ""
    return Finding(
        ident,
        Status.PASS,
        f"The {label} manager is licensed",
        f"{lic.edition or 'premium'} licence for {lic.customer_id or '?'}{until}"
        + (" (trial)" if lic.trial else ""),
        data=data,
    )


def old_ldap(facts: ManagerFacts) -> Finding:
    """old.ldap: whether the old manager's users log in through LDAP (the new one must then too)."""
    error = facts.errors.get("ldap")
    if error is not None:
        return error_finding("old.ldap", "the old manager's LDAP settings", error)
    if facts.ldap is None:
        return Finding("old.ldap", Status.SKIP, "LDAP not checked", "This manager has no /config or /ldap.")
    if facts.ldap.enabled:
        where = facts.ldap.server or "a server not shown"
        return Finding(
            "old.ldap",
            Status.PASS,
            "The old manager authenticates users with LDAP",
            f"LDAP server {where}; its users need the same LDAP on the new manager.",
            data=facts.ldap.to_json(),
        )
    return Finding("old.ldap", Status.PASS, "No LDAP on the old manager", "local users only")


def new_ldap(old: ManagerFacts | None, new: ManagerFacts) -> Finding:
    """new.ldap: the restore keeps the new manager's LDAP settings; LDAP users of the old manager
    can only log in if the new one has the same LDAP."""
    error = new.errors.get("ldap")
    if error is not None:
        return error_finding("new.ldap", "the new manager's LDAP settings", error)
    old_ldap_ = old.ldap if old else None
    if new.ldap is None or old_ldap_ is None:
        return Finding(
            "new.ldap", Status.SKIP, "LDAP not compared", "The LDAP settings of one manager are unknown."
        )
    if old_ldap_.enabled and not new.ldap.enabled:
        return Finding(
            "new.ldap",
            Status.FAIL,
            "LDAP users will not be able to log in",
            f"The old manager authenticates with LDAP ({old_ldap_.server or 'server not shown'}), the "
            "new one does not. The restore keeps the new manager's `config` table, where the ldap_* settings "
            "live, so after it only local users (and the admin) can log in.",
            "Configure the same LDAP on the new manager before the restore (`cfy ldap set -s <server> "
            "-u <bind user> -p <password> -d <domain> ...`), or waive new.ldap if only local users "
            "must log in.",
            data={"old": old_ldap_.to_json(), "new": new.ldap.to_json()},
        )
    if old_ldap_.enabled and old_ldap_.server and new.ldap.server and old_ldap_.server != new.ldap.server:
        return Finding(
            "new.ldap",
            Status.WARN,
            "The managers use different LDAP servers",
            f"old {old_ldap_.server}, new {new.ldap.server}: after the restore users log in against "
            f"{new.ldap.server} (the new manager keeps its own settings).",
            "Make sure the old manager's LDAP users exist there, or point the new manager at the same "
            "server (`cfy ldap set`).",
            data={"old": old_ldap_.to_json(), "new": new.ldap.to_json()},
        )
    if new.ldap.enabled and not old_ldap_.enabled:
        return Finding(
            "new.ldap",
            Status.WARN,
            "Only the new manager uses LDAP",
            f"The new manager authenticates with LDAP ({new.ldap.server or 'server not shown'}) and keeps "
            "it; the old manager's users are local users.",
            "Check after the migration that the local users can still log in as they need.",
            data={"new": new.ldap.to_json()},
        )
    same = "the same LDAP" if new.ldap.enabled else "no LDAP"
    return Finding("new.ldap", Status.PASS, f"Both managers use {same}", new.ldap.server or "local users")


def pair_edition(old: ManagerProbe, new: ManagerProbe) -> Finding:
    """pair.edition: premium -> community silently drops the Stage and Composer data."""
    oe = old.version.edition if old.version else ""
    ne = new.version.edition if new.version else ""
    data = {"old": oe, "new": ne}
    if not oe or not ne:
        return Finding(
            "pair.edition", Status.SKIP, "Editions not compared", "An edition is unknown.", data=data
        )
    if oe == "premium" and ne != "premium":
        return Finding(
            "pair.edition",
            Status.FAIL,
            "Premium to community: console and Composer data would be lost",
            f"The old manager is {oe}, the new one {ne}. A community manager skips the snapshot's Stage "
            "(console dashboards, pages, widgets) and Composer data without a word, and has no LDAP, "
            "users management or premium features.",
            "Install the new manager as premium (with a licence), or waive pair.edition if losing the "
            "console and Composer data is accepted.",
            data=data,
        )
    return Finding("pair.edition", Status.PASS, "Editions fit", f"{oe} -> {ne}", data=data)
