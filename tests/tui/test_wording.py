"""The engine's advice in the wizard's words: no engine text the wizard can show keeps a
command-line flag, an environment variable for a password, or "run the same command again"."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from wizard.tui.wording import in_wizard_words

ROOT = Path(__file__).resolve().parents[2]
#: headless-only modules: their texts never reach the wizard
HEADLESS = {"cli_args.py", "console.py", "settings.py", "decider.py", "failpoints.py", "transport.py"}
#: what the wizard may still name: the options it is started with, and commands quoted in backticks
LEFT_OVER = re.compile(
    r"(?<![\w-])--(?!state-dir\b|config\b|fresh\b)[a-z]"
    r"|same command|CFY_MIGRATE_\w*PASSWORD|\b[Rr]un again\b|headless"
)
CLI_WORDS = re.compile(r"--[a-z]|same command|CFY_MIGRATE_\w*PASSWORD|[Rr]un again|headless")


def _placeholder(node: ast.expr) -> str:
    source = ast.unparse(node)
    if "PASSWORD_ENV" in source:
        return "CFY_MIGRATE_OLD_PASSWORD"
    if "label" in source:
        return "OLD" if "upper()" in source else "old"
    return "new.clean"


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(v.value) if isinstance(v, ast.Constant) else _placeholder(v.value)  # type: ignore[attr-defined]
            for v in node.values
        )
    return None


def _engine_texts() -> list[tuple[str, str]]:
    """Every string the engine and the client build (docstrings and comments aside) that names the
    command line; adjacent literals are joined, f-strings filled with plausible values."""
    found: list[tuple[str, str]] = []
    for root in ("wizard/migration", "wizard/cloudify"):
        for path in sorted((ROOT / root).rglob("*.py")):
            if path.name in HEADLESS:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {
                id(node.body[0].value)
                for node in ast.walk(tree)
                if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                and node.body
                and isinstance(node.body[0], ast.Expr)
            }
            inner = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
            for node in ast.walk(tree):
                if id(node) in docstrings or id(node) in inner:
                    continue
                text = _text(node)
                if text and CLI_WORDS.search(text) and not text.startswith(("--", "CFY_MIGRATE")):
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", text))  # type: ignore[attr-defined]
    return found


TEXTS = _engine_texts()


def test_the_engine_still_has_cli_advice_to_translate() -> None:
    """The scan finds the texts (an empty scan would pass everything below)."""
    assert len(TEXTS) > 40


@pytest.mark.parametrize("where, text", TEXTS, ids=[where for where, _ in TEXTS])
def test_engine_text_in_wizard_words(where: str, text: str) -> None:
    """Each one, as the wizard shows it, names fields, buttons and keys, not flags."""
    shown = in_wizard_words(text)
    outside_quotes = re.sub(r"`[^`]*`", "", shown)
    assert not LEFT_OVER.search(outside_quotes), f"{where}: {shown!r}"


@pytest.mark.parametrize(
    "engine, wizard",
    [
        (
            "Give the new manager's address with --new.",
            "Give the new manager's address in the new manager's Address field.",
        ),
        (
            "No password for the old manager. Set CFY_MIGRATE_OLD_PASSWORD, pass --old-password-file "
            "FILE (mode 0600), or run from a terminal to be prompted. Passwords are never accepted on "
            "the command line.",
            "No password for the old manager. Type it in that manager's Password field.",
        ),
        (
            "Run the same command again to continue the download.",
            "Press the page's button again (or start cfy-migrate again later: it resumes) "
            "to continue the download.",
        ),
        (
            "Confirm the restore to go on (headless: run again with --yes after reading "
            "`cfy-migrate check`); the snapshot and the downloaded archive are kept.",
            "Confirm the restore to go on; the snapshot and the downloaded archive are kept.",
        ),
        (
            "Fix it, or waive it with --waive new.clean if you accept the risk.",
            "Fix it, or waive new.clean (select it, then press w) if you accept the risk.",
        ),
        (
            "check the --old-tenant/--new-tenant and --old-user/--new-user values",
            "check the Tenant and User fields",
        ),
        (
            "Wait, then run again (`cfy executions list --include-system-workflows`).",
            "Wait, then press the button again (`cfy executions list --include-system-workflows`).",
        ),
    ],
)
def test_examples(engine: str, wizard: str) -> None:
    """What the issue quoted, and how it reads now."""
    assert in_wizard_words(engine) == wizard
