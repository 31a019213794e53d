"""`jacobian-rrmc jacobian`: print the tool pose and the 6×N Jacobian at one configuration."""

from __future__ import annotations

import json

import numpy as np

from jacobian_rrmc.cli.main import UsageError
from jacobian_rrmc.cli.parsing import joint_vector, robot_argument
from jacobian_rrmc.kinematics import finite_difference_jacobian, pose_and_jacobian, world_to_end_effector
from jacobian_rrmc.kinematics.forward import FRAMES

METHODS = ("analytic", "fd", "learned")


def register(subparsers) -> None:
    parser = subparsers.add_parser("jacobian", help="tool pose and Jacobian at one configuration")
    parser.add_argument("--robot", required=True, help="catalogue name (e.g. puma560) or path to a robot YAML")
    parser.add_argument("--q", required=True, help="joint values Q1,...,QN (radians/metres) or a named pose")
    parser.add_argument("--deg", action="store_true", help="revolute joint values are in degrees")
    parser.add_argument(
        "--method", choices=METHODS, default="analytic", help="analytic, finite difference, or learned (JacobianNet)"
    )
    parser.add_argument("--model", help="learned: ONNX model path (default: the packaged per-robot model)")
    parser.add_argument("--frame", choices=FRAMES, default="world", help="J0 (world) or Je (end effector)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def compute(args) -> dict:
    """The answer as a dict: pose (4×4), jacobian (6×N), method, frame, plus extras."""
    robot = robot_argument(args.robot)
    q = joint_vector(args.q, robot, args.deg)
    extras = {}
    if args.method == "fd":
        pose, jacobian = finite_difference_jacobian(robot, q, frame=args.frame)
    elif args.method == "learned":
        pose, jacobian, extras = _learned(robot, q, args.model, args.frame)
    else:
        pose, jacobian = pose_and_jacobian(robot, q, args.frame)
    return {
        "robot": robot.name,
        "q": q.tolist(),
        "method": args.method,
        "frame": args.frame,
        "pose": pose.tolist(),
        "jacobian": jacobian.tolist(),
        **extras,
    }


def _learned(robot, q, model_path, frame):
    """The learned source's answer (net, or finite differences when its gate says no) and its gate values."""
    from jacobian_rrmc.jacobians import LearnedModelError, make_jacobian_source

    try:
        source = make_jacobian_source("learned", robot, model_path=model_path)
    except LearnedModelError as error:
        raise UsageError(str(error)) from None
    estimate = source.evaluate(q)
    jacobian = estimate.jacobian_world
    if frame == "ee":
        jacobian = world_to_end_effector(estimate.pose, jacobian)
    return estimate.pose, jacobian, {"confidence": estimate.confidence, "fell_back": estimate.fell_back}


def run(args) -> int:
    result = compute(args)
    if args.json:
        print(json.dumps(result))
        return 0
    rows = ["vx", "vy", "vz", "wx", "wy", "wz"]
    with np.printoptions(precision=6, suppress=True, linewidth=120):
        print(f"robot {result['robot']}  method {result['method']}  frame {result['frame']}")
        if "confidence" in result:
            print(f"confidence {result['confidence']:.4f}  fell_back {result['fell_back']}")
        print("q [rad/m] =", np.array(result["q"]))
        print("tool pose T (world frame, metres):")
        print(np.array(result["pose"]))
        print(
            f"Jacobian ({'J0, world' if args.frame == 'world' else 'Je, end-effector'} frame; rows [v m/s, w rad/s]):"
        )
        for name, row in zip(rows, np.array(result["jacobian"]), strict=True):
            print(f"  {name} {row}")
    return 0
