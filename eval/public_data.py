"""Where the public evaluation data lies (read in place, never copied into the repo) and small shared helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

#: ../shared/data seen from the project root; suites skip a set with a note when it is absent.
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile by linear interpolation (0.0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
