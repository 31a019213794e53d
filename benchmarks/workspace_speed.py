"""Exact vs learned workspace maps of the PUMA 560 and Sixi 2: agreement and speed on the same grid.

For each robot, a constant-orientation slice (plane xz through the tool point of its named pose
qn / home, that pose's orientation) covers the box the M3 nets were trained on (±0.4 m around
the shoulder). Three maps fill the same grid:

- exact, as `jacobian-rrmc workspace` draws it: closed-form IK, best branch within the joint limits;
- exact, M3 labels: every valid IK branch (M3 arms have no joint limits), reachable only if the best
  manipulability exceeds 0.03 — the definition the nets were trained on;
- learned: confidence net ≥ 0.5 for reachability, manipulability of the estimation net's J0.

Agreement (on cells inside the nets' training ranges): IoU of the reachable sets, and the
manipulability error where both call a cell reachable. Speed: median wall time of each map over
repeats, one thread, and the learned map's speed-up. Writes docs/workspace_<robot>_exact_vs_learned.png
and benchmarks/results/workspace_speed.md.

    PYTHONPATH=. python benchmarks/workspace_speed.py [--resolution 120] [--repeats 5] [--models DIR]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import sys
import time
from pathlib import Path

for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402

from jacobian_rrmc.kinematics import forward_kinematics  # noqa: E402
from jacobian_rrmc.robots import load_robot, m3_arm  # noqa: E402
from jacobian_rrmc.workspace.best_solution import best_solutions  # noqa: E402
from jacobian_rrmc.workspace.learned import LearnedWorkspace  # noqa: E402
from jacobian_rrmc.workspace.plot import plot_slice  # noqa: E402
from jacobian_rrmc.workspace.slice import default_offset, slice_grid  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ROBOTS = {"puma560": "qn", "sixi2": "home"}
PLANE = "xz"
TRAINING_HALF_WIDTH = 0.4  # m: M3 randPose positions, p ~ U[-0.4, 0.4]^3 around the shoulder
M3_CUTOFF = 0.03


def timed(function, repeats: int):
    """(result of the last call, median seconds over `repeats` calls)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, float(np.median(times))


def iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.sum(a | b)
    return float(np.sum(a & b) / union) if union else 1.0


def compare(robot_name: str, configuration: str, nets_dir, resolution: int, repeats: int) -> dict:
    robot = load_robot(robot_name)
    q_ref = robot.configuration(configuration)
    rotation = forward_kinematics(robot, q_ref)[:3, :3]
    offset = default_offset(robot, PLANE, q_ref)
    shoulder = robot.base @ np.array([0.0, 0.0, robot.d[0], 1.0])
    h = TRAINING_HALF_WIDTH
    bounds = (shoulder[0] - h, shoulder[0] + h, shoulder[2] - h, shoulder[2] + h)
    grid = slice_grid(robot, PLANE, offset, rotation, resolution, bounds)
    poses = grid.poses()
    nets = LearnedWorkspace(robot, nets_dir)
    nets.evaluate(poses[:1000], progress=False)  # warm-up: onnxruntime allocates on the first call
    exact, t_exact = timed(lambda: best_solutions(robot, poses, progress=False), repeats)
    labels, t_labels = timed(
        lambda: best_solutions(robot, poses, joint_limits=False, cutoff=M3_CUTOFF, progress=False), repeats
    )
    learned, t_learned = timed(lambda: nets.evaluate(poses, progress=False), repeats)
    inside = learned.inside
    learned_reach = np.isfinite(learned.manipulability)
    both = learned_reach & labels.reachable
    error = np.abs(learned.manipulability[both] - labels.manipulability[both])
    relative = error / labels.manipulability[both]
    given_branch = _error_given_best_branch(nets, poses[both], labels.manipulability[both])
    result = {
        "robot": robot_name,
        "configuration": configuration,
        "offset": offset,
        "cells": len(poses),
        "inside": float(inside.mean()),
        "iou_labels": iou(learned_reach[inside], labels.reachable[inside]),
        "iou_limits": iou(learned_reach[inside], exact.reachable[inside]),
        "accuracy_labels": float(np.mean(learned_reach[inside] == labels.reachable[inside])),
        "reach_labels": float(labels.reachable[inside].mean()),
        "reach_learned": float(learned_reach[inside].mean()),
        "mae": float(error.mean()) if error.size else float("nan"),
        "mean_manip": float(labels.manipulability[both].mean()) if error.size else float("nan"),
        "median_rel": float(np.median(relative)) if error.size else float("nan"),
        "p90_rel": float(np.percentile(relative, 90)) if error.size else float("nan"),
        "median_rel_given_branch": given_branch,
        "takes_branch": nets.takes_branch,
        "t_exact": t_exact,
        "t_labels": t_labels,
        "t_learned": t_learned,
        "models": nets.note,
    }
    title = (
        f"{robot_name}: exact vs learned constant-orientation map, plane y = {offset:.3f} m, orientation of "
        f"{configuration}, {resolution}×{resolution} cells of {1000 * (grid.u_nodes[1] - grid.u_nodes[0]):.1f} mm\n"
        f"reachable-set IoU {result['iou_labels']:.3f}; manipulability MAE {result['mae']:.4f} "
        f"(median relative error {result['median_rel']:.1%}); time exact {1000 * t_labels:.0f} ms, "
        f"learned {1000 * t_learned:.0f} ms"
    )
    plot_slice(
        grid,
        [
            ("exact, M3 label definition (no joint limits, manipulability > 0.03)",
             labels.manipulability.reshape(grid.shape), None),
            (f"learned (confidence ≥ {nets.threshold:g}, estimated J0)", learned.manipulability.reshape(grid.shape),
             ~inside.reshape(grid.shape)),
        ],
        title,
        f"PYTHONPATH=. python benchmarks/workspace_speed.py --resolution {resolution}   ({nets.note})",
        ROOT / "docs" / f"workspace_{robot_name}_exact_vs_learned.png",
    )  # fmt: skip
    return result


