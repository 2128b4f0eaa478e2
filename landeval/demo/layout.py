"""Parcel layout: blocks along a road grid, cut into irregular parcels with shared edges.

Each cluster is laid out in its own local frame (metres, origin at the cluster centre) and
then rotated and moved to its anchor in EPSG:4549. Everything is vectorised over parcels
with numpy; the only Python loops run over clusters.

How a cluster is built:

1. parcel areas are drawn log-normal (median 25 mu, 3–500 mu);
2. each parcel gets a depth from a fixed ladder of block depths (so parcels of similar size
   share a row) and a frontage = area / depth;
3. parcels of one depth are cut into rows of about ``_ROW_LENGTH`` metres; two rows back to
   back make a block; blocks are stacked into columns separated by roads;
4. the straight cut between two neighbours in a row is replaced by a kinked line (a shifted
   middle point and a shifted top point) shared by both, so shapes are irregular, neighbours
   share edges exactly and nothing overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer

from landeval.demo.clusters import CLUSTERS, CRS, ClusterSpec
from landeval.inputs.units import M2_PER_MU

_MEDIAN_MU = 25.0
_SIGMA = 0.9
_MIN_MU, _MAX_MU = 3.0, 500.0
# Depth ladder of rows (m): parcels of similar size share a row and a block.
_DEPTHS = np.array([45.0, 65.0, 90.0, 125.0, 175.0, 245.0, 340.0, 470.0])
_ROW_LENGTH = 600.0
_ROAD_Y = 24.0  # road between blocks of a column
_ROAD_X = 32.0  # road between columns
_KINK = 0.22  # largest shift of a cut line, as a share of the narrower neighbour
_KINK_MAX = 30.0


@dataclass(frozen=True)
class ClusterFrame:
    """Where a cluster's local frame sits in EPSG:4549.

    Local coordinates (x, y) map to ``centre + R(angle) @ (x, y)``; the unit square maps
    (u, v) to local ``((u - 0.5) * width, (v - 0.5) * height)``.
    """

    index: int
    spec: ClusterSpec
    centre_x: float
    centre_y: float
    width: float
    height: float

    def to_world(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Local metres → EPSG:4549 coordinates."""
        a = np.deg2rad(self.spec.angle)
        c, s = np.cos(a), np.sin(a)
        return self.centre_x + c * x - s * y, self.centre_y + s * x + c * y

    def unit_box(self, box: tuple[float, float, float, float], *, pad: float = 0.0):
        """A box of the unit square as a (rotated) polygon in EPSG:4549.

        ``pad`` widens the box by that many metres on each side (roads at the edge).
        """
        u0, v0, u1, v1 = box
        x0 = (u0 - 0.5) * self.width - (pad if u0 <= 0 else 0.0)
        x1 = (u1 - 0.5) * self.width + (pad if u1 >= 1 else 0.0)
        y0 = (v0 - 0.5) * self.height - (pad if v0 <= 0 else 0.0)
        y1 = (v1 - 0.5) * self.height + (pad if v1 >= 1 else 0.0)
        xs = np.array([x0, x1, x1, x0, x0])
        ys = np.array([y0, y0, y1, y1, y0])
        wx, wy = self.to_world(xs, ys)
        return shapely.polygons(np.column_stack([wx, wy]))

    def to_unit(self, wx: np.ndarray, wy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """EPSG:4549 coordinates → unit square of the cluster."""
        a = np.deg2rad(self.spec.angle)
        c, s = np.cos(a), np.sin(a)
        dx, dy = wx - self.centre_x, wy - self.centre_y
        x = c * dx + s * dy
        y = -s * dx + c * dy
        return x / self.width + 0.5, y / self.height + 0.5


@dataclass(frozen=True)
class Layout:
    """Parcels of the whole city as arrays (one entry per parcel), plus cluster frames.

    ``x_left``, ``x_right`` are the bottom corners of a parcel in its cluster's local frame;
    the left and right cut lines are shifted by ``(mid, top)`` at heights ``y_mid``;
    ``flip`` is True for the upper row of a block (its front faces the road above).
    """

    cluster: np.ndarray
    column: np.ndarray
    x_left: np.ndarray
    x_right: np.ndarray
    y0: np.ndarray
    depth: np.ndarray
    flip: np.ndarray
    left_mid: np.ndarray
    left_top: np.ndarray
    left_ymid: np.ndarray
    right_mid: np.ndarray
    right_top: np.ndarray
    right_ymid: np.ndarray
    geometry: np.ndarray
    frames: tuple[ClusterFrame, ...]

    def __len__(self) -> int:
        return len(self.cluster)

    def usable_box(self) -> tuple[np.ndarray, np.ndarray]:
        """Local x-range inside every parcel at any height (left, right)."""
        left = self.x_left + np.maximum(0.0, np.maximum(self.left_mid, self.left_top))
        right = self.x_right + np.minimum(0.0, np.minimum(self.right_mid, self.right_top))
        return left, right

    def local_to_world(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Local coordinates of each parcel's cluster (arrays shaped (n, k)) → EPSG:4549."""
        return self.local_to_world_for(np.arange(len(self.cluster)), x, y)

    def local_to_world_for(
        self, pidx: np.ndarray, x: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Like :meth:`local_to_world` for rows that belong to parcels ``pidx``."""
        wx = np.empty_like(x)
        wy = np.empty_like(y)
        cl = self.cluster[pidx]
        for frame in self.frames:
            sel = cl == frame.index
            wx[sel], wy[sel] = frame.to_world(x[sel], y[sel])
        return wx, wy


def cluster_sizes(n_total: int) -> np.ndarray:
    """Parcels per cluster: weights × n_total by largest remainder, at least 8 each."""
    weights = np.array([c.weight for c in CLUSTERS])
    weights = weights / weights.sum()
    raw = weights * n_total
    sizes = np.floor(raw).astype(np.int64)
    short = n_total - sizes.sum()
    if short > 0:
        sizes[np.argsort(-(raw - sizes), kind="stable")[:short]] += 1
    return np.maximum(sizes, 8)


def layout_city(rng: np.random.Generator, n_total: int, *, scale: float) -> Layout:
    """Lay out about ``n_total`` parcels over the clusters of the synthetic city.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (the caller seeds it).
    n_total : int
        Parcels wanted; each cluster gets its weight's share (at least 8).
    scale : float
        Above 1 the anchors' offsets from the city centre are stretched by √scale, so that
        the grown clusters keep their layout and never overlap (the map then no longer
        matches the real counties; see the demo summary).
    """
    sizes = cluster_sizes(n_total)
    to_gk = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    ax, ay = to_gk.transform([c.lon for c in CLUSTERS], [c.lat for c in CLUSTERS])
    ax, ay = np.asarray(ax), np.asarray(ay)
    stretch = np.sqrt(max(scale, 1.0))
    cx = ax.mean() + (ax - ax.mean()) * stretch
    cy = ay.mean() + (ay - ay.mean()) * stretch

    parts: list[dict[str, np.ndarray]] = []
    frames: list[ClusterFrame] = []
    for i, spec in enumerate(CLUSTERS):
        local = _layout_cluster(rng, int(sizes[i]))
        frame = ClusterFrame(i, spec, float(cx[i]), float(cy[i]), local.pop("W"), local.pop("H"))
        local["cluster"] = np.full(int(sizes[i]), i)
        parts.append(local)
        frames.append(frame)
    arrays = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    layout = Layout(geometry=np.empty(0, dtype=object), frames=tuple(frames), **arrays)
    return _with_geometry(layout)


def _draw_areas(rng: np.random.Generator, n: int) -> np.ndarray:
    mu = np.log(_MEDIAN_MU)
    out = np.exp(rng.normal(mu, _SIGMA, n))
    bad = (out < _MIN_MU) | (out > _MAX_MU)
    while bad.any():  # redraw out-of-range values: a truncated log-normal without spikes
        out[bad] = np.exp(rng.normal(mu, _SIGMA, int(bad.sum())))
        bad = (out < _MIN_MU) | (out > _MAX_MU)
    return out * M2_PER_MU


def _layout_cluster(rng: np.random.Generator, n: int) -> dict:
    area = _draw_areas(rng, n)
    aspect = rng.uniform(1.0, 2.2, n)
    target = np.sqrt(area / aspect)
    level = np.abs(np.log(target)[:, None] - np.log(_DEPTHS)[None, :]).argmin(axis=1)
    depth = _DEPTHS[level]
    width = area / depth

    # Group by depth level, random order inside a level; then cut each level into rows.
    order = np.lexsort((rng.random(n), level))
    level, depth, width = level[order], depth[order], width[order]
    starts = np.r_[0, np.flatnonzero(np.diff(level)) + 1]
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    cum = np.cumsum(width)
    cum_in_group = cum - np.r_[0.0, cum][starts][group]
    row_in_level = np.floor((cum_in_group - width / 2) / _ROW_LENGTH).astype(np.int64)
    row_key = group * 1_000_000 + row_in_level
    _, row = np.unique(row_key, return_inverse=True)
    row_start = np.r_[0, np.flatnonzero(np.diff(row)) + 1]
    n_rows = len(row_start)
    row_len = np.add.reduceat(width, row_start)
    row_depth = depth[row_start]
    row_level_group = group[row_start]
    # Rows numbered 0, 1, 2, … inside each depth level (row_in_level may skip numbers).
    level_first_row = np.r_[0, np.flatnonzero(np.diff(row_level_group)) + 1]
    _, level_of_row = np.unique(row_level_group, return_inverse=True)
    row_in_lvl = np.arange(n_rows) - level_first_row[level_of_row]

    # Two rows of a level back to back make a block.
    block_key = row_level_group * 1_000_000 + row_in_lvl // 2
    _, row_block = np.unique(block_key, return_inverse=True)
    row_flip = (row_in_lvl % 2) == 1
    n_blocks = row_block.max() + 1
    block_len = np.zeros(n_blocks)
    np.maximum.at(block_len, row_block, row_len)
    block_depth = np.zeros(n_blocks)
    np.add.at(block_depth, row_block, row_depth)

    # Blocks in random order, stacked into columns of about the same height.
    border = rng.permutation(n_blocks)
    step = block_depth[border] + _ROAD_Y
    total = float((block_len * block_depth).sum())
    col_height = max(np.sqrt(total * 1.1), float(step.max()))
    bcum = np.cumsum(step)
    bcol = np.floor((bcum - step / 2) / col_height).astype(np.int64)
    _, bcol = np.unique(bcol, return_inverse=True)
    col_start = np.r_[0, np.flatnonzero(np.diff(bcol)) + 1]
    bcum_in_col = bcum - np.r_[0.0, bcum][col_start][bcol]
    by = bcum_in_col - step  # bottom of the block in its column
    n_cols = bcol.max() + 1
    col_w = np.zeros(n_cols)
    np.maximum.at(col_w, bcol, block_len[border])
    col_x = np.r_[0.0, np.cumsum(col_w + _ROAD_X)[:-1]]
    col_h = np.zeros(n_cols)
    np.maximum.at(col_h, bcol, bcum_in_col - _ROAD_Y)
    block_x = np.empty(n_blocks)
    block_y = np.empty(n_blocks)
    block_col = np.empty(n_blocks, dtype=np.int64)
    block_x[border] = col_x[bcol]
    block_y[border] = by
    block_col[border] = bcol

    # Rows inside blocks: the lower row at the block's bottom, the upper one on top of it.
    lower_depth = np.where(row_flip, row_depth, 0.0)  # depth of the lower row = own depth
    row_y = block_y[row_block] + lower_depth
    row_x = block_x[row_block]

    # Parcels inside rows.
    cum_row = np.cumsum(width)
    before = cum_row - width - np.r_[0.0, cum_row][row_start][row]
    x_left = row_x[row] + before
    y0 = row_y[row]
    # The right corner of a parcel is exactly the left corner of the next one in its row.
    last = np.r_[row[1:] != row[:-1], True]
    x_right = np.where(last, x_left + width, np.r_[x_left[1:], 0.0])

    # Kinked cuts: the right cut of a parcel is the left cut of the next one in its row.
    last_in_row = last
    nxt_width = np.r_[width[1:], width[-1]]
    amp = np.minimum(_KINK * np.minimum(width, nxt_width), _KINK_MAX)
    amp = np.where(last_in_row, 0.0, amp)
    right_mid = amp * rng.uniform(-1.0, 1.0, n)
    right_top = amp * rng.uniform(-1.0, 1.0, n)
    right_ymid = y0 + depth * rng.uniform(0.3, 0.7, n)
    first_in_row = np.r_[True, row[1:] != row[:-1]]
    # Kinks change areas a little; a parcel pushed outside 3–500 mu gets straight cuts.
    shape = {
        "x_left": x_left,
        "x_right": x_right,
        "y0": y0,
        "depth": depth,
        "right_mid": right_mid,
        "right_top": right_top,
        "right_ymid": right_ymid,
    }
    for _ in range(3):
        shape.update(_left_cuts(first_in_row, shape))
        area = _shoelace(shape) / M2_PER_MU
        bad = (area < _MIN_MU) | (area > _MAX_MU)
        if not bad.any():
            break
        straight = bad | np.r_[bad[1:] & ~first_in_row[1:], False]
        shape["right_mid"] = np.where(straight, 0.0, shape["right_mid"])
        shape["right_top"] = np.where(straight, 0.0, shape["right_top"])
    left_mid, left_top, left_ymid = shape["left_mid"], shape["left_top"], shape["left_ymid"]
    right_mid, right_top = shape["right_mid"], shape["right_top"]

    width_total = float(col_x[-1] + col_w[-1])
    height_total = float(col_h.max())
    shift_x, shift_y = width_total / 2, height_total / 2
    return {
        "column": block_col[row_block][row],
        "x_left": x_left - shift_x,
        "x_right": x_right - shift_x,
        "y0": y0 - shift_y,
        "depth": depth,
        "flip": row_flip[row],
        "left_mid": left_mid,
        "left_top": left_top,
        "left_ymid": left_ymid - shift_y,
        "right_mid": right_mid,
        "right_top": right_top,
        "right_ymid": right_ymid - shift_y,
        "W": width_total,
        "H": height_total,
    }


def _left_cuts(first_in_row: np.ndarray, shape: dict) -> dict:
    """The left cut of a parcel is the right cut of the previous one in its row."""
    prev = {k: np.r_[0.0, shape[k][:-1]] for k in ("right_mid", "right_top", "right_ymid")}
    return {
        "left_mid": np.where(first_in_row, 0.0, prev["right_mid"]),
        "left_top": np.where(first_in_row, 0.0, prev["right_top"]),
        "left_ymid": np.where(first_in_row, shape["y0"] + shape["depth"] / 2, prev["right_ymid"]),
    }


def _outline(shape) -> tuple[np.ndarray, np.ndarray]:
    """The 7 vertices (closed ring) of every parcel in its cluster's local frame.

    ``shape`` is a mapping (or a :class:`Layout`) with the parcel arrays by name.
    """
    get = shape.get if isinstance(shape, dict) else lambda k: getattr(shape, k)
    x_left, x_right, y0 = get("x_left"), get("x_right"), get("y0")
    y1 = y0 + get("depth")
    xs = np.column_stack(
        [
            x_left,
            x_right,
            x_right + get("right_mid"),
            x_right + get("right_top"),
            x_left + get("left_top"),
            x_left + get("left_mid"),
            x_left,
        ]
    )
    ys = np.column_stack([y0, y0, get("right_ymid"), y1, y1, get("left_ymid"), y0])
    return xs, ys


def _shoelace(shape: dict) -> np.ndarray:
    xs, ys = _outline(shape)
    return 0.5 * np.abs((xs[:, :-1] * ys[:, 1:] - xs[:, 1:] * ys[:, :-1]).sum(axis=1))


def _with_geometry(layout: Layout) -> Layout:
    xs, ys = _outline(layout)
    wx, wy = layout.local_to_world(xs, ys)
    # No rounding: rounding rotated collinear points would open slivers between rows.
    coords = np.stack([wx, wy], axis=-1)
    geometry = shapely.polygons(coords)
    return Layout(**{**layout.__dict__, "geometry": geometry})
