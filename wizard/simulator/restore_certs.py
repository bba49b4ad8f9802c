"""restore_certificates: after a legacy restore's post-restore commands, the old manager's
/etc/cloudify/ssl is moved over this manager's and, unless no_reboot, `sudo shutdown -r now`
(mgmtworker/cloudify_system_workflows/snapshots/snapshot_restore.py::_restore_certificate, the
commands run detached after the workflow). Here: the REST port goes away for ``reboot_time`` (base
seconds) and comes back serving the archive's certificate when it carried one (ssl/
cloudify_external_cert.pem and its key). Without a reboot nothing changes until the next one."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .archive import ArchiveContents
from .inventory import Record
from .server import server_ssl_context

if TYPE_CHECKING:
    from .manager import Manager


def after_post_restore(mgr: Manager, exe: Record, contents: ArchiveContents) -> None:
    """The last post-restore commands: mv the certificates, then reboot (unless no_reboot)."""
    params = exe.get("parameters") or {}
    if not params.get("restore_certificates"):
        return
    cert = contents.ssl.get("cloudify_external_cert.pem")
    key = contents.ssl.get("cloudify_external_key.pem")
    if cert and key and mgr.cfg.tls_cert:
        directory = os.path.join(mgr.data_dir, "ssl-restored")
        os.makedirs(directory, exist_ok=True)
        paths = (os.path.join(directory, "external_cert.pem"), os.path.join(directory, "external_key.pem"))
        for path, text in zip(paths, (cert, key), strict=True):
            with open(path, "w", encoding="ascii") as fh:
                fh.write(text)
        mgr.pending_tls = paths
    mgr.certificates_restored = True
    if not params.get("no_reboot"):
        reboot(mgr)


def reboot(mgr: Manager) -> None:
    """The manager goes down (connections refused) and boots again after ``reboot_time``."""
    if mgr.listener is None:
        return
    mgr.listener.begin_outage("refuse")
    mgr.scheduler.call_later(mgr.cfg.reboot_time, lambda: _boot(mgr))


def _boot(mgr: Manager) -> None:
    if mgr.pending_tls is not None and mgr.listener is not None:
        mgr.listener.ssl_context = server_ssl_context(*mgr.pending_tls)
        mgr.pending_tls = None
    if mgr.listener is not None:
        mgr.listener.end_outage()
    mgr.reboots += 1
