"""The one set of formatting helpers, for the wizard's screens and the headless output alike:
bytes, durations, plurals, and a transfer meter that turns progress events into speed and ETA."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


def human_bytes(n: float) -> str:
    """1536 -> '1.5 KiB' (binary units, like `ls -h`)."""
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"  # pragma: no cover - the loop always returns


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 warning', '2 warnings', '1 tenant', '0 failures'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def human_duration(seconds: float) -> str:
    """75 -> '1:15', 3725 -> '1:02:05'."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass
class TransferMeter:
    """Speed and ETA from (time, bytes) samples; time comes from the events, not a clock, so the
    same events always draw the same line (deterministic screenshots)."""

    window: int = 8
    samples: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=8))

    def add(self, at: float, done: float) -> None:
        """Record that `done` units were transferred at time `at` (a restart resets the window)."""
        if self.samples and done < self.samples[-1][1]:
            self.samples.clear()
        self.samples.append((at, done))

    @property
    def speed(self) -> float | None:
        """Units per second over the window, or None before two samples."""
        if len(self.samples) < 2:
            return None
        (t0, d0), (t1, d1) = self.samples[0], self.samples[-1]
        if t1 <= t0:
            return None
        return (d1 - d0) / (t1 - t0)

    def eta(self, total: float) -> float | None:
        """Seconds left at the current speed, or None when unknown."""
        speed = self.speed
        if not speed or speed <= 0 or total <= 0 or not self.samples:
            return None
        return max(0.0, (total - self.samples[-1][1]) / speed)

    def line(self, done: float, total: float, unit: str) -> str:
        """'12.0 MiB of 48.0 MiB · 4.0 MiB/s · ETA 0:09' (bytes) or '3 of 8 items'."""
        if unit != "bytes":
            of = f" of {total:.0f}" if total else ""
            return f"{done:.0f}{of} {unit}".strip()
        parts = [f"{human_bytes(done)} of {human_bytes(total)}" if total else human_bytes(done)]
        speed = self.speed
        if speed is not None:
            parts.append(f"{human_bytes(speed)}/s")
        eta = self.eta(total)
        if eta is not None and done < total:
            parts.append(f"ETA {human_duration(eta)}")
        return " · ".join(parts)
