"""`jacobian-rrmc workspace`: workspace and manipulability maps of an arm, as PNG figures (and npz data).

Modes:
- sweep: step chosen joints through their limits with batched FK and plot the hand positions
  projected on a plane, with their concave boundary (outer contour and holes);
- slice: constant-orientation map on a plane grid; each cell is the manipulability at the best
  IK solution within the joint limits (exact) or from the confidence and estimation nets (learned);
- orientation: at one point, which tool orientations are reachable and how manipulable.
"""

from __future__ import annotations

import shlex
import time

import numpy as np

from jacobian_rrmc.cli.main import UsageError
from jacobian_rrmc.cli.parsing import joint_vector, robot_argument
from jacobian_rrmc.kinematics import forward_kinematics
from jacobian_rrmc.spatial import matrix_to_rpy, rpy_to_matrix
from jacobian_rrmc.workspace.grid import PLANE_AXES, normal_axis
from jacobian_rrmc.workspace.orientation import orientation_grid, summarise
from jacobian_rrmc.workspace.slice import default_offset, slice_grid
from jacobian_rrmc.workspace.sweep import DEFAULT_SWEEP_JOINTS, sweep_positions

# matplotlib (plot), scipy (boundary), the IK and onnxruntime are imported where they are used:
# every `jacobian-rrmc` call builds this parser, and those imports cost about a second.

MODES = ("sweep", "slice", "orientation")
METHODS = ("exact", "learned")
DEFAULT_RESOLUTION = {"sweep": 400, "slice": 120, "orientation": 36}
# Named configurations whose tool orientation (and position) a map uses when none is given.
MAX_RESOLUTION = 2000
# Options that only make sense for some modes or methods: option → (attribute, modes, methods).
OPTION_SCOPE = {
    "--joints": ("joints", ("sweep",), METHODS),
    "--step-deg": ("step_deg", ("sweep",), METHODS),
    "--rpy": ("rpy", ("slice",), METHODS),
    "--offset": ("offset", ("slice",), METHODS),
    "--bounds": ("bounds", ("slice",), METHODS),
    "--point": ("point", ("orientation",), METHODS),
    "--rolls": ("rolls", ("orientation",), METHODS),
    "--models": ("models", MODES, ("learned",)),
    "--no-limits": ("no_limits", MODES, ("exact",)),
    "--cutoff": ("cutoff", MODES, ("exact",)),
}
DEFAULTS = {"step_deg": 2.0, "rolls": 12, "cutoff": 0.0}


