"""`jacobian-rrmc urdf`: write the URDF of a robot, generated from its DH table.

The files in urdf/ are this command's output for the catalogue robots (test_urdf.py checks
they are up to date):

    for r in puma560 sixi2 fanuc_am120ib_10l; do jacobian-rrmc urdf -r $r -o urdf/$r.urdf; done
"""

from __future__ import annotations

import sys
from pathlib import Path

from jacobian_rrmc.cli.main import UsageError
from jacobian_rrmc.cli.parsing import robot_argument
from jacobian_rrmc.robots import list_robots
from jacobian_rrmc.urdf import robot_to_urdf


def register(subparsers) -> None:
    parser = subparsers.add_parser("urdf", help="URDF of a robot, generated from its DH table")
    parser.add_argument("-r", "--robot", required=True, help="catalogue name (e.g. puma560) or path to a robot YAML")
    parser.add_argument("-o", "--out", help="file to write (default: standard output)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    robot = robot_argument(args.robot)
    # For catalogue robots, record the package-relative robot file and the committed copy's path,
    # so the text depends neither on where the package is installed nor on --out.
    if args.robot in list_robots():
        source, target = f"config/robots/{args.robot}.yaml", f"urdf/{args.robot}.urdf"
    else:
        source, target = args.robot, "FILE"
    text = robot_to_urdf(robot, source=source, command=f"jacobian-rrmc urdf -r {args.robot} -o {target}")
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.out).write_text(text)
    except OSError as error:
        raise UsageError(f"--out: cannot write {args.out}: {error.strerror}") from None
    print(f"wrote {args.out} ({robot.name}, {robot.n_joints} joints)", file=sys.stderr)
    return 0
