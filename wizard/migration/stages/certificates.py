"""--restore-certificates made whole: the CA bundle the new manager is verified with, and the
reboot that follows the restore.

A legacy restore with restore_certificates moves the snapshot's /etc/cloudify/ssl over the new
manager's and, unless no_reboot, runs `sudo shutdown -r now` right after clearing the
/snapshot-status flag (mgmtworker/cloudify_system_workflows/snapshots/snapshot_restore.py::
_restore_certificate and the post-restore commands). After the reboot the new manager presents
the OLD manager's certificate, which the CA it was verified with so far does not trust.

So, right before the restore is posted, cfy-migrate writes one CA bundle into the migration's
directory: the new manager's CA as given (or the system's), the old manager's (--old-ca-cert)
and the CA certificates the archive carries in ssl/. It trusts the new manager before and after
the swap alike, is journaled before the POST (a resumed run uses it from its first request), and
the person is told to use it as --new-ca-cert from then on. The reboot is then waited out:
first the manager goes away (or already has), then it answers again.
"""

from __future__ import annotations

import hashlib
import re
import ssl
import time
import zipfile
from pathlib import Path

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Endpoint
from wizard.cloudify.errors import (
    CloudifyError,
    RequestCancelledError,
    ServerError,
    TLSError,
    TransportError,
)
from wizard.migration.config import ManagerConfig, MigrationConfig
from wizard.migration.context import Context
from wizard.migration.errors import MigrationError
from wizard.migration.state import MigrationState
from wizard.migration.steps import StepId
from wizard.migration.storage import atomic_write_text, utc_now

STEP = StepId.RESTORE
BUNDLE_NAME = "new-manager-ca-bundle.pem"
#: how long the reboot may take to begin once the restore settled, and to end (seconds)
REBOOT_START = 300.0
REBOOT_TIMEOUT = 1800.0
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def reboots(config: MigrationConfig) -> bool:
    """The restore will reboot the new manager (restore_certificates without no_reboot)."""
    return config.restore.restore_certificates and not config.restore.no_reboot


def new_manager_config(manager: ManagerConfig, state: MigrationState | None) -> ManagerConfig:
    """The new manager as a resumed run must reach it: with the journaled CA bundle, if any."""
    import dataclasses

    bundle = state.restore.ca_bundle if state is not None else None
    if not bundle or not Path(bundle).is_file():
        return manager
    return dataclasses.replace(manager, endpoint=dataclasses.replace(manager.endpoint, ca_cert=Path(bundle)))


def _certificates(text: str) -> list[str]:
    """The PEM certificates in `text` that really load as CAs (a stand-in or a key is skipped)."""
    out = []
    for block in _PEM.findall(text):
        try:
            ssl.create_default_context(cadata=block)
        except (ssl.SSLError, ValueError):
            continue
        out.append(block)
    return out


def _archive_cas(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.startswith("ssl/") and "ca" in n.rsplit("/", 1)[-1]]
            return [c for n in names for c in _certificates(zf.read(n).decode("ascii", errors="replace"))]
    except (OSError, zipfile.BadZipFile):
        return []


def prepare(ctx: Context) -> None:
    """Before the POST: write and journal the bundle, and verify the new manager with it from now on."""
    r = ctx.state.restore
    endpoint = ctx.config.new_manager.endpoint
    if not ctx.config.restore.restore_certificates or endpoint.protocol != "https":
        return
    if "cert_before" not in r.reboot:
        r.reboot["cert_before"] = fingerprint(endpoint) or ""
        ctx.save()
    if endpoint.insecure:
        return
    old_ca, new_ca = ctx.config.old.endpoint.ca_cert, endpoint.ca_cert
    if old_ca is None and new_ca is None:
        ctx.log(
            STEP, "info", "Both managers are verified with the system's CAs; they stay so after the restore."
        )
        return
    parts: list[str] = []
    if new_ca is not None:
        parts += _certificates(new_ca.read_text(encoding="ascii", errors="replace"))
    else:
        import certifi

        parts += _certificates(Path(certifi.where()).read_text(encoding="ascii", errors="replace"))
    if old_ca is not None:
        parts += _certificates(old_ca.read_text(encoding="ascii", errors="replace"))
    from_archive = _archive_cas(ctx.journal.archive_path())
    parts += from_archive
    bundle = ctx.directory / BUNDLE_NAME
    atomic_write_text(bundle, "\n".join(dict.fromkeys(parts)) + "\n", mode=0o644)
    r.ca_bundle = str(bundle)
    ctx.save()
    _verify_with(ctx, bundle)
    sources = ["the new manager's CA" if new_ca else "the system's CAs"]
    sources += ["--old-ca-cert"] if old_ca else []
    sources += [f"{len(from_archive)} CA certificate(s) from the snapshot"] if from_archive else []
    ctx.log(
        STEP,
        "warning",
        "The restore gives the new manager the old manager's certificates. From now on it is verified "
        f"with {bundle} ({', '.join(sources)}); use that file as --new-ca-cert (and in your cfy "
        "profile) after the migration.",
    )


