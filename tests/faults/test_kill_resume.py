"""The wizard killed (SIGKILL) at each step boundary and in the middle of every long step, then
started again: it resumes from its journal and finishes, with no second snapshot, no second
restore and no duplicate install_new_agents. Ctrl-C (SIGINT) stops at a checkpoint and a second
run finishes."""

from __future__ import annotations

import json
import signal
import time

import pytest

from tests.faults.conftest import Pair, PairFactory, assert_migrated_once, kill_when, scrub, workflow_counts

# Failpoints of wizard/migration (CFY_MIGRATE_FAILPOINT): step boundaries are journal writes
# (each step start/finish is one), the rest sit inside the long steps.
FAILPOINTS = [
    "journal.after-write@1",  # migration created, nothing else done
    "journal.after-write@3",  # around the old preflight boundary
    "snapshot.before-put",  # about to ask for the snapshot
    "snapshot.after-put",  # snapshot requested, not recorded as done (creating on the old manager)
    "download.after-first-chunk",  # in the middle of the download
    "journal.before-write@8",  # a step boundary with the journal not yet written
    "upload.before",
    "upload.after",  # archive uploaded, journal not yet told
    "restore.before-post",
    "restore.after-post",  # restore started on the new manager, not yet recorded
    "agents.before-post",
    "agents.after-post",  # the first install_new_agents started, not yet recorded
    "agents.after-post@3",  # several agents executions started
]


@pytest.mark.parametrize("point", FAILPOINTS)
def test_sigkill_at_failpoint_then_resume(pair: Pair, point: str) -> None:
    first = pair.run("--yes", env={"CFY_MIGRATE_FAILPOINT": point})
    assert first.returncode == -signal.SIGKILL, f"failpoint {point} never fired\n{first.explain()}"
    second = pair.run("--yes")
    assert "Resuming migration" in second.stderr, second.explain()
    assert_migrated_once(pair, second)


def _journal_step(pair: Pair, step: str) -> str | None:
    paths = pair.journals()
    if not paths:
        return None
    try:
        data = json.loads(paths[0].read_text())
    except (OSError, ValueError):
        return None
    rec = data.get("steps", {}).get(step)
    return None if rec is None else str(rec.get("status"))


@pytest.mark.slow
def test_sigkill_in_the_middle_of_the_upload(make_pair: PairFactory) -> None:
    pair = make_pair()
    # hold the upload's answer for a while: the client is mid-stream when it is killed
    pair.new.set_faults("delay:seconds=1.5,path=/archive,method=PUT,times=1")
    proc = pair.popen("--yes")

    def uploading() -> bool:
        if _journal_step(pair, "upload") != "running":
            return False
        time.sleep(0.4)  # well into the held-back upload
        return True

    assert kill_when(proc, uploading)
    pair.new.clear_faults()
    assert_migrated_once(pair, pair.run("--yes"))


def test_sigkill_while_the_restore_runs(pair: Pair) -> None:
    proc = pair.popen("--yes")
    assert kill_when(proc, lambda: len(pair.new.state()["restore_history"]) > 0)
    assert_migrated_once(pair, pair.run("--yes"))


def test_sigkill_while_agents_install(pair: Pair) -> None:
    proc = pair.popen("--yes")
    assert kill_when(proc, lambda: bool(workflow_counts(pair.new, "install_new_agents")))
    assert_migrated_once(pair, pair.run("--yes"))


@pytest.mark.parametrize("moment", ["download", "restore", "install_agents"])
def test_ctrl_c_leaves_a_consistent_journal_and_resumes(make_pair: PairFactory, moment: str) -> None:
    pair = make_pair(old={"snapshot_size": 3_000_000})
    if moment == "download":
        pair.old.set_faults("delay:seconds=0.05,path=/archive")
    proc = pair.popen("--yes")
    deadline = time.monotonic() + 30
    while _journal_step(pair, moment) != "running":
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode in (130, 0), f"rc={proc.returncode}\n{out}\n{err}"
    journal = pair.journal()  # parses: consistent
    if proc.returncode == 130 and moment == "restore" and journal["restore"]["execution_id"]:
        # a restore in flight is never "cancelled": the run only stops following it
        assert journal["steps"]["restore"]["status"] == "detached", journal["steps"]
        assert journal["restore"]["detached_at"] and journal["restore"]["execution_id"]
        said = scrub(out + err)
        assert "keeps running on the new manager" in said and "not restored twice" in said, out + err
    elif proc.returncode == 130:
        assert "interrupted" in json.dumps(journal).lower() or any(
            s["status"] in {"interrupted", "cancelled", "pending", "running"}
            for s in journal["steps"].values()
        )
        said = scrub(out + err)
        assert "interrupted" in said and ("again" in said or "resume" in said), out + err
    pair.old.clear_faults()
    assert_migrated_once(pair, pair.run("--yes"))
