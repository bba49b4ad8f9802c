"""The journal: typed records, atomic private writes, free text scrubbed of secrets, no field that
could hold a password, corrupt files explained, schema 1 read, listing for resume."""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path

import pytest

from wizard.migration.errors import ConfigError, JournalError
from wizard.migration.secrets import Secrets
from wizard.migration.state import (
    AgentRecord,
    Journal,
    MigrationState,
    find_resumable,
    list_migrations,
)
from wizard.migration.steps import StepId
from wizard.migration.storage import private_dir


def make(tmp_path: Path, mid: str = "m1") -> Journal:
    return Journal.create(tmp_path, mid, "https://old:443", "https://new:443", {"x": 1})


def test_created_private_and_atomic(tmp_path: Path) -> None:
    j = make(tmp_path)
    assert stat.S_IMODE(j.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(j.directory.stat().st_mode) == 0o700
    j.start_step(StepId.CREATE_SNAPSHOT)
    j.state.snapshot.id = "cfy-migrate-1"
    j.state.agents.deployments["t/d"] = AgentRecord("t", "d", "running", execution_id="e1")
    j.save()
    assert not list(j.directory.glob(".journal.json.tmp-*"))
    again = Journal.load(j.path)
    assert again.state.snapshot.id == "cfy-migrate-1"
    assert again.state.step_status(StepId.CREATE_SNAPSHOT) == "running"
    assert again.state.agents.deployments["t/d"].execution_id == "e1"
    assert again.archive_path().name == "cfy-migrate-1.zip"
    assert again.part_path().name == "cfy-migrate-1.zip.part"


@pytest.mark.parametrize("password", ["password", "terminated", "default", "snapshot", "admin123"])
def test_common_words_as_passwords_never_break_a_save(tmp_path: Path, password: str) -> None:
    """The old guard refused any journal whose text contained the password (issue 14): these are
    words Cloudify's own JSON is full of. Free text is scrubbed; structured values are kept."""
    j = make(tmp_path)
    secrets = Secrets()
    secrets.add(password, public=("admin", "default_tenant"))
    j.scrub = secrets.scrub
    j.state.snapshot.id = "cfy-migrate-1"
    j.finish_step(StepId.RESTORE, "failed", f"the manager said: bad {password} given")
    text = j.path.read_text()
    assert f"bad {password} given" not in text and "bad *** given" in text
    assert Journal.load(j.path).state.snapshot.id == "cfy-migrate-1"


def test_no_record_has_a_field_that_could_hold_a_password() -> None:
    def fields(cls: type) -> set[str]:
        out: set[str] = set()
        for f in dataclasses.fields(cls):
            out.add(f.name)
            if isinstance(f.type, str) and f.type in {"SnapshotRecord", "ArchiveRecord"}:
                continue
        return out

    names: set[str] = set()
    state = MigrationState("m", "a", "b")
    for f in dataclasses.fields(state):
        value = getattr(state, f.name)
        names.add(f.name)
        if dataclasses.is_dataclass(value):
            names |= fields(type(value))
    assert not {n for n in names if any(w in n for w in ("password", "secret", "token"))}


def test_schema_1_journals_are_read(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    path.write_text(
        json.dumps(
            {
                "schema_version": 1,
                "migration_id": "m1",
                "old_url": "o",
                "new_url": "n",
                "steps": {"download": {"status": "done"}},
                "snapshot": {"id": "s1", "sha256": "ab" * 32, "size": 10, "file": "s1.zip"},
                "archive": {"format": "legacy", "snapshot_version": "6.4.2"},
                "agents": {"deployments": {"t/d": {"tenant": "t", "deployment": "d", "status": "succeeded"}}},
            }
        )
    )
    state = Journal.load(path).state
    assert state.archive.sha256 == "ab" * 32 and state.archive.size == 10 and state.archive.legacy
    assert state.archive.inspected_sha256 == state.archive.sha256
    assert state.agents.deployments["t/d"].status == "succeeded"
    assert state.is_done(StepId.DOWNLOAD)


@pytest.mark.parametrize("content", ["{not json", "[]", json.dumps({"schema_version": 99, "steps": {}})])
def test_corrupt_journal_names_the_file_and_the_fix(tmp_path: Path, content: str) -> None:
    j = make(tmp_path)
    j.path.write_text(content)
    with pytest.raises(JournalError) as info:
        Journal.load(j.path)
    assert str(j.path) in info.value.full_text() and "mv " in info.value.full_text()


def test_an_existing_shared_directory_is_refused_not_chmodded(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    with pytest.raises(ConfigError) as info:
        private_dir(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert "--state-dir" in info.value.remediation
    created = private_dir(tmp_path / "new" / "deeper")
    assert stat.S_IMODE(created.stat().st_mode) == 0o700


def test_list_and_find_resumable(tmp_path: Path) -> None:
    a = make(tmp_path, "a")
    b = make(tmp_path, "b")
    b.finish_step(StepId.PREFLIGHT_OLD, "done")
    b.mark_finished(0)
    (tmp_path / "migrations" / "c").mkdir()
    (tmp_path / "migrations" / "c" / "journal.json").write_text("garbage")
    found = {m.id: m for m in list_migrations(tmp_path)}
    assert found["b"].finished and found["b"].last_step == "preflight_old"
    assert found["a"].options == {"x": 1}
    assert found["c"].error
    # the corrupt journal could be this pair's unfinished migration: no silent fresh start
    with pytest.raises(JournalError) as info_error:
        find_resumable(tmp_path, "https://old:443", "https://new:443")
    assert "corrupt" in str(info_error.value) and "--fresh" in info_error.value.remediation
    (tmp_path / "migrations" / "c" / "journal.json").rename(tmp_path / "migrations" / "c" / "moved.corrupt")
    info = find_resumable(tmp_path, "https://old:443", "https://new:443")
    assert info is not None and info.id == a.migration_id
    assert find_resumable(tmp_path, "https://old:443", "https://other:443") is None
