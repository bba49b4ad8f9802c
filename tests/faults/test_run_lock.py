"""One run at a time, and kills at random moments.

Two `cfy-migrate run` for the same managers at once used to give every installed deployment two
install_new_agents (same state dir) or make two snapshots (different state dirs). The second run
now stops at once naming the holder; a lock left by a killed run is taken over. And a run killed
at moments drawn at random (not at failpoints) always resumes to one snapshot, one restore and
one install_new_agents per deployment.
"""

from __future__ import annotations

import random
import signal
import time

from tests.faults.conftest import Pair, PairFactory, assert_migrated_once, snapshots_created


def _wait_for_journal(pair: Pair, proc: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not pair.journals():
        assert time.monotonic() < deadline, "the first run never started"
        time.sleep(0.02)


def test_a_second_run_for_the_same_pair_is_refused_and_names_the_holder(make_pair: PairFactory) -> None:
    pair = make_pair()
    pair.old.set_faults("delay:seconds=2,path=/archive,method=GET,times=1")
    first = pair.popen("--yes")
    _wait_for_journal(pair, first)
    second = pair.run("--yes", timeout=30)
    assert second.returncode == 1, second.explain()
    assert "another cfy-migrate run holds" in second.said and f"pid {first.pid}" in second.said, (
        second.explain()
    )
    out, err = first.communicate(timeout=90)
    assert first.returncode == 0, out + err
    assert snapshots_created(pair.old) == 1


def test_a_second_state_dir_does_not_get_around_the_pair_lock(make_pair: PairFactory, tmp_path) -> None:
    pair = make_pair()
    pair.old.set_faults("delay:seconds=2,path=/archive,method=GET,times=1")
    first = pair.popen("--yes")
    _wait_for_journal(pair, first)
    other = Pair(pair.old, pair.new, tmp_path / "elsewhere", pair.env)
    second = other.run("--yes", timeout=30)
    assert second.returncode == 1 and "the managers" in second.said, second.explain()
    first.communicate(timeout=90)
    assert first.returncode == 0
    assert snapshots_created(pair.old) == 1 and len(pair.new.state()["restore_history"]) == 1


def test_a_lock_left_by_a_killed_run_is_taken_over(pair: Pair) -> None:
    killed = pair.run("--yes", env={"CFY_MIGRATE_FAILPOINT": "restore.after-post"})
    assert killed.returncode == -signal.SIGKILL
    assert_migrated_once(pair, pair.run("--yes"))


def test_kills_at_random_moments_then_resume(make_pair: PairFactory) -> None:
    """Five SIGKILLs at times drawn at random over a whole migration, then a run to the end."""
    rng = random.Random(20261206)
    pair = make_pair(old={"snapshot_size": 2_000_000})
    for _ in range(5):
        proc = pair.popen("--yes")
        time.sleep(rng.uniform(0.05, 1.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    assert_migrated_once(pair, pair.run("--yes"))


def test_check_during_a_running_restore_needs_no_lock(make_pair: PairFactory) -> None:
    """`check` is read-only: while a run follows its restore, it runs (no lock needed) and says
    the new manager was restored by this migration."""
    import json as _json

    pair = make_pair(new={"restore_outage": 60.0})
    first = pair.popen("--yes")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        paths = pair.journals()
        if paths:
            try:
                if _json.loads(paths[0].read_text())["restore"]["execution_id"]:
                    break
            except (OSError, ValueError, KeyError):
                pass
        time.sleep(0.05)
    check = pair.run(command="check")
    assert "another cfy-migrate run holds" not in check.said, check.explain()
    assert "restored by this migration" in check.said, check.explain()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, out[-2000:] + err[-2000:]