def _error_given_best_branch(nets: LearnedWorkspace, poses: np.ndarray, truth: np.ndarray) -> float:
    """Diagnosis for branch-taking nets: median relative manipulability error when the net is told the
    best branch (from IK on the M3 form, as the training labels were made) instead of taking the best
    of its 8 estimates. NaN for pose-only nets."""
    if not nets.takes_branch or len(poses) == 0:
        return float("nan")
    form = nets.form
    arm = m3_arm(**form.parameters)
    m3_poses = np.linalg.inv(form.left) @ poses @ np.linalg.inv(form.right)
    branch = best_solutions(arm, m3_poses, joint_limits=False, progress=False).branch
    estimate = nets.estimated_manipulability(form.raw_rows(poses), branch)
    return float(np.median(np.abs(estimate - truth) / truth))


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def report(results: list[dict], command: str, resolution: int, repeats: int) -> str:
    lines = [
        "# Workspace maps: exact vs learned (JacobianNet M3 nets)",
        "",
        f"- command: `{command}`",
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {_cpu_name()}, {os.cpu_count()} logical CPUs; one thread (onnxruntime and numpy)",
        f"- software: Python {platform.python_version()}, numpy {np.__version__}, onnxruntime {ort.__version__}",
        f"- grid: plane {PLANE} through the tool point of the named pose, that pose's orientation, "
        f"{resolution}×{resolution} cells over the shoulder ± {TRAINING_HALF_WIDTH} m box; median of {repeats} runs",
        f"- models: {results[0]['models']}",
        "",
        "## Agreement (cells inside the nets' training ranges)",
        "",
        "| robot | cells inside | reachable (exact M3 labels / learned) | IoU vs M3-label map | accuracy | "
        "IoU vs joint-limited map | manipulability MAE (mean value) | median / p90 relative error | "
        "median relative error given the best branch |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['robot']} | {r['inside']:.1%} | {r['reach_labels']:.1%} / {r['reach_learned']:.1%} | "
            f"{r['iou_labels']:.3f} | {r['accuracy_labels']:.3f} | {r['iou_limits']:.3f} | "
            f"{r['mae']:.4f} ({r['mean_manip']:.4f}) | {r['median_rel']:.1%} / {r['p90_rel']:.1%} | "
            + ("n/a (pose-only net)" if not r["takes_branch"] else f"{r['median_rel_given_branch']:.1%}")
            + " |"
        )
    lines += [
        "",
        "## Speed (same grid)",
        "",
        "| robot | cells | exact, joint limits (ms) | exact, M3 labels (ms) | learned (ms) | "
        "speed-up vs limits map | speed-up vs M3-label map |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['robot']} | {r['cells']:,} | {1000 * r['t_exact']:.1f} | {1000 * r['t_labels']:.1f} | "
            f"{1000 * r['t_learned']:.1f} | {r['t_exact'] / r['t_learned']:.2f}× | "
            f"{r['t_labels'] / r['t_learned']:.2f}× |"
        )
    lines += ["", "Figures: " + ", ".join(f"docs/workspace_{r['robot']}_exact_vs_learned.png" for r in results), ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=120, help="cells per side (default 120)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per map (default 5)")
    parser.add_argument("--models", help="directory of the ONNX models (default: the installed models/)")
    args = parser.parse_args()
    command = shlex.join(["PYTHONPATH=.", "python", "benchmarks/workspace_speed.py", *sys.argv[1:]])
    results = [compare(name, conf, args.models, args.resolution, args.repeats) for name, conf in ROBOTS.items()]
    text = report(results, command, args.resolution, args.repeats)
    print(text)
    out = ROOT / "benchmarks" / "results" / "workspace_speed.md"
    out.write_text(text)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
