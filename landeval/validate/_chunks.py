"""Shapely's vectorised functions over large arrays, in chunks on threads.

GEOS releases the GIL: a million validity tests or pair intersections split in chunks run on
every core, and the results come back in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

CHUNK = 50_000
"""Geometries (or pairs) per chunk: large enough that a thread's start-up does not show."""


def chunked(func: Callable[[np.ndarray], np.ndarray], geoms: np.ndarray) -> np.ndarray:
    """``func(geoms)`` in chunks on threads, results in order."""
    starts = range(0, len(geoms), CHUNK)
    if len(starts) <= 1:
        return func(geoms)
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        return np.concatenate(list(pool.map(lambda i: func(geoms[i : i + CHUNK]), starts)))


def pairwise(
    func: Callable[[np.ndarray, np.ndarray], np.ndarray],
    geoms: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
) -> np.ndarray:
    """``func(geoms[a], geoms[b])`` in chunks on threads, results in order."""
    starts = range(0, len(a), CHUNK)

    def chunk(i: int) -> np.ndarray:
        sl = slice(i, i + CHUNK)
        return func(geoms[a[sl]], geoms[b[sl]])

    if len(starts) <= 1:
        return chunk(0)
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        return np.concatenate(list(pool.map(chunk, starts)))
