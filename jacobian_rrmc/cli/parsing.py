"""Argument helpers shared by subcommands: robots and joint vectors from the command line, and the
regenerating command line for provenance."""

from __future__ import annotations

import shlex

import numpy as np

from jacobian_rrmc.cli.main import UsageError
from jacobian_rrmc.robots import RobotFileError, load_robot


def robot_argument(name: str):
    """Load a robot by catalogue name or YAML path, turning file problems into UsageError."""
    try:
        return load_robot(name)
    except RobotFileError as error:
        raise UsageError(str(error)) from None


def joint_vector(text: str, robot, degrees: bool = False) -> np.ndarray:
    """Parse "q1,...,qN" (or a named configuration of the robot) into an (N,) array in SI."""
    if text in robot.configurations:
        return robot.configuration(text)
    parts = [p for p in text.replace(" ", ",").split(",") if p]
    try:
        values = np.array([float(p) for p in parts])
    except ValueError:
        bad = next(p for p in parts if not _is_float(p))
        raise UsageError(f"--q: {bad!r} is not a number (give {robot.n_joints} comma-separated values)") from None
    if values.size != robot.n_joints:
        raise UsageError(f"--q: {robot.name} has {robot.n_joints} joints, got {values.size} values")
    if not np.all(np.isfinite(values)):
        raise UsageError("--q: values must be finite")
    if degrees:
        values = np.where(robot.prismatic, values, np.deg2rad(values))
    return values


def command_line(args, exclude: tuple[str, ...] = ()) -> str:
    """The invocation with every option spelled out (defaults included), for provenance records; options whose
    destination is in `exclude` (e.g. output verbosity) are left out.

    Needs the subcommand's own parser in `args.parser` (``parser.set_defaults(parser=parser)``).
    """
    words = ["jacobian-rrmc", args.command]
    for action in args.parser._actions:
        value = getattr(args, action.dest, None)
        if not action.option_strings or value is None or value is False or action.dest in ("help", *exclude):
            continue
        words.append(action.option_strings[-1])
        if value is not True:
            words.extend(shlex.quote(str(v)) for v in (value if isinstance(value, list) else [value]))
    return " ".join(words)


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
