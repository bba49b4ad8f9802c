"""First contact with a manager: is it there, is it Cloudify, do our credentials work, who are
we, which version, which IPs and networks. Later checks build on the ManagerProbe it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from packaging.version import Version

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.errors import (
    CloudifyError,
    ForbiddenError,
    LicenceError,
    NotFoundError,
    ProtocolError,
    TransportError,
    UnauthorizedError,
)
from wizard.cloudify.models import Broker, CurrentUser, ManagerNode, ManagerStatus, VersionInfo
from wizard.migration.findings import Finding, Status

T = TypeVar("T")


@dataclass
class ManagerProbe:
    """What we learnt about one manager; `usable` means reachable and authenticated."""

    label: str
    url: str
    tenant: str
    reachable: bool = False
    authenticated: bool = False
    version: VersionInfo | None = None
    user: CurrentUser | None = None
    nodes: list[ManagerNode] = field(default_factory=list)
    brokers: list[Broker] = field(default_factory=list)
    status: ManagerStatus | None = None
    tenants: list[str] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        """Reachable and logged in: the other checks can run."""
        return self.reachable and self.authenticated

    @property
    def parsed_version(self) -> Version | None:
        """The comparable version, or None when unknown or unparseable."""
        if self.version is None:
            return None
        try:
            return self.version.parsed
        except ValueError:
            return None

    @property
    def ips(self) -> set[str]:
        """Every IP the manager reports (private, public, networks)."""
        out: set[str] = set()
        for node in self.nodes:
            out.update(ip for ip in (node.private_ip, node.public_ip) if ip)
            out.update(ip for ip in node.networks.values() if ip)
        return out

    @property
    def primary_ip(self) -> str:
        """The first manager's private IP ('' when unknown)."""
        return self.nodes[0].private_ip if self.nodes else ""

    @property
    def hostname(self) -> str:
        """The first manager's host name ('' when unknown)."""
        return self.nodes[0].hostname if self.nodes else ""

    @property
    def manager_networks(self) -> set[str]:
        """Network names of the manager(s)."""
        return {name for node in self.nodes for name in node.networks}

    @property
    def broker_networks(self) -> set[str]:
        """Network names of the broker(s); empty when /brokers does not exist."""
        return {name for b in self.brokers for name in b.networks}

    def to_json(self) -> dict[str, object]:
        """No credentials: for the journal and the report."""
        return {
            "url": self.url,
            "version": self.version.version if self.version else None,
            "edition": self.version.edition if self.version else None,
            "hostname": self.hostname,
            "ip": self.primary_ip,
            "ips": sorted(self.ips),
            "user": self.user.username if self.user else None,
            "role": self.user.role if self.user else None,
            "networks": sorted(self.manager_networks),
            "broker_ips": sorted({b.host for b in self.brokers if b.host}),
        }


def _optional(call: Callable[[], T], default: T) -> T:
    try:
        return call()
    except CloudifyError:
        return default


