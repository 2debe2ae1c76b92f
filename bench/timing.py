"""Samples and percentiles shared by the benchmarks that time several queries side by side."""

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, list[float]]:
    """Milliseconds per call of each of FNS, taken in turn: on a shared machine a burst of load
    from elsewhere then falls on all of them alike instead of on whichever ran during it."""
    for fn in fns.values():
        fn()  # warm
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            started = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], q: int) -> float:
    """The Qth percentile (1–99) of SAMPLES."""
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]
