"""Counted floors (计容层数) from building height.

A height raster sees a building's height, not its storeys, so the storeys are estimated, and
the national industrial land control indicators' rule — a storey taller than 8 m counts
double in the floor-area ratio — is applied to the estimated storeys:

- storeys ``n = max(1, floor(h / storey_height_m))``: a storey is at least one storey height
  tall, so a building of height h has at most that many storeys;
- each estimated storey is ``h / n`` tall; when that exceeds ``double_storey_above_m`` every
  storey counts double: ``counted = 2 n``, else ``counted = n``.

With the defaults (4.5 m, 8 m): up to 8 m → 1 (a 7 m hall is one storey); over 8 m and below
9 m → 2 (a hall over 8 m counts double); 9 m → 2, 12 m → 2 (a single-storey 12 m hall
counts as 2), 13.5 m → 3, 18 m → 4; a building of k storeys of exactly the storey height
counts k. Rounding ``h / storey_height_m`` to the nearest integer instead would make the
double-storey rule unreachable (a rounded storey is at most 1.5 storey heights, 6.75 m) and
would count a 12 m hall as 3. The result never decreases as the height grows.
"""

from __future__ import annotations

import numpy as np

_EPS = 1e-6
"""Relative slack so that heights stored as float32 multiples of the storey height count exactly."""


def counted_floors(
    height_m: np.ndarray | float, *, storey_height_m: float, double_storey_above_m: float
) -> np.ndarray:
    """Counted floors for building heights (see the module docstring for the rule).

    Parameters
    ----------
    height_m : array-like of float
        Building heights in metres; NaN gives NaN, heights ≤ 0 give 1 (a building is there).
    storey_height_m : float
        Assumed storey height.
    double_storey_above_m : float
        A storey taller than this counts double.

    Returns
    -------
    numpy.ndarray
        Counted floors (float64, integral values).

    Examples
    --------
    >>> counted_floors([4.5, 7.0, 8.5, 12.0, 13.5], storey_height_m=4.5,
    ...                double_storey_above_m=8.0).tolist()
    [1.0, 1.0, 2.0, 2.0, 3.0]
    """
    h = np.asarray(height_m, dtype=np.float64)
    storeys = np.maximum(1.0, np.floor(h / storey_height_m + _EPS))
    tall = h / storeys > double_storey_above_m
    return np.where(np.isnan(h), np.nan, np.where(tall, 2.0 * storeys, storeys))
