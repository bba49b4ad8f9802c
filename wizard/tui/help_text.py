"""What each page does, why, and what can go wrong — shown by F1 / ?. Plain Markdown."""

from __future__ import annotations

from wizard.tui.flow import Page

KEYS = """
**Keys:** `Ctrl+N` next (the page's main button), `Alt+Left` back, `Tab`/`Shift+Tab` move,
`Enter` presses, `r` re-run the checks (or retry failed agents), `w` waive the selected check,
`Ctrl+T` test both connections, `F2` show or hide the steps, `Ctrl+P` all commands, `Ctrl+L`
the log (migrate.log), `Esc` cancels a running step safely (it stops at a safe point; the next
start resumes), `F1` or `?` this help, `Ctrl+Q` quit (asks first while a step runs).
"""

HELP: dict[Page, str] = {
    Page.CONNECT: """
## 1. Connect

Give the **old** manager (the one you are leaving) and the **new** one (already installed,
empty). Type an address (`https://10.0.0.5` or `10.0.0.5:443`) or pick an existing `cfy`
profile. Use the **bootstrap admin** on the new manager: only it may restore a snapshot.

Passwords are never shown, logged or written to the journal. *Test connection* shows each
manager's version, edition and your role.

**The use of a snapshot** (the choice at the top; the steps list strikes out the pages a use
skips):

* *Migrate to a new manager* — both managers online. *Archive* (optional): a snapshot `.zip`
  you already have of the old manager; then no new snapshot is made.
* *Back up only* — only the old manager; the archive and a manifest go into the backup
  directory (*Keep newest N* deletes this manager's older backups). The archive holds the
  manager's credentials, keys and password hashes: keep it as private as the manager.
* *Restore an archive (old manager lost)* — nothing is asked of the old manager: the archive
  names its IP and admin. **The new manager must have that IP**, or its agents never reconnect
  (the preflight's `pair.ip-rule`). User and Password are the lost manager's admin: after the
  restore the new manager's admin password is that one.

*Repair a community archive (7.x)*: a 7.x manager restores nothing from a community manager's
archive as it is; with the box ticked a copy with the two missing metadata keys is restored, the
original is kept, and the inventory check proves the result.
""",
    Page.PREFLIGHT: """
## 2. Preflight

Read-only checks of both managers and this machine. **FAIL** and **ERROR** block the next
step; fix the cause and press *Re-run checks* (`r`), or — only if you know it is safe — *waive* the
check by its id with a reason (`w`; the waiver goes into the report). **WARN** never blocks but
read it: it is a risk you accept.
""",
    Page.SNAPSHOT: """
## 3. Snapshot

Creates a snapshot on the old manager and waits until it is `created` (a failed snapshot
cannot be restored). Excluding credentials makes the snapshot smaller but agents installed
over SSH may then fail to reinstall. Running executions make snapshot creation fail: wait for
them or enable queueing.
""",
    Page.DOWNLOAD: """
## 4. Download

Streams the snapshot to the state directory (mode 0600: it holds secrets), resumable after an
interruption, with a sha256 computed on the fly. The archive is then inspected: zip
integrity, the `metadata.json` version and the snapshot format. Keep this file: after the
restore the snapshot disappears from the new manager and this copy is the source of truth.

An archive you gave (a restore, or a migration from an archive) is inspected where it is and
never changed. A backup's archive then moves into the backup directory with its manifest.
""",
    Page.NEW_MANAGER: """
## 5. New manager

Checks the new manager against the snapshot, in plain words:

* **Version order** — a snapshot can only go to the same or a newer manager.
* **Clean** — the new manager must be empty: a restore onto data fails, or with force *deletes* it.
* **IP rule** — with a different IP the agents must be reinstalled (page 7); certificates
  are only restored when both managers share an IP (and the manager then reboots).
* **Health** — every service must be running before the restore.
""",
    Page.RESTORE: """
## 6. Restore

Uploads the snapshot, verifies it, and restores it on the new manager. **This overwrites the
new manager's data and cannot be undone**: you confirm by typing its host name. During the
restore the REST API goes away for a while — that is expected; the wizard waits.

After a restore the new manager's admin password is the **old manager's**: the wizard logs in
again with it. Finally the inventory (blueprints, deployments, agents per tenant) is compared,
old versus new.
""",
    Page.AGENTS: """
## 7. Agents

Runs `install_new_agents` for every installed deployment, a few at a time, so their agents
talk to the new manager. **The old manager must stay up until this is done.** Deployments
whose hosts are not started are skipped, with the reason shown. Failed ones can be retried.
""",
    Page.SUMMARY: """
## 8. Summary

The report (JSON and Markdown) and where it was written. **Do not decommission the old
manager** until every agent is on the new one and you have checked your deployments there.
""",
}


def help_markdown(page: Page) -> str:
    """The help for one page followed by the keys."""
    return HELP[page].strip() + "\n\n" + KEYS.strip()
