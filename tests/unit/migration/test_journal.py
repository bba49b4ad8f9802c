"""The journal: atomic private writes, no secrets, corrupt files explained, listing for resume."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from wizard.migration.errors import JournalError
from wizard.migration.journal import Journal, find_resumable, list_migrations
from wizard.migration.steps import StepId


def make(tmp_path: Path, mid: str = "m1") -> Journal:
    return Journal.create(tmp_path, mid, "https://old:443", "https://new:443", {"x": 1})


def test_created_private_and_atomic(tmp_path: Path) -> None:
    j = make(tmp_path)
    assert stat.S_IMODE(j.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(j.directory.stat().st_mode) == 0o700
    j.start_step(StepId.CREATE_SNAPSHOT)
    j.update("snapshot", id="cfy-migrate-1")
    assert not list(j.directory.glob(".journal.json.tmp-*"))
    again = Journal.load(j.path)
    assert again.section("snapshot")["id"] == "cfy-migrate-1"
    assert again.step_status(StepId.CREATE_SNAPSHOT) == "running"


def test_refuses_to_write_a_secret(tmp_path: Path) -> None:
    j = make(tmp_path)
    j.forbid("hunter22")
    j.section("oops")["password"] = "hunter22"
    with pytest.raises(JournalError):
        j.save()
    assert "hunter22" not in j.path.read_text()


@pytest.mark.parametrize("content", ["{not json", "[]", json.dumps({"schema_version": 99, "steps": {}})])
def test_corrupt_journal_names_the_file_and_the_fix(tmp_path: Path, content: str) -> None:
    j = make(tmp_path)
    j.path.write_text(content)
    with pytest.raises(JournalError) as info:
        Journal.load(j.path)
    assert str(j.path) in info.value.full_text() and "mv " in info.value.full_text()


def test_list_and_find_resumable(tmp_path: Path) -> None:
    a = make(tmp_path, "a")
    b = make(tmp_path, "b")
    b.finish_step(StepId.PREFLIGHT_OLD, "done")
    b.mark_finished(0)
    (tmp_path / "migrations" / "c").mkdir()
    (tmp_path / "migrations" / "c" / "journal.json").write_text("garbage")
    found = {m.id: m for m in list_migrations(tmp_path)}
    assert found["b"].finished and found["b"].last_step == "preflight_old"
    assert found["c"].error
    # the corrupt journal could be this pair's unfinished migration: no silent fresh start
    with pytest.raises(JournalError) as info_error:
        find_resumable(tmp_path, "https://old:443", "https://new:443")
    assert "corrupt" in str(info_error.value) and "--fresh" in info_error.value.remediation
    (tmp_path / "migrations" / "c" / "journal.json").rename(tmp_path / "migrations" / "c" / "moved.corrupt")
    info = find_resumable(tmp_path, "https://old:443", "https://new:443")
    assert info is not None and info.id == a.migration_id
    assert find_resumable(tmp_path, "https://old:443", "https://other:443") is None
