"""Shared set-up of the fault matrix: a pair of simulated managers, the real `cfy-migrate` run as a
subprocess (so SIGKILL/SIGINT hit a real process), and readers of what the managers saw.

Every simulator listens on its own 127.0.0.x address; nothing here talks to any other address.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.simulator_fixtures import make_simulator  # noqa: F401  (re-exported fixture)
from wizard.simulator import RunningSimulator

OLD_PASSWORD = "Old-S3cret-Xyz-1"
NEW_PASSWORD = "New-S3cret-Abc-2"
#: Fast timings: a whole 6.4.2 -> 7.0.4 migration takes about two seconds.
FAST: dict[str, Any] = {"time_scale": 0.03, "restore_outage": 3.0, "post_restore_delay": 3.0}
REPO = Path(__file__).resolve().parents[2]


_PATH = re.compile(r"(?<![:/\w])/(?:[\w.@+=-]+/)+[\w.@+=-]*")


def scrub(text: str) -> str:
    """Lower-case `text` and replace absolute file paths with <path>."""
    return _PATH.sub("<path>", text).lower()


@dataclass
class Result:
    """One finished `cfy-migrate` process."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        """stdout and stderr together (what the user saw)."""
        return self.stdout + "\n" + self.stderr

    @property
    def said(self) -> str:
        """The output, lower-cased, with file paths blanked: what keyword checks look at (a test's
        temporary directory is named after the test and would match its own keywords)."""
        return scrub(self.output)

    def explain(self) -> str:
        """For assertion messages."""
        return f"rc={self.returncode}\n--- stdout\n{self.stdout[-4000:]}\n--- stderr\n{self.stderr[-4000:]}"


@dataclass
class Pair:
    """Two simulated managers, a state directory, and a way to run the wizard between them."""

    old: RunningSimulator
    new: RunningSimulator
    state_dir: Path
    env: dict[str, str]
    extra: list[str] = field(default_factory=list)

    def args(self, *more: str, command: str = "run") -> list[str]:
        """`cfy-migrate <command>` argv for this pair (passwords come from the environment)."""
        argv = [command, "--old", self.old.url, "--new", self.new.url, "--state-dir", str(self.state_dir)]
        if command == "run":
            argv += ["--poll-interval", "0.05"]
        return argv + self.extra + list(more)

    def popen(
        self, *more: str, command: str = "run", env: dict[str, str] | None = None
    ) -> subprocess.Popen[str]:
        """Start the wizard without waiting."""
        return subprocess.Popen(
            [sys.executable, "-m", "wizard", *self.args(*more, command=command)],
            cwd=REPO,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(
        self, *more: str, command: str = "run", env: dict[str, str] | None = None, timeout: float = 90
    ) -> Result:
        """Run the wizard to its end."""
        started = time.monotonic()
        proc = self.popen(*more, command=command, env=env)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(
                f"cfy-migrate did not finish in {timeout}s\n{out[-3000:]}\n{err[-3000:]}"
            ) from None
        return Result(
            self.args(*more, command=command), proc.returncode, out, err, time.monotonic() - started
        )

    # -- what the journal says ------------------------------------------------------------------
    def journals(self) -> list[Path]:
        """Every journal in the state directory."""
        return sorted((self.state_dir / "migrations").glob("*/journal.json"))

    def journal(self) -> dict[str, Any]:
        """The only journal (a test that makes several migrations reads journals() instead)."""
        paths = self.journals()
        assert len(paths) == 1, f"expected one migration, found {paths}"
        data: dict[str, Any] = json.loads(paths[0].read_text())
        return data

    def step_status(self) -> dict[str, str]:
        """step -> status from the journal."""
        return {k: str(v.get("status")) for k, v in self.journal().get("steps", {}).items()}


def run_wizard(args: Sequence[str], env: dict[str, str], timeout: float = 60) -> Result:
    """`python -m wizard ARGS` with this environment."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Result(list(args), proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


