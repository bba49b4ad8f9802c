"""Where a manager is and who we are there: parsed once, validated, never printing the password."""

from __future__ import annotations

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

        Raises EndpointError naming the fix for anything else (a path, a bad port, no host).
        """
        raw = text.strip()
        if not raw:
            raise EndpointError("the manager address is empty; give a URL such as https://10.0.0.5")
        if "://" not in raw:
            raw = "https://" + raw
        parts = urlsplit(raw)
        if parts.scheme not in {"http", "https"}:
            raise EndpointError(
                f"unsupported protocol {parts.scheme!r} in {text!r}; use http:// or https://"
            )
        if parts.path not in {"", "/"} or parts.query or parts.fragment:
            raise EndpointError(
                f"{text!r} has a path; give only the manager's address, e.g. https://10.0.0.5"
            )
        try:
            port = parts.port
        except ValueError as exc:
            raise EndpointError(f"bad port in {text!r}; the port must be a number 1-65535") from exc
        host = parts.hostname or ""
        if not host:
            raise EndpointError(f"no host in {text!r}; give a URL such as https://10.0.0.5")
        if parts.username or parts.password:
            raise EndpointError(
                "do not put credentials in the URL; use --old-user/--new-user and a password prompt, "
                "environment variable or password file"
            )
        if port is None:
            port = 443 if parts.scheme == "https" else 80
        return cls(host=host, port=port, protocol=parts.scheme, ca_cert=ca_cert, insecure=insecure)


@dataclass(frozen=True)
class Credentials:
    """User, password and tenant for one manager. The password never appears in repr or str."""

    username: str
    password: str = field(repr=False)
    tenant: str = DEFAULT_TENANT

    def __str__(self) -> str:
        return f"{self.username}@{self.tenant}"
