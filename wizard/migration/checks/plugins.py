"""pair.plugins: can the new manager run the old manager's plugins?

A restore carries every uploaded wagon over as it is. The new manager's mgmtworker installs a
plugin with a Python the wagon supports, or else its own Python
(cloudify-common cloudify/plugin_installer.py::_PythonExecutables.version_for_plugin): a Python 2
wagon on a Python 3 manager installs and then fails, so migrated deployments break at their first
heal, scale or uninstall. The manager's Python comes from its version (packaging/
cloudify-mgmtworker.spec): 2.7 up to 5.0.5, 3.6 on 5.1-6.x, 3.11 (and 3.10 for plugins) on 7.x.
"""

from __future__ import annotations

import re
from typing import Any

from packaging.version import Version

from wizard.migration.checks.facts import ManagerFacts
from wizard.migration.checks.probe import ManagerProbe
from wizard.migration.checks.rules import error_finding
from wizard.migration.findings import Finding, Status

#: plugins named one by one in the finding's text (the report's data lists every one)
SHOWN = 20
PyVersion = tuple[int, int | None]  # (major, minor); minor None: any minor of that major
_WHEEL_TAG = re.compile(r"-(?:py|cp)(\d)(\d*)[-.]")


def manager_pythons(version: Version) -> set[tuple[int, int]]:
    """The Python versions a manager version's mgmtworker can install plugins with."""
    if version >= Version("7.0.0"):
        return {(3, 11), (3, 10)}
    if version >= Version("5.1.0"):
        return {(3, 6)}
    return {(2, 7)}


def parse_py(tag: str) -> PyVersion | None:
    """ "py27" -> (2, 7), "py3" -> (3, None), "py3.10"/"3.10" -> (3, 10), "py310" -> (3, 10)."""
    text = tag.strip().lower().removeprefix("py").removeprefix("cp")
    try:
        if "." in text:
            major, minor = text.split(".", 1)
            return int(major), int(minor)
        if len(text) == 1:
            return int(text), None
        return int(text[0]), int(text[1:])
    except ValueError:
        return None


def wagon_pythons(plugin: dict[str, Any]) -> list[PyVersion]:
    """The Python versions a wagon declares, else the ones its wheels' names carry."""
    found = [v for v in (parse_py(t) for t in plugin.get("supported_py_versions") or []) if v]
    if not found:
        for wheel in plugin.get("wheels") or []:
            m = _WHEEL_TAG.search(str(wheel))
            if m:
                found.append((int(m.group(1)), int(m.group(2)) if m.group(2) else None))
    return found


def pure_python(wheels: list[str]) -> bool:
    """Every wheel is pure Python (abi `none`, platform `any`): it installs under any minor
    version of its major (unknown wheels count as pure)."""
    return all(str(w).endswith("-none-any.whl") for w in wheels)


def fits(wagon: list[PyVersion], manager: set[tuple[int, int]], wheels: list[str]) -> bool:
    """A wagon fits when it declares one of the manager's Pythons, or the same major version with
    pure-Python wheels only (a compiled wheel needs its exact Python)."""
    for major, minor in wagon:
        if minor is None or (major, minor) in manager:
            if any(m == major for m, _ in manager):
                return True
        elif pure_python(wheels) and any(m == major for m, _ in manager):
            return True
    return False


def _label(v: PyVersion) -> str:
    return f"{v[0]}" if v[1] is None else f"{v[0]}.{v[1]}"


def pair_plugins(old: ManagerFacts | None, new: ManagerProbe) -> Finding:
    """pair.plugins: every old wagon, its Python and platform against the new manager's."""
    if old is None or (old.plugins is None and "plugins" not in old.errors):
        return Finding(
            "pair.plugins", Status.SKIP, "Plugins not compared", "The old manager's plugins are unknown."
        )
    if "plugins" in old.errors:
        return error_finding("pair.plugins", "the old manager's plugins", old.errors["plugins"])
    nv = new.parsed_version
    if nv is None:
        return Finding(
            "pair.plugins", Status.SKIP, "Plugins not compared", "The new manager's version is unknown."
        )
    pythons = manager_pythons(nv)
    runs = " and ".join(sorted(f"{a}.{b}" for a, b in pythons))
    dist = new.version.distribution if new.version else ""
    release = new.version.distro_release if new.version else ""
    rows: list[dict[str, Any]] = []
    broken: list[str] = []
    for plugin in old.plugins or []:
        p = plugin.to_json()
        wagon = wagon_pythons(p)
        ok = not wagon or fits(wagon, pythons, list(plugin.wheels))
        built = " ".join(x for x in (plugin.distribution, plugin.distribution_release) if x)
        other_os = bool(
            built
            and dist
            and plugin.supported_platform not in ("any", "")
            and not plugin.supported_platform.startswith("manylinux")
            and (plugin.distribution.lower(), plugin.distribution_release.lower())
            != (dist.lower(), release.lower())
        )
        rows.append({**p, "python_fits": ok, "built_elsewhere": other_os})
        if not ok:
            py = "/".join(_label(v) for v in wagon)
            where = f", {plugin.supported_platform}" + (f" {built}" if built else "")
            broken.append(
                f"{plugin.package_name} {plugin.package_version} ({plugin.tenant_name or '?'}): "
                f"Python {py}{where}"
            )
    data = {"new_python": sorted(f"{a}.{b}" for a, b in pythons), "plugins": rows}
    if broken:
        return Finding(
            "pair.plugins",
            Status.WARN,
            f"{len(broken)} of {len(rows)} plugins have no wagon for the new manager's Python {runs}",
            "; ".join(broken[:SHOWN])
            + (f"; and {len(broken) - SHOWN} more (all in the report)" if len(broken) > SHOWN else "")
            + ". Deployments that use them fail at their first heal, scale or uninstall after the migration.",
            "After the migration upload these plugins built for Python 3 (`cfy plugins upload <wagon> -y "
            "plugin.yaml`, e.g. from the Cloudify plugins bundle) and move the deployments to them "
            "(`cfy plugins update <blueprint>`), before anyone heals, scales or uninstalls.",
            data=data,
        )
    others = sum(1 for r in rows if r["built_elsewhere"])
    note = f" {others} were built on another OS than the new manager's ({dist} {release})." if others else ""
    return Finding(
        "pair.plugins",
        Status.PASS,
        f"{len(rows)} plugins fit the new manager's Python {runs}",
        (f"{len(rows)} wagons checked." if rows else "The old manager has no plugins.") + note,
        data=data,
    )
