"""The engine's advice in the wizard's words.

The engine speaks to both front ends, and its remediations name what the command line has:
`--new-user`, `CFY_MIGRATE_OLD_PASSWORD`, "run the same command again", "--fresh". In the wizard
those are the Connect page's fields, the page's buttons and keys, and the resume offer. Every
engine text the wizard shows (findings, error dialogs, step outcomes, the event log) goes through
`in_wizard_words`; tests/tui/test_wording.py checks that no engine string keeps a flag.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from wizard.migration.settings import SETTINGS

NEW_MIGRATION = "start a new migration: quit and start cfy-migrate --fresh"
PRESS_AGAIN = "press the page's button again (or start cfy-migrate again later: it resumes)"

#: the Connect page's field for each manager setting
FIELDS = {
    "url": "Address",
    "user": "User",
    "tenant": "Tenant",
    "ca_cert": "CA bundle",
    "profile": "cfy profile",
    "password_file": "Password",
    "protocol": "Address (http:// or https://)",
}
FIELD_FLAG = r"--(old|new)(?:-(user|tenant|ca-cert|profile|password-file|protocol))?\b(?!/)"

#: whole phrases first (they read better than flag by flag), in order
PHRASES: tuple[tuple[str, str], ...] = (
    # a headless-only aside: the wizard has its own way (a dialog, a field)
    (r"\s*\(headless: [^()]*(?:\([^()]*\)[^()]*)*\)", ""),
    (
        r"Set CFY_MIGRATE_(OLD|NEW)_PASSWORD, pass --\w+-password-file FILE \(mode 0600\), or run from a "
        r"terminal to be prompted\. Passwords are never accepted on the command line\.",
        "Type it in that manager's Password field.",
    ),
    (
        r"give the user with --old-user/--new-user and the password at the prompt, in "
        r"CFY_MIGRATE_OLD_PASSWORD/CFY_MIGRATE_NEW_PASSWORD or in a password file",
        "type the user in the User field and the password in the Password field",
    ),
    (r"the password \(CFY_MIGRATE_\w+_PASSWORD, --\w+-password-file or the prompt\)", "the Password field"),
    (
        r"use the environment variable CFY_MIGRATE_\w+ or the prompt instead",
        "type the password in the Password field",
    ),
    (r"\(--old-ca-cert/--new-ca-cert, or the wizard's CA bundle field\)", "(in the CA bundle field)"),
    (
        r"with its CA certificate \(--old-ca-cert/--new-ca-cert\)",
        "with its CA certificate in the CA bundle field",
    ),
    # a restore in the wizard takes the lost manager's address from its archive only
    (r"Give the old manager's address as it was with --old https://IP, or waive", "Waive"),
    (
        r"[Rr]un again with --repair-community-archive",
        "Tick “Repair a community archive (7.x)” on the Connect page",
    ),
    (
        r"add --repair-community-archive to `cfy-migrate restore`",
        "tick “Repair a community archive (7.x)” when you restore it (Connect page)",
    ),
    (r"--repair-community-archive", "“Repair a community archive (7.x)” (Connect page)"),
    (
        r"Give it with --archive FILE(?: \(a snapshot \.zip\))?\.?",
        "Type its path in the Archive field (Connect page).",
    ),
    (r"Check the --archive path", "Check the Archive field's path"),
    (r"Give one with --backup-dir DIR\.?", "Type one in the Backup Directory field (Connect page)."),
    (r"e\.g\. --keep (\d+)", r"e.g. \1 in the Keep newest field"),
    (r"\(--keep (\d+)\)", r"(Keep newest \1)"),
    (r"--insecure disables verification", "“Skip TLS verification” disables it"),
    (
        r"check the --old-tenant/--new-tenant and --old-user/--new-user values",
        "check the Tenant and User fields",
    ),
    (
        r"Give the same --old and --new as that migration, or start a new one with --fresh\.",
        f"Type the same addresses as that migration, or {NEW_MIGRATION}.",
    ),
    (r"\(--fresh starts a new migration\)", "(quit and start cfy-migrate --fresh for a new one)"),
    (r"\(run again with --fresh\)", "(quit and start cfy-migrate --fresh)"),
    (r"(?:[Rr]un|[Ss]tart) again with --fresh", NEW_MIGRATION),
    (r"start a new one with --fresh", NEW_MIGRATION),
    (r"name the migration to continue with --migration-id", "choose it when the wizard offers to resume"),
    (
        r"Check --migration-id and --state-dir \(`cfy-migrate report` lists the migrations\)",
        "Check the state directory the wizard was started with (--state-dir)",
    ),
    (r"[Rr]un again with --retry-failed-agents", "press “Retry failed” (r) on the Agents page"),
    (r"[Ww]aive (?:it )?with --waive ([a-z]+\.[\w.-]+)", r"waive \1 (select it, then press w)"),
    (r"--waive ([a-z]+\.[\w.-]+)", r"waive \1 (select it, then press w)"),
    (r"--waive needs a check id", "A waiver (`waive` in the configuration file) needs a check id"),
    (r"as `cfy-migrate check` shows it", "as the Preflight page shows it"),
    (r"and needs --yes", "and needs your confirmation"),
    (
        r"e\.g\. --agent-manager-ip (\S+?)\.?$",
        r"e.g. `agents.manager_ip = \"\1\"` in the configuration file (--config).",
    ),
    (r"(?:[Cc]hoose another|use) (?:one )?with --state-dir", "start the wizard with another --state-dir"),
    (r"use --state-dir", "start the wizard with --state-dir"),
    (
        r"[Rr]un the same command again to resume where it stopped",
        "press the page's button again to go on from where it stopped (or start cfy-migrate again later)",
    ),
    (r"[Rr]un the same command again", PRESS_AGAIN),
    (r"\b[Rr]un again\b", "press the button again"),
    (r"\bwith --old/--new\b", "in the Address fields"),
    (r"\bwith --(" + FIELD_FLAG[2:] + ")", r"in --\1"),
)


def _flag(match: re.Match[str]) -> str:
    """One flag: a field of the Connect page, else its key in the configuration file."""
    name = match.group(1)
    pair = re.fullmatch(r"(old|new)(?:-([a-z-]+))?", name)
    if pair:
        label, rest = pair.group(1), (pair.group(2) or "url").replace("-", "_")
        if rest in FIELDS:
            return f"the {label} manager's {FIELDS[rest]} field"
    if name == "insecure":
        return "“Skip TLS verification”"
    attr = name.replace("-", "_")
    for key, (_env, flag_attr) in SETTINGS.items():
        if flag_attr == attr:
            return f"`{key}` in the configuration file (--config)"
    return f"--{name}"


def _pair(match: re.Match[str]) -> str:
    """`--old-user/--new-user` -> "the User fields"."""
    rest = (match.group(1) or "url").replace("-", "_")
    return f"the {FIELDS.get(rest, rest)} fields"


def _same_case(replacement: str) -> Callable[[re.Match[str]], str]:
    """A replacement that starts with a capital where the replaced text did."""

    def replace(match: re.Match[str]) -> str:
        text = match.expand(replacement)
        if text and match.group(0)[:1].isupper():
            return text[0].upper() + text[1:]
        return text

    return replace


PHRASE_RULES = tuple((re.compile(pattern), _same_case(replacement)) for pattern, replacement in PHRASES)
FLAG_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"--old(?:-([a-z-]+))?/--new(?:-\1)?\b"), _pair),
    # the wizard's own start options stay: they are how the wizard is started
    (re.compile(r"(?<![\w-])--(?!state-dir|config|fresh)([a-z][a-z-]*[a-z])"), _flag),
)


def in_wizard_words(text: str) -> str:
    """`text` with the command line's advice said the wizard's way (see the module docstring).
    Commands quoted in backticks (`cfy executions list --include-system-workflows`) stay."""
    if "--" not in text and "again" not in text and "CFY_MIGRATE" not in text:
        return text
    for pattern, replacement in PHRASE_RULES:
        text = pattern.sub(replacement, text)
    parts = re.split(r"(`[^`]*`)", text)
    for index in range(0, len(parts), 2):
        for pattern, flag in FLAG_RULES:
            parts[index] = pattern.sub(flag, parts[index])
    return "".join(parts)
