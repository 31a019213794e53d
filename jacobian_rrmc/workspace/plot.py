"""Workspace figures (matplotlib, no display needed): sweep clouds, grid maps, orientation maps.

Every figure states the robot, the plane or point, the fixed orientation, the resolution and
the method, and its axes are labelled in metres (or degrees for orientation maps).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
from matplotlib import colormaps, colors
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Rectangle

from jacobian_rrmc.workspace.boundary import Boundary

MANIPULABILITY_CMAP = colormaps["viridis"].with_extremes(bad="white")  # blank where unreachable
OUTSIDE_CMAP = colors.ListedColormap(["0.75"])  # grey: outside the nets' training ranges


def _axis_labels(ax, plane: str) -> None:
    ax.set_xlabel(f"{plane[0]} [m] (world frame)")
    ax.set_ylabel(f"{plane[1]} [m] (world frame)")
    ax.set_aspect("equal")
    ax.grid(True, linewidth=0.3, alpha=0.5)


def _shade_outside(ax, outside: np.ndarray | None, extent) -> bool:
    """Grey overlay (and legend entry) on the cells outside the nets' training ranges; True if any."""
    if outside is None or not outside.any():
        return False
    ax.imshow(np.where(outside, 1.0, np.nan), origin="lower", extent=extent, cmap=OUTSIDE_CMAP, interpolation="nearest")
    ax.add_patch(Rectangle((0, 0), 0, 0, color="0.75", label="outside the nets' training range"))
    return True


def _draw_boundary(ax, boundary: Boundary) -> None:
    for index, ring in enumerate(boundary.outers):
        ax.plot(ring[:, 0], ring[:, 1], color="crimson", linewidth=1.4, label="outer boundary" if index == 0 else None)
    for index, ring in enumerate(boundary.holes):
        ax.plot(
            ring[:, 0], ring[:, 1], color="navy", linewidth=1.2, linestyle="--", label="hole" if index == 0 else None
        )
    ax.plot([], [], " ", label=f"enclosed area {boundary.area:.3f} m²")


def _figure(width: float, height: float) -> Figure:
    # The bottom strip is left free for the footnote (the command that regenerates the figure).
    return Figure(figsize=(width, height), layout=ConstrainedLayoutEngine(rect=(0, 0.05, 1, 0.95)))


def _suptitle(fig: Figure, title: str) -> None:
    # Wrap each title line to the figure width (about 12 characters per inch at 10 pt).
    width = int(12 * fig.get_figwidth())
    fig.suptitle("\n".join(textwrap.fill(line, width) for line in title.split("\n")), fontsize=10)


def _footnote(fig: Figure, note: str) -> None:
    fig.text(0.01, 0.008, note, fontsize=7, color="0.3", ha="left", va="bottom", wrap=True)


def _save(fig: Figure, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    return path


def plot_sweep(positions_2d: np.ndarray, boundary: Boundary, plane: str, title: str, note: str, path) -> Path:
    """Density of swept hand positions on `plane` (log colour scale) with the concave boundary."""
    fig = _figure(7.5, 7.0)
    ax = fig.add_subplot()
    low = positions_2d.min(axis=0)
    high = positions_2d.max(axis=0)
    # About 100 bins across: finer bins mostly show the sweep's own grid pattern.
    bins = np.maximum(np.ceil(100 * (high - low) / np.max(high - low)).astype(int), 1)
    counts, x_edges, y_edges = np.histogram2d(positions_2d[:, 0], positions_2d[:, 1], bins=bins)
    image = ax.pcolormesh(
        x_edges, y_edges, np.ma.masked_equal(counts.T, 0), cmap="Greys", norm=colors.LogNorm(), rasterized=True
    )
    fig.colorbar(image, ax=ax, shrink=0.85, label="swept poses per bin (log scale)")
    _draw_boundary(ax, boundary)
    ax.plot([0], [0], marker="+", color="k", markersize=10, linestyle="none", label="world origin")
    _axis_labels(ax, plane)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.85)
    _suptitle(fig, title)
    _footnote(fig, note)
    return _save(fig, path)


