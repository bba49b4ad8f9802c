"""Waves for install_new_agents: one deployment per blueprint first (the canaries), then the rest
in waves at the configured concurrency. A wave whose failure rate passes agents.max_failure_rate
stops the step and asks a person (headless: the run stops with exit 3 naming how to go on), so a
systematic failure — an unreachable network, a wrong manager_ip — costs a few deployments, not
thousands.

The waves are assigned once, with the plan, and journaled on each deployment's record; a resume
continues the same wave and never posts a start twice (the intents stay journaled per deployment).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wizard.migration.state import AgentRecord

CANARIES = 0
#: deployments in one wave after the canaries, per unit of concurrency
WAVE_PER_SLOT = 10
#: statuses that count in a wave's failure rate
RAN = frozenset({"succeeded", "failed"})


def wave_size(concurrency: int) -> int:
    """Deployments in a wave after the canaries (at least 20)."""
    return max(20, concurrency * WAVE_PER_SLOT)


def assign_waves(records: Sequence[AgentRecord], concurrency: int) -> None:
    """Wave 0: the first deployment of each (tenant, blueprint); then waves of `wave_size`."""
    seen: set[tuple[str, str]] = set()
    rest: list[AgentRecord] = []
    for rec in records:
        key = (rec.tenant, rec.blueprint or rec.deployment)
        if key in seen:
            rest.append(rec)
        else:
            seen.add(key)
            rec.wave = CANARIES
    size = wave_size(concurrency)
    for index, rec in enumerate(rest):
        rec.wave = 1 + index // size


def wave_label(wave: int) -> str:
    """'the canaries (one deployment per blueprint)' or 'wave 3'."""
    return "the canaries (one deployment per blueprint)" if wave == CANARIES else f"wave {wave}"


@dataclass(frozen=True)
class WaveResult:
    """How one wave ended: how many ran (succeeded or failed), how many failed, what remains."""

    wave: int
    ran: int
    failed: int
    remaining: int
    threshold: float

    @property
    def rate(self) -> float:
        """Failed / ran (0 when none ran)."""
        return self.failed / self.ran if self.ran else 0.0

    @property
    def too_many(self) -> bool:
        """The failure rate passes the threshold."""
        return self.failed > 0 and self.rate > self.threshold

    def describe(self) -> str:
        """e.g. 'the canaries (one deployment per blueprint): 2 of 3 failed (67% > 50%)'."""
        return (
            f"{wave_label(self.wave)}: {self.failed} of {self.ran} failed "
            f"({self.rate:.0%} > {self.threshold:.0%}); {self.remaining} deployments not started yet"
        )


def wave_result(records: Iterable[AgentRecord], wave: int, threshold: float) -> WaveResult:
    """The result of `wave` among `records` (the later waves' pending ones are `remaining`)."""
    items = list(records)
    members = [r for r in items if r.wave == wave]
    ran = [r for r in members if r.status in RAN]
    remaining = sum(1 for r in items if r.wave > wave and r.status == "pending")
    return WaveResult(wave, len(ran), sum(1 for r in ran if r.status == "failed"), remaining, threshold)
