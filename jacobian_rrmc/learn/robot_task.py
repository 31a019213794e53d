"""Train, export and measure a per-robot JacobianNet: q (sin/cos of q₂..q_M) → J⁽¹⁾ → J0 in the graph.

What is learned vs computed exactly: the net maps q₂..q_M to all 6N entries of the Jacobian expressed
in the frame turned by joint 1; the graph then rotates that by R_base·Rz(θ₁) (exact joint-1 symmetry).
M = N − 1 when the last joint's axis passes through the tool point (J0 cannot depend on q_N), else N.
No analytic Jacobian is evaluated at run time. The confidence head predicts whether the estimate's
relative Frobenius error is below `TrainingConfig.error_tolerance`; the runtime gate also requires q
inside the training ranges (the joint limits).
"""

from __future__ import annotations

import platform
from pathlib import Path

import numpy as np
import torch

from jacobian_rrmc import __version__
from jacobian_rrmc.kinematics import jacobian_world
from jacobian_rrmc.learn.export import DeployedJacobianNet, export_onnx
from jacobian_rrmc.learn.features import BaseRotation, JointAngleEncoding
from jacobian_rrmc.learn.robot_data import check_per_robot_supported, last_joint_moves_jacobian, robot_training_set
from jacobian_rrmc.learn.runtime import JacobianNetRuntime
from jacobian_rrmc.learn.training import Trainer, TrainingConfig, TrainingResult, relative_frobenius_error
from jacobian_rrmc.robots import RobotModel

TEST_SEED_OFFSET = 1000  # fresh test configurations use seed + this, never the training draw


def robot_encoding(robot: RobotModel) -> JointAngleEncoding:
    """The net's input encoding for `robot`: the last joint is left out when it cannot change J0."""
    return JointAngleEncoding(robot.n_joints, last_joint=last_joint_moves_jacobian(robot))


def train_robot(robot: RobotModel, samples: int, config: TrainingConfig, checkpoint: Path | None = None,
                resume: bool = False, progress: bool = True) -> TrainingResult:  # fmt: skip
    """Generate `samples` configurations (seeded by config.seed) and run the cycle schedule."""
    check_per_robot_supported(robot)
    data = robot_training_set(robot, samples, np.random.default_rng(config.seed))
    trainer = Trainer(robot_encoding(robot), data, config, error_confidence=True)
    if resume and checkpoint is not None and Path(checkpoint).is_file():
        trainer.resume(Path(checkpoint))
    return trainer.run(checkpoint=checkpoint, progress=progress)


def export_robot(robot: RobotModel, result: TrainingResult, path: Path, extra_metadata: dict) -> dict:
    """Export the per-robot net (with the encoding it was trained on) and q-range metadata; returns the
    metadata written."""
    base = torch.tensor(np.array(robot.base[:3, :3]), dtype=torch.float32)
    encoding = result.encoding
    deployed = DeployedJacobianNet(
        encoding, result.net, result.scaling, robot.n_joints,
        BaseRotation(base, robot.theta_offset[0]),
    )  # fmt: skip
    metadata = {
        "kind": "robot", "robot": robot.name, "n_joints": robot.n_joints, "frame": "world",
        "input_width": robot.n_joints, "feature_order": [f"q{i + 1} (rad)" for i in range(robot.n_joints)],
        "net_inputs": [f"sin/cos q{i + 1}" for i in range(1, encoding.stop)],
        "input_low": robot.q_min.tolist(), "input_high": robot.q_max.tolist(),
        "error_tolerance": result.config.error_tolerance, "training": result.config.to_dict(),
        "parameters": result.net.parameter_count(), "package_version": __version__,
        "torch_version": torch.__version__, "python": platform.python_version(), **extra_metadata,
    }  # fmt: skip
    return export_onnx(deployed, path, metadata, ("jacobian", "confidence"))


def measure_robot_model(path: Path, robot: RobotModel, count: int, seed: int) -> dict:
    """Accuracy of the exported model on `count` fresh in-limit configurations (seeded), through onnxruntime."""
    runtime = JacobianNetRuntime(path, robot=robot.name, n_joints=robot.n_joints, kind="robot")
    q = robot.random_configurations(count, np.random.default_rng(seed))
    return {"test_samples": count, "test_seed": seed, **robot_accuracy(runtime, robot, q)}


def robot_accuracy(runtime: JacobianNetRuntime, robot: RobotModel, q: np.ndarray) -> dict:
    """Relative Frobenius error of the net's J0 against the analytic one, and its confidence, at q (count, N)."""
    count = len(q)
    truth = jacobian_world(robot, q).reshape(count, -1)
    out = runtime.predict(q)
    error = relative_frobenius_error(out["jacobian"].astype(float).reshape(count, -1), truth)
    confident = out["confidence"] >= 0.5
    tolerance = runtime.metadata["error_tolerance"]
    return {
        "median_relative_frobenius_error": float(np.median(error)),
        "p95_relative_frobenius_error": float(np.percentile(error, 95)),
        "max_relative_frobenius_error": float(error.max()),
        "fraction_confident": float(confident.mean()),
        "median_error_when_confident": float(np.median(error[confident])) if confident.any() else float("nan"),
        "confidence_accuracy_vs_tolerance": float(np.mean(confident == (error < tolerance))),
    }  # fmt: skip