def probe_manager(
    label: str, client: ManagerClient, url: str, tenant: str
) -> tuple[ManagerProbe, list[Finding]]:
    """Run `<label>.reachable` and `<label>.auth`; fill the probe with version, user, nodes,
    brokers, status and tenants when possible."""
    p = ManagerProbe(label, url, tenant)
    flag = f"--{label}"
    findings: list[Finding] = []
    try:
        p.version = client.version()
        p.reachable = True
    except UnauthorizedError as exc:
        p.reachable = True
        findings.append(Finding(f"{label}.reachable", Status.PASS, f"The {label} manager answers", url))
        findings.append(
            Finding(
                f"{label}.auth",
                Status.FAIL,
                f"Wrong user name or password for the {label} manager",
                f"{url} refused the credentials: {exc.message}",
                f"Check --{label}-user and the password (CFY_MIGRATE_{label.upper()}_PASSWORD, "
                f"--{label}-password-file or the prompt).",
            )
        )
        return p, findings
    except ForbiddenError as exc:
        p.reachable = True
        findings.append(Finding(f"{label}.reachable", Status.PASS, f"The {label} manager answers", url))
        findings.append(
            Finding(
                f"{label}.auth",
                Status.FAIL,
                f"The {label} manager refuses this user or tenant",
                f"{url}: {exc.message}",
                f"Check --{label}-tenant (an existing tenant, default_tenant by default) "
                "and use an admin user.",
            )
        )
        return p, findings
    except TransportError as exc:
        findings.append(
            Finding(
                f"{label}.reachable",
                Status.FAIL,
                f"The {label} manager cannot be reached",
                f"{url}: {exc}",
                f"Check the address given with {flag} (protocol, host and port), the network path and "
                "that the manager is running.",
            )
        )
        return p, findings
    except (ProtocolError, NotFoundError) as exc:
        findings.append(
            Finding(
                f"{label}.reachable",
                Status.FAIL,
                f"No Cloudify Manager REST API at the {label} address",
                f"{url}: {exc}",
                f"Check {flag}: give the manager's address only (e.g. https://10.0.0.5), with the right "
                "protocol and port.",
            )
        )
        return p, findings
    except CloudifyError as exc:
        findings.append(
            Finding(
                f"{label}.reachable",
                Status.FAIL,
                f"The {label} manager answered with an error",
                f"{url}: {exc}",
                "Check the manager's health (`cfy status` on it) and try again.",
            )
        )
        return p, findings
    findings.append(
        Finding(
            f"{label}.reachable",
            Status.PASS,
            f"The {label} manager answers",
            f"{url} runs Cloudify {p.version.version} ({p.version.edition or 'edition unknown'}).",
        )
    )
    try:
        p.user = client.current_user()
    except (UnauthorizedError, ForbiddenError) as exc:
        findings.append(
            Finding(
                f"{label}.auth",
                Status.FAIL,
                f"The {label} manager refuses these credentials",
                f"{url}: {exc.message}",
                f"Check --{label}-user, the password and --{label}-tenant.",
            )
        )
        return p, findings
    except LicenceError as exc:
        # before 6.0 an unlicensed premium manager refuses even /user
        from wizard.migration.checks.identity import licence_refused

        refused = f"The licence refuses {url}/api/v3.1/user."
        findings.append(Finding(f"{label}.auth", Status.SKIP, "Login not checked", refused))
        findings.append(licence_refused(label, exc))
        return p, findings
    except CloudifyError as exc:
        findings.append(
            Finding(
                f"{label}.auth",
                Status.ERROR,
                f"Could not read the {label} user",
                f"{url}: {exc}",
                "Try again; check the manager's health.",
            )
        )
        return p, findings
    p.tenants = _optional(lambda: [t.name for t in client.tenants()], [])
    if p.tenants and tenant not in p.tenants:
        findings.append(
            Finding(
                f"{label}.auth",
                Status.FAIL,
                f"Unknown tenant {tenant!r} on the {label} manager",
                f"Tenants there: {', '.join(sorted(p.tenants))}.",
                f"Give an existing tenant with --{label}-tenant (default_tenant by default).",
            )
        )
        return p, findings
    p.authenticated = True
    findings.append(
        Finding(
            f"{label}.auth",
            Status.PASS,
            f"Logged in to the {label} manager",
            f"as {p.user.username} ({p.user.role}), tenant {tenant}.",
        )
    )
    p.nodes = _optional(client.managers, [])
    p.brokers = _optional(client.brokers, [])
    p.status = _optional(client.status, None)
    return p, findings


def health_finding(p: ManagerProbe) -> Finding:
    """<label>.health from /status (a WARN: the restore may still work)."""
    ident = f"{p.label}.health"
    if p.status is None:
        return Finding(
            ident,
            Status.WARN,
            f"Health of the {p.label} manager unknown",
            "GET /status gave no answer.",
            "Check `cfy status` on that manager.",
        )
    if p.status.healthy:
        return Finding(ident, Status.PASS, f"The {p.label} manager is healthy", f"status {p.status.status}")
    down = ", ".join(p.status.inactive_services) or p.status.status
    return Finding(
        ident,
        Status.WARN,
        f"The {p.label} manager reports problems",
        f"status {p.status.status}; inactive: {down}.",
        "Fix the services (`cfy status`, `cfy_manager status`) before migrating.",
    )


def skipped(ids: list[str], why: str) -> list[Finding]:
    """SKIP findings for checks that could not run because an earlier one failed."""
    return [Finding(i, Status.SKIP, f"{i} not checked", why) for i in ids]
