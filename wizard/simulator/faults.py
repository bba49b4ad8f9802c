"""Fault injection: broken downloads, 5xx answers, slow responses, failing executions, longer outages.

SPEC syntax (``--faults SPEC``, ``POST /_sim/faults`` with a JSON string/``{"spec": ...}``, or
``SimulatorConfig.faults``): rules separated by ``;``, each ``KIND[:key=value,key=value...]``.

  drop_download:after=BYTES[,times=K][,path=SUBSTR]
      close the connection after BYTES bytes of a snapshot archive download (the first K
      downloads only; default every one).
  http_error:path=SUBSTR[,method=GET][,status=503][,nth=N][,count=M]
      answer STATUS (500 = the JSON internal_server_error, others an nginx HTML page) to the
      Nth request (1-based, default 1) whose path contains SUBSTR, and to the M-1 matching
      requests after it (default M=1; M=0 means every one from the Nth on).
  delay:seconds=S[,path=SUBSTR][,method=M][,times=K]
      sleep S real seconds before answering each matching request (first K only if given).
  fail_execution:workflow=WF[,deployment=DEP][,message=TEXT][,times=K]
      make matching executions fail with TEXT (default "Simulated failure"); DEP omitted means
      any deployment.
  restore_outage:seconds=S
      make the REST outage of a legacy restore last S base seconds (scaled like --restore-outage).
  fail_upload:after=BYTES[,times=K][,path=SUBSTR]
      read BYTES bytes of a snapshot upload, then drop the connection.
  after_snapshot:action=install|deploy|upload,deployment=NAME[,tenant=T]
      once, right after the next snapshot is created, change the manager as a person would
      (start install on NAME, create deployment NAME, upload blueprint NAME; api_changes.py).

The JSON form may also be a list of rule objects: ``[{"kind": "delay", "seconds": 0.5}, ...]``
or ``{"rules": [...]}``. Setting faults replaces all earlier ones; DELETE /_sim/faults clears them.
"""

from __future__ import annotations

import json
import threading
from typing import Any

KINDS = {
    "drop_download": {"after", "times", "path"},
    "http_error": {"path", "method", "status", "nth", "count"},
    "delay": {"seconds", "path", "method", "times"},
    "fail_execution": {"workflow", "deployment", "message", "times"},
    "restore_outage": {"seconds"},
    "fail_upload": {"after", "times", "path"},
    "after_snapshot": {"action", "deployment", "tenant"},
}
_INTS = {"after", "times", "status", "nth", "count"}
_FLOATS = {"seconds"}


def parse_spec(spec: str | dict[str, Any] | list[Any] | None) -> list[dict[str, Any]]:
    """Turn a SPEC string or its JSON form into validated rule dicts; raises ValueError."""
    if spec is None:
        return []
    if isinstance(spec, dict):
        if "spec" in spec:
            return parse_spec(spec["spec"])
        if "rules" in spec:
            return parse_spec(spec["rules"])
        return parse_spec([spec])
    if isinstance(spec, list):
        return [_check(dict(rule)) for rule in spec]
    text = spec.strip()
    if text.startswith(("[", "{", '"')):
        return parse_spec(json.loads(text))
    rules = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        kind, _, rest = part.partition(":")
        rule: dict[str, Any] = {"kind": kind.strip()}
        for item in rest.split(","):
            if not item.strip():
                continue
            key, sep, value = item.partition("=")
            if not sep:
                raise ValueError(f"fault {kind!r}: expected key=value, got {item!r}")
            rule[key.strip()] = value.strip()
        rules.append(_check(rule))
    return rules