def base_env() -> dict[str, str]:
    """The (hermetic) environment plus both passwords; no failpoint armed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CFY_MIGRATE_")}
    env["CFY_MIGRATE_OLD_PASSWORD"] = OLD_PASSWORD
    env["CFY_MIGRATE_NEW_PASSWORD"] = NEW_PASSWORD
    env["PYTHONUNBUFFERED"] = "1"
    env["CFY_MIGRATE_PACE"] = "0"  # the simulator has no nginx limit unless a row turns it on
    return env


PairFactory = Callable[..., Pair]


@pytest.fixture
def make_pair(
    make_simulator: Callable[..., RunningSimulator],  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> Iterator[PairFactory]:
    """`make_pair(old={...}, new={...})`: an old 6.4.2 manager with inventory on 127.0.0.2 and a
    clean 7.0.4 one on 127.0.0.3, with the distinctive passwords."""
    count = 0

    def make(old: dict[str, Any] | None = None, new: dict[str, Any] | None = None) -> Pair:
        nonlocal count
        count += 1
        old_cfg = {
            **FAST,
            "profile": "6.4.2",
            "host": "127.0.0.2",
            "admin_password": OLD_PASSWORD,
            "snapshot_size": 600_000,
            "tenants": 2,
            "deployments": 4,
            "installed": 3,
            **(old or {}),
        }
        new_cfg = {
            **FAST,
            "profile": "7.0.4",
            "host": "127.0.0.3",
            "admin_password": NEW_PASSWORD,
            "clean": True,
            **(new or {}),
        }
        old_sim = make_simulator(**old_cfg)
        new_sim = make_simulator(**new_cfg)
        state = tmp_path / f"state{count}"
        return Pair(old_sim, new_sim, state, base_env())

    yield make


@pytest.fixture
def pair(make_pair: PairFactory) -> Pair:
    """The default pair: 6.4.2 with 4 deployments (3 installed) -> clean 7.0.4."""
    return make_pair()


# -- what the managers saw ----------------------------------------------------------------------
def workflow_counts(sim: RunningSimulator, workflow: str) -> Counter[str | None]:
    """deployment (None for system workflows) -> how many executions of `workflow` it has."""
    return Counter(e["deployment_id"] for e in sim.state()["executions"] if e["workflow_id"] == workflow)


def snapshots_created(sim: RunningSimulator) -> int:
    """create_snapshot executions on this manager."""
    return sum(1 for e in sim.state()["executions"] if e["workflow_id"] == "create_snapshot")


def restores(sim: RunningSimulator) -> int:
    """Restores the manager ran."""
    return len(sim.state()["restore_history"])


def installed_deployments(sim: RunningSimulator) -> set[str]:
    """Deployment ids the manager reports installed (active)."""
    out = set()
    for tenant in sim.state()["per_tenant"].values():
        for dep in tenant["deployments"]:
            if dep["installation_status"] == "active":
                out.add(dep["id"])
    return out


def assert_migrated_once(p: Pair, result: Result) -> None:
    """The migration finished, and nothing was done twice: one snapshot, one restore, one
    install_new_agents per installed deployment, and every deployment on the new manager."""
    assert result.returncode == 0, result.explain()
    assert snapshots_created(p.old) == 1, p.old.state()["executions"]
    assert restores(p.new) == 1, p.new.state()["restore_history"]
    agents = workflow_counts(p.new, "install_new_agents")
    wanted = installed_deployments(p.old)
    assert set(agents) == wanted, (agents, wanted)
    assert all(n == 1 for n in agents.values()), f"duplicate install_new_agents: {agents}"
    assert p.new.state()["counts"]["deployments"] == p.old.state()["counts"]["deployments"]
    assert all(s in {"done", "already-done", "skipped"} for s in p.step_status().values()), p.step_status()


def managers_fingerprint(*sims: RunningSimulator) -> list[Any]:
    """What a 'changed nothing' test compares before/after: inventory, executions, snapshots,
    restores, maintenance and the admin password's source (request counters excluded)."""
    out = []
    for sim in sims:
        s = sim.state()
        out.append(
            {
                k: s[k]
                for k in (
                    "per_tenant",
                    "counts",
                    "executions",
                    "snapshots",
                    "restore_history",
                    "maintenance",
                    "admin_password",
                    "users",
                    "tenants",
                )
            }
        )
    return out


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def server_archive(sim: RunningSimulator, snapshot_id: str, tenant: str = "default_tenant") -> Path:
    """The archive file the simulated manager serves for this snapshot."""
    return Path(sim.manager.snapshot_path(tenant, snapshot_id))


def kill_when(proc: subprocess.Popen[str], ready: Callable[[], bool], timeout: float = 30) -> bool:
    """SIGKILL `proc` as soon as `ready()` is true; False when the process ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            return True
        time.sleep(0.01)
    proc.kill()
    proc.communicate()
    raise AssertionError("condition never became true")


@dataclass(frozen=True)
class TlsFiles:
    """A test CA and a server certificate for the loopback addresses the fault tests use."""

    ca: Path
    cert: Path
    key: Path
    other_ca: Path


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    """Made with the openssl command (the `cryptography` package is not installed in the venv)."""
    import shutil

    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed: cannot make a test CA")
    d = tmp_path_factory.mktemp("tls")
    for name in ("ca", "other"):
        _openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem",
            "-days", "2", "-subj", f"/CN=cfy-migrate {name} test CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            cwd=d,
        )  # fmt: skip
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
             "-subj", "/CN=cfy-manager", cwd=d)  # fmt: skip
    sans = ",".join(f"IP:127.0.0.{i}" for i in range(1, 10))
    (d / "ext.cnf").write_text(
        f"subjectAltName={sans}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
    )
    _openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf", cwd=d)  # fmt: skip
    return TlsFiles(d / "ca.pem", d / "server.pem", d / "server.key", d / "other.pem")