def plot_slice(grid, panels: list[tuple], title: str, note: str, path) -> Path:
    """One panel per (label, manipulability (rows, columns), outside) on the slice `grid`.

    NaN cells are blank; `outside` (bool (rows, columns) or None) marks cells outside a learned
    net's training ranges, shaded grey. The panels share one colour scale so an exact and a
    learned map can be compared by eye; the edge of each panel's reachable set is outlined.
    """
    finite = [values[np.isfinite(values)] for _, values, _ in panels]
    top = max((float(v.max()) for v in finite if v.size), default=1.0)
    fig = _figure(1.0 + 6.4 * len(panels), 7.2)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (label, values, outside) in zip(axes, panels, strict=True):
        image = ax.imshow(
            np.ma.masked_invalid(values), origin="lower", extent=grid.extent, cmap=MANIPULABILITY_CMAP, vmin=0.0,
            vmax=top, interpolation="nearest",
        )  # fmt: skip
        reachable = np.isfinite(values).astype(float)
        if 0 < reachable.sum() < reachable.size:
            ax.contour(grid.u_nodes, grid.v_nodes, reachable, levels=[0.5], colors="k", linewidths=0.7)
        ax.plot([], [], color="k", linewidth=0.7, label="edge of reachable set")
        _shade_outside(ax, outside, grid.extent)
        ax.set_facecolor("white")
        _axis_labels(ax, grid.plane)
        ax.set_title(label, fontsize=10)
        ax.legend(loc="upper right", fontsize=8, framealpha=0.85)
    fig.colorbar(image, ax=list(axes), shrink=0.85, label="manipulability √det(J·Jᵀ) (blank: unreachable)")
    _suptitle(fig, title)
    _footnote(fig, note)
    return _save(fig, path)


def plot_orientation(
    grid, fraction: np.ndarray, best: np.ndarray, title: str, note: str, path, outside: np.ndarray | None = None
) -> Path:
    """Latitude-longitude maps of tool approach directions: share of rolls reachable, best manipulability.

    `outside` (bool (elevations, azimuths) or None) marks directions whose every roll lies outside
    a learned net's training ranges; they are shaded grey.
    """
    extent = tuple(np.rad2deg([-np.pi, np.pi, -np.pi / 2, np.pi / 2]))
    fig = _figure(13.0, 5.0)
    left, right = fig.subplots(1, 2)
    shown = left.imshow(
        np.where(fraction > 0, fraction, np.nan), origin="lower", extent=extent, cmap="cividis", vmin=0, vmax=1,
        interpolation="nearest",
    )  # fmt: skip
    fig.colorbar(shown, ax=left, shrink=0.9, label=f"share of the {len(grid.roll)} roll angles reachable")
    values = right.imshow(
        np.ma.masked_invalid(best), origin="lower", extent=extent, cmap=MANIPULABILITY_CMAP, vmin=0,
        interpolation="nearest",
    )  # fmt: skip
    fig.colorbar(values, ax=right, shrink=0.9, label="best manipulability over rolls (blank: unreachable)")
    for ax, label in ((left, "reachable rolls per approach direction"), (right, "best manipulability")):
        if _shade_outside(ax, outside, extent):
            ax.legend(loc="lower right", fontsize=8, framealpha=0.85)
        ax.set_xlabel("azimuth of tool z axis [deg] (world frame)")
        ax.set_ylabel("elevation of tool z axis [deg]")
        ax.set_xticks(np.arange(-180, 181, 60))
        ax.set_yticks(np.arange(-90, 91, 30))
        ax.grid(True, linewidth=0.3, alpha=0.5)
        ax.set_title(label, fontsize=10)
    _suptitle(fig, title)
    _footnote(fig, note)
    return _save(fig, path)
