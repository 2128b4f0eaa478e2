"""Shapely over large arrays in chunks on threads: the same results, in order."""

from __future__ import annotations

import numpy as np
import shapely

from landeval.validate import _chunks


def _boxes(n: int) -> np.ndarray:
    x = np.arange(n, dtype=float)
    return shapely.box(x, 0.0, x + 1.0 + x % 3, 1.0)


def test_chunked_equals_one_call_across_chunks(monkeypatch):
    geoms = _boxes(23)
    want = shapely.area(geoms)
    monkeypatch.setattr(_chunks, "CHUNK", 5)  # five chunks, the last one short
    assert np.array_equal(_chunks.chunked(shapely.area, geoms), want)
    assert np.array_equal(_chunks.chunked(shapely.area, geoms[:3]), want[:3])


def test_pairwise_equals_one_call_across_chunks(monkeypatch):
    geoms = _boxes(30)
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 30, 41), rng.integers(0, 30, 41)

    def overlap(x, y):
        return shapely.area(shapely.intersection(x, y))

    want = overlap(geoms[a], geoms[b])
    monkeypatch.setattr(_chunks, "CHUNK", 4)
    assert np.array_equal(_chunks.pairwise(overlap, geoms, a, b), want)
    assert _chunks.pairwise(overlap, geoms, a[:0], b[:0]).shape == (0,)
