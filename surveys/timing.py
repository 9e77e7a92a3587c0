"""Where an import's time goes: wall-clock seconds per named phase, collected only when asked for.

``profiled()`` opens a collection for the code it wraps (``import_enterprises --profile``, the import
bench); ``phase(name)`` adds the time of its block to the open collection, and costs nothing but a context
variable's read when there is none. Phases nest: an inner one's time is also in the outer one's.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_PHASES: ContextVar[dict[str, float] | None] = ContextVar("import_phases", default=None)


@contextmanager
def profiled() -> Iterator[dict[str, float]]:
    """A fresh collection of phase times for the block: {phase: seconds}, in the order first seen."""
    phases: dict[str, float] = {}
    token = _PHASES.set(phases)
    try:
        yield phases
    finally:
        _PHASES.reset(token)


def profiling() -> bool:
    return _PHASES.get() is not None


@contextmanager
def phase(name: str) -> Iterator[None]:
    phases = _PHASES.get()
    if phases is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        phases[name] = phases.get(name, 0.0) + time.perf_counter() - started


def record(name: str, seconds: float) -> None:
    """Add time measured otherwise (the history triggers' time, as the database counts it)."""
    phases = _PHASES.get()
    if phases is not None:
        phases[name] = phases.get(name, 0.0) + seconds
