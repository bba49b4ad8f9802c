"""Every blocker stops the migration before anything changes on either manager."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.engine.conftest import Pair, ScriptedDecider, engine_config, manager
from wizard.migration.findings import Status
from wizard.migration.runner import Migration


def _writes(state: dict[str, Any]) -> dict[str, int]:
    return {
        route: n
        for route, n in state["requests"]["by_route"].items()
        if route.split()[0] in {"PUT", "POST", "DELETE", "PATCH"}
    }


def _blocked(pair: Pair, tmp_path: Path, expected_id: str, **overrides: Any) -> None:
    config = engine_config(pair, tmp_path, **overrides)
    migration = Migration(config, on_event=lambda e: None, decider=ScriptedDecider())
    result = migration.run()
    findings = result.outcomes[0].findings
    migration.close()
    assert result.exit_code == 2, result.summary
    assert expected_id in result.summary
    assert any(f.id == expected_id and f.status is Status.FAIL for f in findings)
    old, new = pair.old.state(), pair.new.state()
    assert _writes(old) == {} and _writes(new) == {}
    assert old["snapshots"] == [] and new["restore_history"] == []


def test_dirty_new_manager_blocks(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", new={"clean": False})
    _blocked(pair, tmp_path, "new.clean")


def test_older_new_manager_blocks(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "5.2.7")
    _blocked(pair, tmp_path, "new.version-order")


def test_non_admin_old_user_blocks(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    _blocked(pair, tmp_path, "old.admin", old=manager("old", pair.old.url, "alice", "alice-password"))


def test_same_manager_twice_blocks(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    _blocked(
        pair, tmp_path, "pair.same-manager", new=manager("new", pair.old.url, password="old-admin-secret")
    )


def test_wrong_password_blocks(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    _blocked(pair, tmp_path, "new.auth", new=manager("new", pair.new.url, password="not-it"))


def test_unknown_tenant_blocks(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    from wizard.cloudify.endpoint import Credentials, Endpoint
    from wizard.migration.config import ManagerConfig

    old = ManagerConfig("old", Endpoint.parse(pair.old.url), Credentials("admin", "old-admin-secret", "nope"))
    _blocked(pair, tmp_path, "old.auth", old=old)


def test_unreachable_new_manager_blocks(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    _blocked(pair, tmp_path, "new.reachable", new=manager("new", "http://127.0.0.13:9"))


def test_waived_plugins_do_not_hide_a_dirty_manager(make_pair, tmp_path: Path) -> None:
    pair = make_pair("6.4.2", "7.0.4", new={"clean": False})
    _blocked(pair, tmp_path, "new.clean", waive=["new.plugins-secrets=known"])


@pytest.mark.parametrize("confirm", [False])
def test_restore_is_refused_without_confirmation(make_pair, tmp_path: Path, confirm: bool) -> None:
    pair = make_pair("6.4.2", "7.0.4")
    decider = ScriptedDecider(confirm=confirm)
    result = Migration(engine_config(pair, tmp_path), on_event=lambda e: None, decider=decider).run()
    assert result.exit_code == 2
    assert "not confirmed" in result.summary
    assert pair.new.state()["restore_history"] == []
    assert decider.summaries[0].expected_answer == pair.new.state()["hostname"]