def _check(rule: dict[str, Any]) -> dict[str, Any]:
    kind = rule.get("kind")
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    for key in list(rule):
        if key == "kind":
            continue
        if key not in KINDS[kind]:
            raise ValueError(
                f"fault {kind!r} has no parameter {key!r} (allowed: {', '.join(sorted(KINDS[kind]))})"
            )
        try:
            if key in _INTS:
                rule[key] = int(rule[key])
            elif key in _FLOATS:
                rule[key] = float(rule[key])
            else:
                rule[key] = str(rule[key])
        except (TypeError, ValueError):
            raise ValueError(f"fault {kind!r}: {key}={rule[key]!r} is not a number") from None
    required = {
        "drop_download": "after",
        "http_error": "path",
        "delay": "seconds",
        "fail_execution": "workflow",
        "restore_outage": "seconds",
        "fail_upload": "after",
        "after_snapshot": "action",
    }[kind]
    if required not in rule:
        raise ValueError(f"fault {kind!r} needs {required}=")
    rule["_hits"] = 0
    rule["_fired"] = 0
    return rule


class FaultSet:
    """The active fault rules and their counters (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[dict[str, Any]] = []

    def replace(self, spec: str | dict[str, Any] | list[Any] | None) -> None:
        """Replace every rule (raises ValueError on a bad spec, leaving the old rules)."""
        rules = parse_spec(spec)
        with self._lock:
            self._rules = rules

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules = []

    def describe(self) -> list[dict[str, Any]]:
        """The rules with their hit counters, for /_sim/state."""
        with self._lock:
            return [{k.lstrip("_"): v for k, v in r.items()} for r in self._rules]

    def _take(self, rule: dict[str, Any]) -> bool:
        times = rule.get("times")
        if times is not None and rule["_fired"] >= times:
            return False
        rule["_fired"] += 1
        return True

    def _path_ok(self, rule: dict[str, Any], method: str, path: str) -> bool:
        if "path" in rule and rule["path"] not in path:
            return False
        return not ("method" in rule and rule["method"].upper() != method.upper())

    def download_limit(self, path: str) -> int | None:
        """Bytes after which this archive download must be cut, or None."""
        with self._lock:
            for rule in self._rules:
                if rule["kind"] == "drop_download" and self._path_ok(rule, "GET", path) and self._take(rule):
                    return int(rule["after"])
        return None

    def upload_limit(self, path: str) -> int | None:
        """Bytes after which this upload must be cut, or None."""
        with self._lock:
            for rule in self._rules:
                if rule["kind"] == "fail_upload" and self._path_ok(rule, "PUT", path) and self._take(rule):
                    return int(rule["after"])
        return None

    def http_error(self, method: str, path: str) -> int | None:
        """The status to answer this request with instead of the real answer, or None."""
        with self._lock:
            for rule in self._rules:
                if rule["kind"] != "http_error" or not self._path_ok(rule, method, path):
                    continue
                rule["_hits"] += 1
                nth = rule.get("nth", 1)
                count = rule.get("count", 1)
                hit = rule["_hits"]
                if hit >= nth and (count == 0 or hit < nth + count):
                    rule["_fired"] += 1
                    return int(rule.get("status", 503))
        return None

    def delay(self, method: str, path: str) -> float:
        """Seconds to sleep before answering this request."""
        total = 0.0
        with self._lock:
            for rule in self._rules:
                if rule["kind"] == "delay" and self._path_ok(rule, method, path) and self._take(rule):
                    total += float(rule["seconds"])
        return total

    def execution_failure(self, workflow: str, deployment: str | None) -> str | None:
        """The failure message for this execution if a rule says it must fail."""
        with self._lock:
            for rule in self._rules:
                if rule["kind"] != "fail_execution" or rule["workflow"] != workflow:
                    continue
                if "deployment" in rule and rule["deployment"] != deployment:
                    continue
                if self._take(rule):
                    return str(rule.get("message", "Simulated failure"))
        return None

    def after_snapshot(self) -> list[dict[str, Any]]:
        """The after_snapshot rules not fired yet (each fires once)."""
        with self._lock:
            due = [r for r in self._rules if r["kind"] == "after_snapshot" and not r["_fired"]]
            for rule in due:
                rule["_fired"] = 1
            return [{k: v for k, v in r.items() if not k.startswith("_")} for r in due]

    def restore_outage(self) -> float | None:
        """The restore outage length override (base seconds), or None."""
        with self._lock:
            for rule in self._rules:
                if rule["kind"] == "restore_outage":
                    return float(rule["seconds"])
        return None
