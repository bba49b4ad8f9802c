"""What the Summary page says after each use of a snapshot: the outcome's headline, and the next
steps — after a migration, when the old manager may go; after a backup, where the archive and its
manifest are and how private they must stay; after a restore, what became of the same-IP rule.
No Textual here."""

from __future__ import annotations

from pathlib import Path

from wizard.migration.backups import SECRETS_WARNING, manifest_path
from wizard.migration.config import Mode
from wizard.migration.events import ArchiveFacts, MigrationFinished
from wizard.migration.findings import Finding
from wizard.tui.wording import in_wizard_words

NEXT_STEPS_OK = """\
**Next steps**

1. Log in to the new manager with the **old** manager's admin password; update your `cfy` profiles.
2. Check a few deployments on the new manager (`cfy agents validate`, a harmless workflow).
3. Upgrade plugins where needed (`cfy plugins update <blueprint>`); clear the UI's browser cache
   (Ctrl+Shift+R).
4. Only then may the **old manager** be stopped and decommissioned.
"""

NEXT_STEPS_NOT_YET = """\
**Do not decommission the old manager yet.** Some agents still talk to it (see page 7): fix the
cause, then run `cfy-migrate` again — it resumes and retries only what is left.
"""

NOT_DONE = {
    Mode.BACKUP: "**The backup is not kept yet.** Fix the cause, then start `cfy-migrate` again: it "
    "resumes, without a second snapshot.",
    Mode.RESTORE: "**The restore is not finished.** Fix the cause, then start `cfy-migrate` again: it "
    "resumes and does nothing twice.",
}

RESTORED_NEXT = """\
1. Log in to the new manager with the **lost** manager's admin password (the restore gave it to the
   new manager); update your `cfy` profiles.
2. Check a few deployments (`cfy agents validate`, a harmless workflow).
3. Keep the archive: it is still the only copy of the lost manager.
"""

EXIT_TEXT = {
    0: ("✔ Migration complete", "bold green"),
    1: ("✘ Migration stopped on an error", "bold red"),
    2: ("■ Migration blocked by a check", "bold red"),
    3: ("▲ Migrated, but some agents failed", "bold yellow"),
    130: ("■ Migration interrupted (resumable)", "bold yellow"),
}

#: the headline of a backup's and a restore's outcome where it differs from a migration's
EXIT_TEXT_BY_USE: dict[tuple[Mode, int], str] = {
    (Mode.BACKUP, 0): "✔ Backup kept",
    (Mode.BACKUP, 1): "✘ Backup stopped on an error",
    (Mode.BACKUP, 2): "■ Backup blocked by a check",
    (Mode.BACKUP, 130): "■ Backup interrupted (resumable)",
    (Mode.RESTORE, 0): "✔ Restore complete",
    (Mode.RESTORE, 1): "✘ Restore stopped on an error",
    (Mode.RESTORE, 2): "■ Restore blocked by a check",
    (Mode.RESTORE, 3): "▲ Restored, but some agents failed",
    (Mode.RESTORE, 130): "■ Restore interrupted (resumable)",
}


def headline(mode: Mode, exit_code: int) -> tuple[str, str]:
    """The outcome's first line and its style."""
    label, style = EXIT_TEXT.get(exit_code, (f"Finished (exit {exit_code})", "bold"))
    return EXIT_TEXT_BY_USE.get((mode, exit_code), label), style


def next_steps(
    mode: Mode, event: MigrationFinished, archive: ArchiveFacts | None, ip_rule: Finding | None
) -> str:
    """The Markdown under the outcome (see the module docstring)."""
    if mode is Mode.MIGRATE:
        return NEXT_STEPS_OK if event.exit_code == 0 and not event.old_manager_needed else NEXT_STEPS_NOT_YET
    if event.exit_code not in (0, 3):
        return NOT_DONE[mode]
    if mode is Mode.BACKUP:
        lines = ["**Your backup**", ""]
        if archive is not None:
            lines += [
                f"- archive: `{archive.path}`",
                f"- manifest: `{manifest_path_text(archive.path)}`",
                f"- sha256: `{archive.sha256}`",
                "",
            ]
        lines += [
            f"**{SECRETS_WARNING}**",
            "",
            "To restore it after losing this manager: start `cfy-migrate`, choose *Restore from an "
            "archive* and give this archive; the new manager must have this manager's IP.",
        ]
        return "\n".join(lines) + "\n"
    lines = ["**The lost manager's IP**", ""]
    if ip_rule is None:
        lines.append("- not checked (no finding pair.ip-rule).")
    else:
        # a blocking finding that let the restore run was waived
        status = "WAIVED" if ip_rule.blocking else ip_rule.status.value
        lines.append(f"- {status}: {ip_rule.title}. {in_wizard_words(ip_rule.detail)}")
    lines += ["", "**Next steps**", "", RESTORED_NEXT]
    return "\n".join(lines)


def manifest_path_text(archive: str) -> str:
    """The manifest's path beside an archive's path."""
    return str(manifest_path(Path(archive)))
