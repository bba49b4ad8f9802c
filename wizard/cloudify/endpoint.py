"""Where a manager is and who we are there: parsed once, validated, never printing the password."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_TENANT = "default_tenant"


class EndpointError(ValueError):
    """The manager address given by the user cannot be used; the message says how to write it."""


@dataclass(frozen=True)
class Endpoint:
    """A manager's REST address: protocol, host and port, plus how to verify its certificate.

    `ca_cert` is a CA bundle path; None means the system trust store. Verification is off only
    when `insecure` is set explicitly (and the caller must warn about it).
    """

    host: str
    port: int
    protocol: str = "https"
    ca_cert: Path | None = None
    insecure: bool = False

    @property
    def base_url(self) -> str:
        """e.g. https://10.0.0.5:443 (IPv6 hosts get brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.protocol}://{host}:{self.port}"

    def __str__(self) -> str:
        return self.base_url

    @classmethod
    def parse(cls, text: str, *, ca_cert: Path | None = None, insecure: bool = False) -> Endpoint:
        """Accept `https://host[:port]`, `http://host[:port]`, `host[:port]` (https assumed).

        Raises EndpointError naming the fix for anything else (a path, a bad port, no host). A URL
        with `user:password@` is refused first, and no message ever repeats what came before the
        `@` (it is most likely a password).
        """
        raw = text.strip()
        if not raw:
            raise EndpointError("the manager address is empty; give a URL such as https://10.0.0.5")
        if has_userinfo(raw):
            raise EndpointError(
                "do not put credentials (user name or password) in the manager address "
                f"({strip_userinfo(raw)!r}); "
                "give the user with --old-user/--new-user and the password at the prompt, in "
                "CFY_MIGRATE_OLD_PASSWORD/CFY_MIGRATE_NEW_PASSWORD or in a password file"
            )
        shown = raw
        if "://" not in raw:
            raw = "https://" + raw
        parts = urlsplit(raw)
        if parts.scheme not in {"http", "https"}:
            raise EndpointError(
                f"unsupported protocol {parts.scheme!r} in {shown!r}; use http:// or https://"
            )
        if parts.path not in {"", "/"} or parts.query or parts.fragment:
            raise EndpointError(
                f"{shown!r} has a path; give only the manager's address, e.g. https://10.0.0.5"
            )
        try:
            port = parts.port
        except ValueError as exc:
            raise EndpointError(f"bad port in {shown!r}; the port must be a number 1-65535") from exc
        host = parts.hostname or ""
        if not host:
            raise EndpointError(f"no host in {shown!r}; give a URL such as https://10.0.0.5")
        if port is None:
            port = 443 if parts.scheme == "https" else 80
        if port == 0:
            raise EndpointError(f"bad port in {shown!r}; the port must be a number 1-65535")
        return cls(host=host, port=port, protocol=parts.scheme, ca_cert=ca_cert, insecure=insecure)


def _authority_end(text: str) -> tuple[int, int]:
    """(start, end) of the authority part of a URL-ish text (after `scheme://`, before / ? #)."""
    start = text.find("://")
    start = 0 if start < 0 else start + 3
    end = len(text)
    for mark in "/?#":
        found = text.find(mark, start)
        if found >= 0:
            end = min(end, found)
    return start, end


def has_userinfo(text: str) -> bool:
    """Whether a URL (any scheme, or none) may carry `user[:password]@` before its host.

    A manager address has no other place for an `@` (paths are refused anyway), so any `@`
    counts: a password holding `/` or `?` would otherwise hide the `@` in a "path".
    """
    return "@" in text


def strip_userinfo(text: str) -> str:
    """The URL without its `user:password@` part: the only form of a URL an error may print."""
    start, end = _authority_end(text)
    at = text.rfind("@", start, end)
    if at < 0:
        at = text.rfind("@", start)
    if at < 0:
        return text
    return text[:start] + text[at + 1 :]


#: what a Cloudify tenant or user name may hold (the REST service's validate_inputs)
_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def name_problem(kind: str, value: str) -> str | None:
    """Why `value` cannot be a Cloudify tenant/user name (None when it can).

    The manager allows only ASCII letters, digits, '-', '.' and '_' in these names, so a name
    with other characters can never work; saying so beats an encoding error from deep inside
    http.client.
    """
    if _NAME.fullmatch(value):
        return None
    return (
        f"the {kind} name {value!r} cannot exist on a Cloudify Manager: {kind} names use only "
        "ASCII letters, digits, '-', '.' and '_'"
    )


@dataclass(frozen=True)
class Credentials:
    """User, password and tenant for one manager. The password never appears in repr or str."""

    username: str
    password: str = field(repr=False)
    tenant: str = DEFAULT_TENANT

    def __str__(self) -> str:
        return f"{self.username}@{self.tenant}"
