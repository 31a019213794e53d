"""Per-robot nets: PReLU vs SiLU, with and without the last joint as input — Jacobian error and closed loop.

Trains the four variants for each robot with one small recipe (same data, seed and sizes; only the
activation and the input encoding differ), exports each to ONNX and measures:

- the median / p95 relative Frobenius error of J0 on fresh in-limit configurations (onnxruntime);
- the closed-loop RMS twist error of the demo script with the learned source (the exported model
  through `LearnedJacobian` with confidence threshold 0 and no secant correction, so every cycle uses
  the net alone and the loop measures it, not the fallback or the correction; the controller from
  config/rrmc.yaml), in `demo_replica`, the demo without DDS. It isolates what the Jacobian source
  contributes; the analytic source in the same replica shows the floor (no scheduling jitter here,
  unlike the DDS demo).

    PYTHONPATH=. python benchmarks/per_robot_ablation.py [--samples 100000] [--epochs 40]
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from jacobian_rrmc.jacobians import make_jacobian_source
from jacobian_rrmc.jacobians.learned import shipped_model_path
from jacobian_rrmc.learn.features import JointAngleEncoding
from jacobian_rrmc.learn.model import NetSizes
from jacobian_rrmc.learn.robot_data import robot_training_set
from jacobian_rrmc.learn.robot_task import TEST_SEED_OFFSET, export_robot, measure_robot_model
from jacobian_rrmc.learn.runtime import JacobianNetRuntime
from jacobian_rrmc.learn.training import Trainer, TrainingConfig
from jacobian_rrmc.machine import machine_summary
from jacobian_rrmc.robots import RobotModel, load_robot
from jacobian_rrmc.ros.demo_replica import replica_closed_loop

RESULTS = Path(__file__).resolve().parent / "results"
TILTS_DEG = (0.0, 30.0)


def train_variant(robot: RobotModel, data, activation: str, last_joint: bool, epochs: int, seed: int):
    sizes = NetSizes(encoder=(128, 128, 128), confidence=(32,), estimation=(128,), batch_norm=False,
                     activation=activation)  # fmt: skip
    config = TrainingConfig(epochs=epochs, pretrain=epochs - epochs // 8, learning_rate=3e-3, validation_split=0.05,
                            patience=epochs, seed=seed, sizes=sizes)  # fmt: skip
    encoding = JointAngleEncoding(robot.n_joints, last_joint=last_joint)
    return Trainer(encoding, data, config, error_confidence=True).run(progress=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robots", default="puma560,sixi2")
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(RESULTS / "per_robot_ablation.md"))
    args = parser.parse_args()
    started = time.time()
    variants = [(a, last) for a in ("prelu", "silu") for last in (True, False)]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for name in args.robots.split(","):
            robot = load_robot(name)
            floor = [replica_closed_loop(robot, make_jacobian_source("analytic", robot), t) for t in TILTS_DEG]
            rows.append((name, "analytic (floor)", "", None, floor))
            metadata = JacobianNetRuntime(shipped_model_path(name), robot=name, n_joints=robot.n_joints).metadata
            shipped = make_jacobian_source("learned", robot, confidence_threshold=0.0, secant_correction=False)
            loops = [replica_closed_loop(robot, shipped, t) for t in TILTS_DEG]
            label = f"shipped model ({metadata['training']['sizes']['activation']})"
            inputs = "q2.." + metadata["net_inputs"][-1].split()[-1]
            rows.append((name, label, inputs, metadata["metrics"], loops))
            data = robot_training_set(robot, args.samples, np.random.default_rng(args.seed))
            for activation, last_joint in tqdm(variants, desc=name):
                result = train_variant(robot, data, activation, last_joint, args.epochs, args.seed)
                path = Path(scratch) / f"{name}_{activation}_{last_joint}.onnx"
                export_robot(robot, result, path, {})
                accuracy = measure_robot_model(path, robot, 20000, args.seed + TEST_SEED_OFFSET)
                source = make_jacobian_source(
                    "learned", robot, model_path=str(path), confidence_threshold=0.0, secant_correction=False
                )
                loops = [replica_closed_loop(robot, source, t) for t in TILTS_DEG]
                inputs = f"q2..q{result.encoding.stop}"
                rows.append((name, activation, inputs, accuracy, loops))
    command = "PYTHONPATH=. python benchmarks/per_robot_ablation.py " + shlex.join(sys.argv[1:])
    lines = [
        "# Per-robot nets: activation and input ablation",
        "",
        f"- command: `{command.strip()}` ({(time.time() - started) / 60:.1f} min)",
        f"- machine: {machine_summary()}",
        f"- recipe for every variant: {args.samples} seeded configurations (seed {args.seed}), encoder 3×128, "
        f"estimation head 128, confidence head 32, {args.epochs} epochs, Adam 3e-3 cosine; only the activation "
        "and the joints the net reads differ",
        "- J error: relative Frobenius error of J0 on 20 000 fresh in-limit configurations (onnxruntime)",
        "- closed loop: RMS twist error of the demo script (20 s; tilt 0° and 30°) with the exported model as the "
        "learned source (confidence threshold 0, no secant correction: the net alone, every cycle), controller "
        "from config/rrmc.yaml, in a DDS-free replica of the demo (arm stepped at the control rate); the analytic "
        "row is that replica's floor; the shipped-model row is the model in models/ "
        "(its own, larger recipe; J errors from its metadata)",
        "",
        "| robot | activation | net reads | median J error | p95 J error | RMS linear, 0° (m/s) | RMS angular, 0° "
        "(rad/s) | RMS linear, 30° (m/s) | RMS angular, 30° (rad/s) | fallback rate |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, activation, inputs, accuracy, loops in rows:
        errors = ("", "") if accuracy is None else (
            f"{100 * accuracy['median_relative_frobenius_error']:.3f} %",
            f"{100 * accuracy['p95_relative_frobenius_error']:.3f} %",
        )  # fmt: skip
        loop_cells = " | ".join(f"{value:.2e}" for tracking, _ in loops for value in tracking.error_rms)
        fallback = max(rate for _, rate in loops)
        cells = [name, activation, inputs, *errors, loop_cells, f"{fallback:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
