"""`jacobian-rrmc demo`: closed-loop RRMC of a simulated arm over real ROS 2 topics, in one process.

Composes the simulated arm, the rrmc node and a twist script (square in a horizontal plane, vertical
line, rotation about the tool axis) and reports how well the hand followed the commanded twist.
Needs the ROS 2 Python packages (`pip install '.[ros]'`), no ROS distro and no display.
"""

from __future__ import annotations

import json
import sys

from jacobian_rrmc.cli.main import UsageError
from jacobian_rrmc.cli.parsing import command_line, robot_argument

JACOBIAN_CHOICES = ("analytic", "finite_difference", "learned")


def register(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="closed-loop demo: simulated arm + rrmc node over ROS 2 topics")
    parser.add_argument("--robot", default="puma560", help="catalogue name or robot YAML (default puma560)")
    parser.add_argument("--jacobian", choices=JACOBIAN_CHOICES, default="analytic", help="Jacobian source")
    parser.add_argument("--duration", type=float, default=20.0, help="script length in s (sets the speeds; ≥ 6)")
    parser.add_argument("--rate", type=float, default=None, help="control and simulation rate in Hz (default: config)")
    parser.add_argument(
        "--tilt-deg", type=float, default=30.0, help="tilt about the tool x axis after the roll (0 = no tilt)"
    )
    parser.add_argument(
        "--timing",
        choices=("lockstep", "free"),
        default="lockstep",
        help="lockstep: the sim arm waits for each answer, repeatable runs (default); free: both run on timers, "
        "the host's scheduling jitter included",
    )
    parser.add_argument("--plot", metavar="FILE.png", help="write the tool path and joint velocities to a PNG")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.set_defaults(handler=run, parser=parser)


def run(args) -> int:
    robot = robot_argument(args.robot)
    if not 6.0 <= args.duration <= 600.0:
        raise UsageError(f"--duration must be between 6 and 600 s, got {args.duration:g}")
    if args.rate is not None and not 1.0 <= args.rate <= 5000.0:
        raise UsageError(f"--rate must be between 1 and 5000 Hz, got {args.rate:g}")
    if not 0.0 <= args.tilt_deg <= 60.0:
        raise UsageError(f"--tilt-deg must be between 0 and 60, got {args.tilt_deg:g}")
    from jacobian_rrmc.ros.environment import RosUnavailable, isolate_ros_traffic, require_ros

    try:
        require_ros()
    except RosUnavailable as error:
        print(f"jacobian-rrmc demo: {error}", file=sys.stderr)
        return 1
    isolate_ros_traffic()  # before rclpy.init inside run_demo
    from jacobian_rrmc.ros.demo import run_demo, summary_table

    try:
        demo = run_demo(args.robot, args.jacobian, args.duration, args.rate, tilt_deg=args.tilt_deg, timing=args.timing)
    except (RuntimeError, ValueError, KeyError) as error:
        print(f"jacobian-rrmc demo: {error}", file=sys.stderr)
        return 1
    result = demo.summary()
    if args.plot:
        from jacobian_rrmc.ros.demo_plot import plot_demo

        data = demo.plot_data
        # Every option that shapes the figure (tilt, rate, duration …) is in the regenerating command.
        made_by = command_line(args, exclude=("json",))
        title = f"{robot.name}, {args.jacobian} Jacobian, {demo.control_rate:g} Hz, {args.timing} — made by: {made_by}"
        plot_demo(
            args.plot,
            title,
            data["actual"],
            data["commanded"],
            data["command_times"],
            data["joint_velocity"],
            data["joint_names"],
        )
    print(json.dumps(result) if args.json else summary_table(result))
    return 0
