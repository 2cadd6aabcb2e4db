"""CPU time as the benchmarks count it."""

from __future__ import annotations

import resource


def cpu_seconds() -> float:
    """User + system seconds of this process and of its finished (joined / reaped) children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
