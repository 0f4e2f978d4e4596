"""When to send each record of a replay.

Three modes: as fast as possible; a fixed rate (``--rate N`` records/s); the original pace
scaled (``--speed F``: a record is due ``(event time - first event time) / F`` after the
start, so F=1 is real time and F=60 plays an hour in a minute).

Every due time is computed from the start on the monotonic clock, never by sleeping
per-record deltas one after another, so a late wake-up or a slow send does not shift the
records after it: drift cannot accumulate. A replay that falls behind sends immediately
until it has caught up. A record with no event time is due with the one before it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class Pacer:
    rate: float | None = None  # records per second
    speed: float | None = None  # original pace times this
    clock: Callable[[], float] = time.monotonic
    start: float | None = field(default=None, init=False)
    first_event: int | None = field(default=None, init=False)
    count: int = field(default=0, init=False)
    last_due: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.rate is not None and self.speed is not None:
            raise ValueError("give a rate or a speed, not both")
        if self.rate is not None and self.rate <= 0:
            raise ValueError("the rate must be more than 0 records/s")
        if self.speed is not None and self.speed <= 0:
            raise ValueError("the speed must be more than 0")

    @property
    def mode(self) -> str:
        if self.rate is not None:
            return f"{self.rate:g} records/s"
        if self.speed is not None:
            return f"original pace x{self.speed:g}"
        return "as fast as possible"

    @property
    def paced(self) -> bool:
        return self.rate is not None or self.speed is not None

    def due(self, event_ms: int | None) -> float:
        """The monotonic time at which this record (the next one in order) is due."""
        now = self.clock()
        if self.start is None:
            self.start = now
        n = self.count
        self.count += 1
        if self.rate is not None:
            due = self.start + n / self.rate
        elif self.speed is not None:
            if event_ms is None:
                due = self.last_due if self.last_due is not None else self.start
            else:
                if self.first_event is None:
                    self.first_event = event_ms
                due = self.start + (event_ms - self.first_event) / 1000.0 / self.speed
        else:
            due = now
        self.last_due = due
        return due

    def delay(self, event_ms: int | None) -> float:
        """Seconds to wait before sending this record (0 when it is due or overdue)."""
        if not self.paced:
            self.count += 1
            return 0.0
        return max(0.0, self.due(event_ms) - self.clock())