def fingerprint(endpoint: Endpoint) -> str | None:
    """The sha256 of the certificate the manager presents now (no verification: only compared
    with itself later, to see the reboot that swapped it); None for http or no answer."""
    if endpoint.protocol != "https":
        return None
    try:
        pem = ssl.get_server_certificate((endpoint.host, endpoint.port), timeout=10)
    except (OSError, ValueError):
        return None
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def _verify_with(ctx: Context, bundle: Path) -> None:
    import dataclasses

    current = ctx.new
    if current.endpoint.ca_cert == bundle:
        return
    ctx.new = current.with_endpoint(dataclasses.replace(current.endpoint, ca_cert=bundle))
    current.close()


def _answer(client: ManagerClient) -> str:
    """'up', 'down' (refused, reset, 5xx from a front) or 'tls' (answers with a certificate the
    bundle does not trust)."""
    try:
        client.version()
    except RequestCancelledError:
        raise
    except TLSError:
        return "tls"
    except (TransportError, ServerError):
        return "down"
    except CloudifyError:
        return "up"  # it answers (e.g. 401 while the passwords switch)
    return "up"


def wait_settled(ctx: Context) -> None:
    """/snapshot-status until not-running, where a manager that stops answering once the restore
    ended is rebooting (the flag goes away right before the reboot)."""
    r = ctx.state.restore
    started = time.monotonic()

    def ask() -> str:
        try:
            return "running" if ctx.new.snapshot_restore_running() else "settled"
        except RequestCancelledError:
            raise
        except TransportError:
            return "down"
        except CloudifyError:
            return "running"

    waited = ctx.wait(
        ask,
        lambda s: s != "running",
        timeout=max(ctx.config.restore.timeout / 4, 60),
        progress=lambda _s, _e: ctx.progress(
            STEP, time.monotonic() - started, 0, "s", "waiting for the restore to settle"
        ),
    )
    if waited.value == "down" and "went_down_at" not in r.reboot:
        r.reboot["went_down_at"] = utc_now()
        ctx.save()


def after_restore(ctx: Context) -> None:
    """The restore ended well: wait out the reboot (unless no_reboot) and say what changed."""
    r = ctx.state.restore
    if not ctx.config.restore.restore_certificates:
        return
    if not ctx.state.archive.legacy:
        ctx.log(STEP, "warning", "A new-format (7.x) restore does not restore certificates; nothing changed.")
        return
    if ctx.config.restore.no_reboot:
        ctx.log(
            STEP,
            "warning",
            "The old manager's certificates are in place on the new manager but take effect only when it "
            "reboots (--no-reboot): reboot it after the migration"
            + (f", then verify it with {r.ca_bundle}." if r.ca_bundle else "."),
        )
        return
    if "back_at" in r.reboot:
        return
    started = time.monotonic()
    before = r.reboot.get("cert_before")

    def phase_one() -> str:
        answer = _answer(ctx.new)
        if answer == "up" and before and fingerprint(ctx.new.endpoint) not in (None, before):
            return "rebooted"  # down and up again between two looks: it serves the other certificate
        return answer

    if "went_down_at" not in r.reboot:
        ctx.log(
            STEP,
            "info",
            "Waiting for the new manager to reboot (the restore put the old certificates in place).",
        )
        went = ctx.wait(
            phase_one,
            lambda a: a != "up",
            timeout=REBOOT_START,
            progress=lambda _a, _e: ctx.progress(
                STEP, time.monotonic() - started, 0, "s", "waiting for the reboot"
            ),
        )
        if went.timed_out:
            r.reboot["not_seen"] = utc_now()
            ctx.save()
            ctx.log(STEP, "warning", f"No reboot seen within {REBOOT_START:.0f} s; going on.")
            return
        r.reboot["went_down_at"] = utc_now()
        ctx.save()
        if went.value == "rebooted":
            r.reboot["back_at"] = r.reboot["went_down_at"]
            ctx.save()
            ctx.log(STEP, "info", "The new manager has rebooted and serves the old manager's certificates.")
            return
    ctx.log(STEP, "info", "The new manager is rebooting; waiting until it answers again.")
    back = ctx.wait(
        lambda: _answer(ctx.new),
        lambda a: a == "up",
        timeout=REBOOT_TIMEOUT,
        progress=lambda _a, _e: ctx.progress(STEP, time.monotonic() - started, 0, "s", "rebooting"),
    )
    if back.timed_out:
        if back.value == "tls":
            raise MigrationError(
                "The new manager is back from its reboot, but its certificate (the old manager's now) is "
                f"not trusted by {r.ca_bundle or 'the CA given'}.",
                "Run again with --new-ca-cert pointing at the CA that signed the old manager's certificate.",
            )
        raise MigrationError(
            f"The new manager has not come back from its reboot within {REBOOT_TIMEOUT:.0f} s.",
            "Check it (its console); run again once it answers: the migration goes on from here.",
        )
    r.reboot["back_at"] = utc_now()
    ctx.save()
    ctx.log(
        STEP, "info", "The new manager is back from its reboot and serves the old manager's certificates."
    )
