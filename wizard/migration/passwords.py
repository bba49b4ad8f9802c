"""Where passwords come from: a prompt, an environment variable or a password file — never argv,
never the config file, never the journal, logs or reports."""

from __future__ import annotations

import getpass
import os
import stat
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from wizard.migration.errors import ConfigError

PASSWORD_ENV = {"old": "CFY_MIGRATE_OLD_PASSWORD", "new": "CFY_MIGRATE_NEW_PASSWORD"}


def read_password_file(path: Path, label: str) -> str:
    """The first line of a password file, which must exist, be readable, not empty, and be
    readable by its owner only (like ssh keys)."""
    flag = f"--{label}-password-file"
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ConfigError(
            f"The password file {path} ({flag}) does not exist.",
            f"Check the path, or use the environment variable {PASSWORD_ENV[label]} or the prompt instead.",
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"The password file {path} ({flag}) cannot be read: {exc.strerror}.",
            "Check its path and permissions.",
        ) from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"The password file {path} ({flag}) is not a regular file.", "Give a file.")
    if info.st_mode & 0o077:
        raise ConfigError(
            f"The password file {path} ({flag}) can be read by other users "
            f"(mode {stat.S_IMODE(info.st_mode):04o}).",
            f"Restrict it with `chmod 600 {path}` and run again.",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"The password file {path} ({flag}) cannot be read: {exc.strerror}.",
            "Check its permissions (the owner must be able to read it).",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"The password file {path} ({flag}) is not UTF-8 text.",
            "Put the password alone on the first line.",
        ) from None
    first = text.splitlines()[0] if text.splitlines() else ""
    if not first:
        raise ConfigError(
            f"The password file {path} ({flag}) is empty.", "Put the password alone on its first line."
        )
    return first


def resolve_password(
    label: str,
    *,
    password_file: Path | None,
    env: Mapping[str, str],
    profile_password: str | None,
    who: str,
    interactive: bool | None = None,
    prompt: Callable[[str], str] | None = None,
) -> str:
    """Pick the password for the `label` manager: password file > environment > cfy profile >
    prompt (only on a terminal). Raises ConfigError naming the three ways when none applies."""
    if password_file is not None:
        return read_password_file(password_file, label)
    from_env = env.get(PASSWORD_ENV[label])
    if from_env:
        return from_env
    if profile_password:
        return profile_password
    if interactive is None:
        interactive = sys.stdin.isatty()
    if interactive:
        ask = prompt or getpass.getpass
        try:
            answer = ask(f"Password for {who} on the {label} manager: ")
        except (EOFError, KeyboardInterrupt):
            answer = ""
        if answer:
            return answer
    raise ConfigError(
        f"No password for the {label} manager.",
        f"Set {PASSWORD_ENV[label]}, pass --{label}-password-file FILE (mode 0600), "
        "or run from a terminal to be prompted. Passwords are never accepted on the command line.",
    )


def is_private_file(path: Path) -> bool:
    """True when only the owner may read or write `path` (used by tests and checks)."""
    return not (os.stat(path).st_mode & 0o077)
