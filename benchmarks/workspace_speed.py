"""Exact vs learned workspace maps of the PUMA 560 and Sixi 2: agreement and speed on the same grid.

For each robot, a constant-orientation slice (plane xz through the tool point of its named pose
qn / home, that pose's orientation) covers the box the M3 nets were trained on (±0.4 m around
the shoulder). Three maps fill the same grid:

- exact, as `jacobian-rrmc workspace` draws it: closed-form IK, best branch within the joint limits;
- exact, M3 labels: every valid IK branch (M3 arms have no joint limits), reachable only if the best
  manipulability exceeds 0.03 — the definition the nets were trained on;
- learned: confidence net ≥ 0.5 and estimated manipulability > 0.03 for reachability, manipulability
  of the estimation net's J0.

The same three maps are also compared on an orientation grid (approach directions × rolls) at a
point inside the training box.

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
from jacobian_rrmc.machine import machine_summary  # noqa: E402
from jacobian_rrmc.robots import load_robot  # noqa: E402
from jacobian_rrmc.workspace.best_solution import best_solutions  # noqa: E402
from jacobian_rrmc.workspace.grid import reach_sphere  # noqa: E402
from jacobian_rrmc.workspace.learned import LearnedWorkspace  # noqa: E402
from jacobian_rrmc.workspace.orientation import orientation_grid  # noqa: E402
from jacobian_rrmc.workspace.plot import plot_slice  # noqa: E402
from jacobian_rrmc.workspace.slice import default_offset, slice_grid  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ROBOTS = {"puma560": "qn", "sixi2": "home"}
PLANE = "xz"
TRAINING_HALF_WIDTH = 0.4  # m: M3 randPose positions, p ~ U[-0.4, 0.4]^3 around the shoulder
M3_CUTOFF = 0.03
# Orientation maps: points inside the training box (shoulder-relative positions within ±0.4 m).
ORIENTATION_POINTS = {"puma560": (0.3, -0.15, 0.8), "sixi2": (0.3, 0.0, 0.35)}
ROLLS = 12


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


def agreement(robot, poses: np.ndarray, nets: LearnedWorkspace, repeats: int) -> tuple[dict, object, object]:
    """Metrics and timings of the three maps on `poses`; returns (metrics, M3-label map, learned map)."""
    nets.evaluate(poses[:1000], progress=False)  # warm-up: onnxruntime allocates on the first call
    exact, t_exact = timed(lambda: best_solutions(robot, poses, progress=False), repeats)
    labels, t_labels = timed(
        lambda: best_solutions(robot, poses, joint_limits=False, cutoff=M3_CUTOFF, progress=False), repeats
    )
    learned, t_learned = timed(lambda: nets.evaluate(poses, progress=False), repeats)
    # Breakdown: the confidence net alone (M3 rows + one forward pass), without the estimation net.
    confidence, t_confidence = timed(lambda: nets.confidence_net.predict(nets.form.raw_rows(poses)), repeats)
    inside = learned.inside
    learned_reach = np.isfinite(learned.manipulability)
    confidence_reach = confidence["confidence"].reshape(-1) >= nets.threshold
    both = learned_reach & labels.reachable
    error = np.abs(learned.manipulability[both] - labels.manipulability[both])
    relative = error / labels.manipulability[both]
    nan = float("nan")
    metrics = {
        "cells": len(poses),
        "inside": float(inside.mean()),
        "iou_labels": iou(learned_reach[inside], labels.reachable[inside]),
        "iou_confidence_only": iou(confidence_reach[inside], labels.reachable[inside]),
        "iou_limits": iou(learned_reach[inside], exact.reachable[inside]),
        "accuracy_labels": float(np.mean(learned_reach[inside] == labels.reachable[inside])),
        "reach_labels": float(labels.reachable[inside].mean()),
        "reach_learned": float(learned_reach[inside].mean()),
        "mae": float(error.mean()) if error.size else nan,
        "mean_manip": float(labels.manipulability[both].mean()) if error.size else nan,
        "median_rel": float(np.median(relative)) if error.size else nan,
        "p90_rel": float(np.percentile(relative, 90)) if error.size else nan,
        "median_rel_given_branch": _error_given_best_branch(nets, poses[both], labels.manipulability[both]),
        "takes_branch": nets.takes_branch,
        "t_exact": t_exact,
        "t_labels": t_labels,
        "t_learned": t_learned,
        "t_confidence": t_confidence,
        "models": nets.note,
    }
    return metrics, labels, learned


def compare_slice(robot_name: str, configuration: str, nets_dir, resolution: int, repeats: int) -> dict:
    robot = load_robot(robot_name)
    q_ref = robot.configuration(configuration)
    rotation = forward_kinematics(robot, q_ref)[:3, :3]
    offset = default_offset(robot, PLANE, q_ref)
    shoulder, _ = reach_sphere(robot)
    h = TRAINING_HALF_WIDTH
    bounds = (shoulder[0] - h, shoulder[0] + h, shoulder[2] - h, shoulder[2] + h)
    grid = slice_grid(robot, PLANE, offset, rotation, resolution, bounds)
    nets = LearnedWorkspace(robot, nets_dir)
    result, labels, learned = agreement(robot, grid.poses(), nets, repeats)
    result.update(robot=robot_name, grid=f"slice y = {offset:.3f} m, orientation of {configuration}")
    title = (
        f"{robot_name}: exact vs learned constant-orientation map, plane y = {offset:.3f} m, orientation of "
        f"{configuration}, {resolution}×{resolution} cells of {1000 * (grid.u_nodes[1] - grid.u_nodes[0]):.1f} mm\n"
        f"reachable-set IoU {result['iou_labels']:.3f}; manipulability MAE {result['mae']:.4f} "
        f"(median relative error {result['median_rel']:.1%}); time exact {1000 * result['t_labels']:.0f} ms, "
        f"learned {1000 * result['t_learned']:.0f} ms"
    )
    plot_slice(
        grid,
        [
            ("exact, M3 label definition (no joint limits, manipulability > 0.03)",
             labels.manipulability.reshape(grid.shape), None),
            ("learned (confidence net + estimated J0)", learned.manipulability.reshape(grid.shape),
             ~learned.inside.reshape(grid.shape)),
        ],
        title,
        f"PYTHONPATH=. python benchmarks/workspace_speed.py --resolution {resolution}   ({nets.note})",
        ROOT / "docs" / f"workspace_{robot_name}_exact_vs_learned.png",
    )  # fmt: skip
    return result


def compare_orientation(robot_name: str, point, nets_dir, resolution: int, repeats: int) -> dict:
    robot = load_robot(robot_name)
    grid = orientation_grid(np.asarray(point, dtype=float), resolution // 2, ROLLS)
    nets = LearnedWorkspace(robot, nets_dir)
    result, _, _ = agreement(robot, grid.poses(), nets, repeats)
    where = ", ".join(f"{v:g}" for v in point)
    result.update(robot=robot_name, grid=f"orientations at ({where}) m, {grid.shape[1]}×{grid.shape[0]}×{ROLLS}")
    return result


def _error_given_best_branch(nets: LearnedWorkspace, poses: np.ndarray, truth: np.ndarray) -> float:
    """Diagnosis for branch-taking nets: median relative manipulability error when the net is told the
    best branch (from IK on the M3 form, as the training labels were made) instead of taking the best
    of its 8 estimates. NaN for pose-only nets."""
    if not nets.takes_branch or len(poses) == 0:
        return float("nan")
    form = nets.form
    branch = best_solutions(form.arm(), form.m3_poses(poses), joint_limits=False, progress=False).branch
    estimate = nets.estimated_manipulability(form.raw_rows(poses), branch)
    return float(np.median(np.abs(estimate - truth) / truth))


def report(results: list[dict], command: str, resolution: int, repeats: int) -> str:
    lines = [
        "# Workspace maps: exact vs learned (JacobianNet M3 nets)",
        "",
        f"- command: `{command}`",
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine at the end: {machine_summary()}; one thread (onnxruntime and numpy)",
        f"- software: Python {platform.python_version()}, numpy {np.__version__}, onnxruntime {ort.__version__}",
        f"- grids: slice = plane {PLANE} through the tool point of the named pose with that pose's orientation, "
        f"{resolution}×{resolution} cells over the shoulder ± {TRAINING_HALF_WIDTH} m box; orientation = "
        f"{resolution}×{resolution // 2} approach directions × {ROLLS} rolls at a point inside the box; "
        f"median of {repeats} runs",
        f"- models: {results[0]['models']}",
        "- exact maps: `joint limits` = what `jacobian-rrmc workspace` draws (best in-limit IK branch); "
        "`M3 labels` = every valid branch, reachable only if manipulability > 0.03 — what the nets were trained on",
        "",
        "## Agreement (cells inside the nets' training ranges)",
        "",
        "| robot | grid | cells inside | reachable (exact M3 labels / learned) | IoU vs M3-label map | accuracy | "
        "IoU, confidence net alone | IoU vs joint-limited map | manipulability MAE (mean value) | "
        "median / p90 relative error | median relative error given the best branch |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['robot']} | {r['grid']} | {r['inside']:.1%} | {r['reach_labels']:.1%} / {r['reach_learned']:.1%} | "
            f"{r['iou_labels']:.3f} | {r['accuracy_labels']:.3f} | {r['iou_confidence_only']:.3f} | "
            f"{r['iou_limits']:.3f} | {r['mae']:.4f} ({r['mean_manip']:.4f}) | "
            f"{r['median_rel']:.1%} / {r['p90_rel']:.1%} | "
            + ("n/a (pose-only net)" if not r["takes_branch"] else f"{r['median_rel_given_branch']:.1%}")
            + " |"
        )
    lines += [
        "",
        "## Speed (same grid)",
        "",
        "| robot | grid | poses | exact, joint limits (ms) | exact, M3 labels (ms) | learned (ms) | "
        "speed-up vs limits map | speed-up vs M3-label map | confidence net alone (ms) | "
        "its speed-up vs M3 labels |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['robot']} | {r['grid']} | {r['cells']:,} | {1000 * r['t_exact']:.1f} | "
            f"{1000 * r['t_labels']:.1f} | {1000 * r['t_learned']:.1f} | {r['t_exact'] / r['t_learned']:.2f}× | "
            f"{r['t_labels'] / r['t_learned']:.2f}× | {1000 * r['t_confidence']:.1f} | "
            f"{r['t_labels'] / r['t_confidence']:.2f}× |"
        )
    figures = ", ".join(f"docs/workspace_{name}_exact_vs_learned.png" for name in ROBOTS)
    lines += ["", f"Figures (slice grids): {figures}", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=120, help="cells per side (default 120)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per map (default 5)")
    parser.add_argument("--models", help="directory of the ONNX models (default: the installed models/)")
    args = parser.parse_args()
    if args.resolution < 4 or args.repeats < 1:
        parser.error("need --resolution >= 4 and --repeats >= 1")
    command = shlex.join(["PYTHONPATH=.", "python", "benchmarks/workspace_speed.py", *sys.argv[1:]])
    results = []
    for name, configuration in ROBOTS.items():
        results.append(compare_slice(name, configuration, args.models, args.resolution, args.repeats))
        results.append(compare_orientation(name, ORIENTATION_POINTS[name], args.models, args.resolution, args.repeats))
    text = report(results, command, args.resolution, args.repeats)
    print(text)
    out = ROOT / "benchmarks" / "results" / "workspace_speed.md"
    out.write_text(text)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