def register(subparsers) -> None:
    parser = subparsers.add_parser("workspace", help="workspace and manipulability maps (PNG, optional npz)")
    parser.add_argument("--robot", required=True, help="catalogue name (e.g. puma560) or path to a robot YAML")
    parser.add_argument("--mode", choices=MODES, default="slice", help="sweep, slice (default) or orientation")
    parser.add_argument("--plane", choices=tuple(PLANE_AXES), default="xy", help="map plane (sweep, slice)")
    parser.add_argument(
        "--resolution", type=int, help="slice: cells per side (120); orientation: elevations (36); sweep: raster (400)"
    )
    parser.add_argument("--method", choices=METHODS, default="exact", help="closed-form IK or the learned nets")
    parser.add_argument("--out", required=True, help="figure to write (.png)")
    parser.add_argument("--data", help="also save the grid or points with metadata to this .npz file")
    parser.add_argument("--joints", help="sweep: 1-based joints to sweep, e.g. 1,2,3 (default by plane)")
    parser.add_argument("--step-deg", type=float, help="sweep: joint step in degrees (default 2)")
    parser.add_argument(
        "--q", help="configuration (name or values): sweep base pose; slice/orientation orientation, offset, point"
    )
    parser.add_argument("--deg", action="store_true", help="--q values are in degrees")
    parser.add_argument("--rpy", help="fixed tool orientation roll,pitch,yaw in degrees (world frame, URDF rpy)")
    parser.add_argument("--offset", type=float, help="slice: plane offset along its normal, metres")
    parser.add_argument("--bounds", help="slice: u_min,u_max,v_min,v_max in metres (default: the reach sphere)")
    parser.add_argument("--point", help="orientation: tool position x,y,z in metres (default: tool point of --q)")
    parser.add_argument("--rolls", type=int, help="orientation: roll angles per direction (default 12)")
    parser.add_argument("--models", help="learned: directory of the ONNX models (default: the installed models/)")
    parser.add_argument(
        "--no-limits", action="store_true", help="exact: ignore joint limits (as the M3 labels the nets learned do)"
    )
    parser.add_argument(
        "--cutoff", type=float, help="exact: reachable only above this manipulability (default 0; M3 labels: 0.03)"
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    parser.set_defaults(handler=run)


def run(args) -> int:
    if not args.out.lower().endswith(".png"):
        raise UsageError(f"--out must name a .png file, got {args.out!r}")
    if args.data is not None and not args.data.lower().endswith(".npz"):
        raise UsageError(f"--data must name a .npz file, got {args.data!r}")
    resolution = DEFAULT_RESOLUTION[args.mode] if args.resolution is None else args.resolution
    if not 2 <= resolution <= MAX_RESOLUTION:
        raise UsageError(f"--resolution must be between 2 and {MAX_RESOLUTION}, got {resolution}")
    _check_scope(args)
    robot = robot_argument(args.robot)
    mode = {"sweep": _sweep, "slice": _slice, "orientation": _orientation}[args.mode]
    mode(args, robot, resolution)
    return 0


def _check_scope(args) -> None:
    """Refuse options that the chosen mode or method would silently ignore; fill in the defaults."""
    if args.mode == "sweep" and args.method != "exact":
        raise UsageError("--method learned applies to slice and orientation maps; a sweep is plain FK")
    for option, (attribute, modes, methods) in OPTION_SCOPE.items():
        if getattr(args, attribute) not in (None, False) and (args.mode not in modes or args.method not in methods):
            where = ", ".join(modes) if args.mode not in modes else f"--method {' or '.join(methods)}"
            raise UsageError(f"{option} applies only to {where}")
    for attribute, value in DEFAULTS.items():
        if getattr(args, attribute) is None:
            setattr(args, attribute, value)
    if args.cutoff < 0:
        raise UsageError(f"--cutoff must be >= 0, got {args.cutoff}")


def _numbers(text: str, count: int, option: str) -> np.ndarray:
    try:
        values = np.array([float(p) for p in text.replace(" ", ",").split(",") if p])
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a list of numbers") from None
    if values.size != count or not np.all(np.isfinite(values)):
        raise UsageError(f"{option}: expected {count} finite comma-separated numbers, got {text!r}")
    return values


def _reference_configuration(args, robot) -> tuple[np.ndarray, str]:
    """The configuration named by --q, else the robot's first preferred named pose, else zeros."""
    if args.q is not None:
        return joint_vector(args.q, robot, args.deg), args.q
    name = robot.default_configuration_name
    if name is not None:
        return robot.configuration(name), name
    return np.clip(np.zeros(robot.n_joints), robot.q_min, robot.q_max), "zeros"


def _orientation(args, robot, resolution: int) -> None:
    from jacobian_rrmc.workspace.plot import plot_orientation

    q_ref, q_label = _reference_configuration(args, robot)
    point = forward_kinematics(robot, q_ref)[:3, 3] if args.point is None else _numbers(args.point, 3, "--point")
    if args.rolls < 1 or args.rolls > 360:
        raise UsageError(f"--rolls must be between 1 and 360, got {args.rolls}")
    grid = orientation_grid(point, resolution, args.rolls)
    manip, outside, seconds, method_note = _evaluate(args, robot, grid.poses())
    fraction, best = summarise(grid, manip)
    where = f"point ({point[0]:.3f}, {point[1]:.3f}, {point[2]:.3f}) m" + (
        f" = tool point of {q_label}" if args.point is None else ""
    )
    title = (
        f"{robot.name} orientation workspace at {where}, method {args.method} ({method_note})\n"
        f"{2 * resolution}×{resolution} approach directions × {args.rolls} rolls; "
        f"{np.mean(fraction > 0):.0%} of directions reachable with some roll"
        + ("" if outside is None else f"; {outside.mean():.0%} of poses outside the nets' training range")
    )
    outside_directions = None if outside is None else outside.reshape(grid.shape).all(axis=2)
    plot_orientation(grid, fraction, best, title, _command(args, resolution), args.out, outside_directions)
    _report(args, np.isfinite(manip).mean(), seconds, manip.size)
    if args.data:
        _save_npz(
            args, robot, resolution, f"all orientations at point {point.tolist()} m ({where})",
            point=point, azimuth=grid.azimuth, elevation=grid.elevation, roll=grid.roll,
            manipulability=manip.reshape(grid.shape), reachable_fraction=fraction, best_manipulability=best,
            **({} if outside is None else {"outside_training_range": outside.reshape(grid.shape)}),
        )  # fmt: skip


def _slice(args, robot, resolution: int) -> None:
    from jacobian_rrmc.workspace.plot import plot_slice

    q_ref, q_label = _reference_configuration(args, robot)
    if args.rpy is not None:
        rotation = rpy_to_matrix(np.deg2rad(_numbers(args.rpy, 3, "--rpy")))
        orientation_label = f"rpy ({args.rpy}) deg"
    else:
        rotation = forward_kinematics(robot, q_ref)[:3, :3]
        orientation_label = f"of {q_label}, rpy " + "({:.1f}, {:.1f}, {:.1f}) deg".format(
            *(np.round(np.rad2deg(matrix_to_rpy(rotation)), 6) + 0.0)
        )
    offset = default_offset(robot, args.plane, q_ref) if args.offset is None else args.offset
    bounds = None if args.bounds is None else _numbers(args.bounds, 4, "--bounds")
    try:
        grid = slice_grid(robot, args.plane, offset, rotation, resolution, bounds)
    except ValueError as error:
        raise UsageError(str(error)) from None
    manip, outside, seconds, method_note = _evaluate(args, robot, grid.poses())
    values = manip.reshape(grid.shape)
    outside = None if outside is None else outside.reshape(grid.shape)
    cell_mm = 1000 * (grid.u_nodes[1] - grid.u_nodes[0])
    normal = "xyz"[normal_axis(args.plane)]
    title = (
        f"{robot.name} constant-orientation workspace, method {args.method}: {method_note}\n"
        f"plane {normal} = {offset:.3f} m, tool orientation {orientation_label}\n"
        f"{resolution}×{resolution} cells of {cell_mm:.1f} mm; {np.isfinite(values).mean():.1%} of cells reachable"
    )
    plot_slice(grid, [(f"{args.method} map", values, outside)], title, _command(args, resolution), args.out)
    _report(args, np.isfinite(values).mean(), seconds, values.size)
    if args.data:
        _save_npz(
            args, robot, resolution, f"fixed tool orientation {orientation_label}",
            plane=args.plane, offset=offset, rotation=rotation, u_nodes=grid.u_nodes, v_nodes=grid.v_nodes,
            manipulability=values, **({} if outside is None else {"outside_training_range": outside}),
        )  # fmt: skip


def _evaluate(args, robot, poses: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, float, str]:
    """Manipulability per pose (NaN where unreachable), the mask of poses outside the learned nets'
    training ranges (None for exact), seconds taken, and a note on the method for the title."""
    if args.method == "exact":
        from jacobian_rrmc.workspace.best_solution import best_solutions

        start = time.perf_counter()
        best = best_solutions(
            robot, poses, joint_limits=not args.no_limits, cutoff=args.cutoff, progress=not args.no_progress
        )
        limits = "ignoring joint limits" if args.no_limits else "best in-limit branch"
        cutoff = f", manipulability > {args.cutoff:g}" if args.cutoff > 0 else ""
        return best.manipulability, None, time.perf_counter() - start, f"closed-form IK, {limits}{cutoff}"
    from jacobian_rrmc.learn.runtime import ModelFileError
    from jacobian_rrmc.workspace.learned import LearnedWorkspace

    try:
        nets = LearnedWorkspace(robot, args.models)
    except (FileNotFoundError, ModelFileError, ValueError) as error:
        raise UsageError(str(error)) from None
    start = time.perf_counter()
    learned = nets.evaluate(poses, progress=not args.no_progress)
    return learned.manipulability, ~learned.inside, time.perf_counter() - start, learned.note


def _sweep(args, robot, resolution: int) -> None:
    from jacobian_rrmc.workspace.boundary import find_boundary
    from jacobian_rrmc.workspace.plot import plot_sweep

    if not 0.05 <= args.step_deg <= 30:
        raise UsageError(f"--step-deg must be between 0.05 and 30, got {args.step_deg}")
    if args.joints is None:
        joints = DEFAULT_SWEEP_JOINTS[args.plane]
    else:
        numbers = _numbers(args.joints, len(args.joints.replace(" ", ",").split(",")), "--joints")
        if not np.all(numbers == np.round(numbers)) or not np.all((numbers >= 1) & (numbers <= robot.n_joints)):
            raise UsageError(f"--joints: give joint numbers between 1 and {robot.n_joints}, got {args.joints!r}")
        joints = tuple(int(j) - 1 for j in numbers)
        if len(set(joints)) != len(joints):
            raise UsageError(f"--joints: each joint once, got {args.joints!r}")
    base_q = joint_vector(args.q, robot, args.deg) if args.q is not None else None  # None: the sweep's default
    base_label = args.q if args.q is not None else "zeros"
    step = np.deg2rad(args.step_deg)
    count = np.prod([np.ceil((robot.q_max[j] - robot.q_min[j]) / step) + 1 for j in joints])
    if count > 5e7:
        raise UsageError(
            f"--step-deg {args.step_deg} gives {count:.2g} poses for {len(joints)} joints; use a larger step"
        )
    start = time.perf_counter()
    result = sweep_positions(robot, joints, step, base_q, progress=not args.no_progress)
    projected = result.positions[:, PLANE_AXES[args.plane]]
    # A joint step moves the hand at most step × (reach about that joint). A closing disk of that
    # radius bridges such gaps and leaves scallops only ~0.13 gap deep between neighbouring samples.
    gap = step * _arm_length(robot)
    boundary = find_boundary(projected, closing_radius=gap, resolution=resolution)
    seconds = time.perf_counter() - start
    names = ", ".join(robot.joint_names[j] for j in joints)
    title = (
        f"{robot.name} workspace sweep, {args.plane} plane (hand positions projected), method exact (FK)\n"
        f"{names} through their limits in {args.step_deg:g}° steps, other joints at {base_label}: "
        f"{len(projected):,} poses\nconcave boundary on a {boundary.cell * 1000:.1f} mm raster: "
        f"{len(boundary.outers)} outer contour(s), {len(boundary.holes)} hole(s)"
    )
    plot_sweep(projected, boundary, args.plane, title, _command(args, resolution), args.out)
    print(
        f"{robot.name}: swept {len(projected):,} poses in {seconds:.2f} s; enclosed area {boundary.area:.4f} m², "
        f"{len(boundary.outers)} outer contour(s), {len(boundary.holes)} hole(s); wrote {args.out}"
    )
    if args.data:
        _save_npz(
            args, robot, resolution, f"hand orientation free (joint sweep; other joints at {base_label})",
            positions=result.positions, joints=np.array(joints), step=step, base_q=result.base_q, area=boundary.area,
            **_rings("outer", boundary.outers), **_rings("hole", boundary.holes),
        )  # fmt: skip


def _rings(name: str, rings: list[np.ndarray]) -> dict:
    """Closed rings as one (K, 2) point array plus start offsets (np.split(points, starts[1:]))."""
    starts = np.cumsum([0] + [len(r) for r in rings])[:-1]
    points = np.concatenate(rings) if rings else np.zeros((0, 2))
    return {f"{name}_points": points, f"{name}_starts": starts}


def _arm_length(robot) -> float:
    return float(np.sum(np.hypot(robot.a, robot.d)) + np.linalg.norm(robot.tool[:3, 3]))


def _report(args, reachable: float, seconds: float, count: int) -> None:
    print(
        f"{args.robot}: {args.mode} map, method {args.method}: {count:,} poses in {seconds:.2f} s "
        f"({1e6 * seconds / count:.1f} µs/pose); {reachable:.1%} reachable; wrote {args.out}"
    )


def _command(args, resolution: int) -> str:
    """The command line that regenerates this figure (every option that shaped it)."""
    parts = ["jacobian-rrmc", "workspace", "--robot", args.robot, "--mode", args.mode]
    options = {
        "--plane": args.plane if args.mode != "orientation" else None,
        "--resolution": str(resolution),
        "--method": args.method,
        "--joints": args.joints,
        "--step-deg": f"{args.step_deg:g}" if args.mode == "sweep" else None,
        "--q": args.q,
        "--rpy": args.rpy,
        "--offset": None if args.offset is None else repr(args.offset),
        "--bounds": args.bounds,
        "--point": args.point,
        "--rolls": str(args.rolls) if args.mode == "orientation" else None,
        "--models": args.models,
        "--cutoff": f"{args.cutoff:g}" if args.cutoff > 0 else None,
        "--out": args.out,
    }
    for option, value in options.items():
        if value is not None:
            parts += [option, value]
    parts += [flag for flag, on in (("--deg", args.deg), ("--no-limits", args.no_limits)) if on]
    return shlex.join(parts)


def _save_npz(args, robot, resolution: int, orientation: str, **arrays) -> None:
    metadata = {
        "command": _command(args, resolution) + (f" --data {shlex.quote(args.data)}" if args.data else ""),
        "robot": robot.name,
        "mode": args.mode,
        "orientation": orientation,
        "method": args.method,
        "resolution": resolution,
        "units": "metres, radians; manipulability NaN where unreachable",
    }
    np.savez_compressed(args.data, **arrays, **{f"meta_{k}": np.array(v) for k, v in metadata.items()})
    print(f"wrote {args.data}")
