"""The arrows point one way: tui -> migration -> cloudify; the simulator stands apart."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "wizard"

FORBIDDEN = {
    "cloudify": ("textual", "wizard.tui", "wizard.migration", "wizard.simulator"),
    "migration": ("textual", "wizard.tui", "wizard.simulator"),
    "simulator": ("textual", "wizard.tui", "wizard.migration", "wizard.cloudify"),
    # the TUI talks to the managers only through the engine: no REST client, no simulator
    "tui": (
        "wizard.simulator",
        "wizard.cloudify.client",
        "wizard.cloudify.http",
        "wizard.cloudify.transfer",
        "requests",
        "urllib3",
    ),
}
#: the one module (a package) that reads and writes the journal's JSON
STATE = "wizard.migration.state"


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved against its package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_of(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_forbidden_layers(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"wizard/{package} has no modules"
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[package])
    ]
    assert offenders == []


def test_relative_imports_are_resolved() -> None:
    """A relative import cannot slip past the rules above."""
    probe = ROOT / "tui" / "session.py"
    assert "wizard.migration.runner" in _imports(probe)


def test_only_the_state_package_reads_the_journal_json() -> None:
    """No module outside wizard/migration/state parses or indexes journal.json."""
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if _module_of(path).startswith(STATE):
            continue
        text = path.read_text(encoding="utf-8")
        if "journal.json" in text or ".section(" in text or "journal.data" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
