"""Measurements behind `jacobian-rrmc benchmark`: the paper's Tables VI/VII, the per-robot nets, timing.

Everything runs on freshly generated, seeded test sets from `jacobian_rrmc.dataset` (the M3
generator). Times are measured on this machine: "avg. time" per sample is a batch prediction over the
whole test set divided by its size (the paper's measure); batch-1 latency is the median of many single
calls, onnxruntime on one thread.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np

from jacobian_rrmc.dataset import generate, reachability_labels
from jacobian_rrmc.dataset.poses import poses_from_features
from jacobian_rrmc.ik import solve_ik
from jacobian_rrmc.jacobians import make_jacobian_source
from jacobian_rrmc.kinematics import finite_difference_jacobian, jacobian_world, pose_and_jacobian
from jacobian_rrmc.learn.baselines import run_baselines
from jacobian_rrmc.learn.features import M3_A2, M3_A3, M3_D3, M3_D4
from jacobian_rrmc.learn.m3_task import raw_rows
from jacobian_rrmc.learn.metrics import THRESHOLDS, classification_metrics, regression_metrics, threshold_metrics
from jacobian_rrmc.learn.robot_task import robot_accuracy
from jacobian_rrmc.learn.runtime import JacobianNetRuntime
from jacobian_rrmc.learn.timing import batch_timing, median_call_seconds
from jacobian_rrmc.learn.training import relative_frobenius_error
from jacobian_rrmc.robots import m3_parameters

CONFIDENCE_TEST, ESTIMATION_TEST = 3000, 2000  # the paper's test-set sizes
LARGE_CONFIDENCE_TEST = 30000


def _arms(raw: np.ndarray):
    """The M3 arms (one per row) of raw M3 rows (B, 24)."""
    return m3_parameters(raw[:, M3_D3], raw[:, M3_D4], raw[:, M3_A2], raw[:, M3_A3])


def confidence_benchmark(model: Path, train_samples: int, seed: int, progress=None) -> dict:
    """Table VI rows: our net at three thresholds, the baselines, and exact closed-form IK labelling."""
    runtime = JacobianNetRuntime(model, kind="m3_confidence")
    train = generate("conf", train_samples, seed + 7)
    test = generate("conf", CONFIDENCE_TEST, seed, split="test")
    raw, truth = raw_rows(test), test.labels[:, 0] > 0.5
    rows = []
    net_time, predicted = batch_timing(lambda: runtime.predict(raw), len(raw))
    confidence = predicted["confidence"]
    latency = median_call_seconds(lambda: runtime.predict_one(raw[0]))
    for threshold in THRESHOLDS:
        rows.append(
            {
                "method": f"JacobianNet (ours, threshold {threshold:g})",
                **classification_metrics(truth, confidence >= threshold),
                "seconds_per_sample": net_time,
                "batch1_seconds": latency,
                "train_samples": runtime.metadata.get("training_samples"),
            }
        )
    for result in run_baselines("classification", raw_rows(train), train.labels[:, 0] > 0.5, raw, seed, progress):
        rows.append(
            {
                "method": result.name,
                **classification_metrics(truth, result.predictions > 0.5),
                "seconds_per_sample": result.seconds_per_sample,
                "train_samples": result.train_samples,
            }
        )
    poses = poses_from_features(raw[:, 18:24])
    arms = _arms(raw)
    exact_time, (exact, _, _) = batch_timing(lambda: reachability_labels(arms, poses), len(raw))
    one_arm, one_pose = _arms(raw[:1]), poses[:1]
    rows.append(
        {
            "method": "closed-form IK + manipulability (exact labeller, ours)",
            **classification_metrics(truth, exact),
            "seconds_per_sample": exact_time,
            "batch1_seconds": median_call_seconds(lambda: reachability_labels(one_arm, one_pose), 300, 30),
        }
    )
    # The 3000-pose test set pins the MCC only to about ±0.005; a large fresh set gives a tighter estimate.
    large = generate("conf", LARGE_CONFIDENCE_TEST, seed + 4242, split="test")
    large_raw, large_truth = raw_rows(large), large.labels[:, 0] > 0.5
    large_confidence = runtime.predict(large_raw)["confidence"]
    large_metrics = threshold_metrics(large_truth, large_confidence)
    # Where the net errs: the best branch's manipulability of each misclassified pose (−inf: out of reach).
    wrong = large_raw[(large_confidence >= 0.5) != large_truth]
    _, wrong_best = solve_ik(_arms(wrong), poses_from_features(wrong[:, 18:24])).most_manipulable()
    return {
        "rows": rows, "test_samples": len(test), "positive_fraction": float(truth.mean()), "model": str(model),
        "large_test": {"samples": len(large), "seed": seed + 4242, **large_metrics,
                       "misclassified_best_manipulability": sorted(wrong_best.tolist())},
    }  # fmt: skip


def _estimation_net_row(model: Path, test, low: np.ndarray, high: np.ndarray) -> dict:
    runtime = JacobianNetRuntime(model, kind="m3_jacob0", n_joints=6)
    raw = raw_rows(test)
    branch = test.branch if "branch" in runtime.input_names else None
    seconds_per_sample, out = batch_timing(lambda: runtime.predict(raw, branch), len(raw))
    predicted = out["jacobian"].astype(float).reshape(len(raw), -1)
    one = {runtime.input_names[0]: raw[:1].astype(np.float32)}
    if branch is not None:
        one["branch"] = branch[:1].astype(np.int64)
    return {
        "method": "JacobianNet (ours, " + ("IK branch given)" if branch is not None else "pose only)"),
        **regression_metrics(test.labels, predicted, low, high),
        "seconds_per_sample": seconds_per_sample,
        "batch1_seconds": median_call_seconds(lambda: runtime.session.run(None, one)),
        "median_relative_frobenius_error": float(np.median(relative_frobenius_error(predicted, test.labels))),
        "train_samples": runtime.metadata.get("training_samples"),
    }


def estimation_benchmark(models: list[Path], train_samples: int, seed: int, progress=None) -> dict:
    """Table VII rows: our nets (first: the shipped branch net), the baselines, exact IK → analytic Jacobian."""
    first = JacobianNetRuntime(models[0], kind="m3_jacob0", n_joints=6).metadata
    low, high = np.array(first["world_target_low"]), np.array(first["world_target_high"])
    train = generate("jacob0", train_samples, seed + 7)
    test = generate("jacob0", ESTIMATION_TEST, seed, split="test")
    raw = raw_rows(test)
    rows = [_estimation_net_row(model, test, low, high) for model in models]
    for result in run_baselines("regression", raw_rows(train), train.labels, raw, seed, progress):
        rows.append(
            {
                "method": result.name,
                **regression_metrics(test.labels, result.predictions, low, high),
                "seconds_per_sample": result.seconds_per_sample,
                "train_samples": result.train_samples,
            }
        )
    arms, poses = _arms(raw), poses_from_features(raw[:, 18:24])
    exact_time = batch_timing(lambda: jacobian_world(arms, reachability_labels(arms, poses)[1]), len(raw))[0]
    rows.append({"method": "closed-form IK → analytic J0 (exact, ours)", "seconds_per_sample": exact_time})
    one_arm = _arms(raw[:1])
    rows.append(
        {
            "method": "analytic J0 given q (ours)",
            "seconds_per_sample": batch_timing(lambda: jacobian_world(arms, test.q), len(raw))[0],
            "batch1_seconds": median_call_seconds(lambda: jacobian_world(one_arm, test.q[0])),
        }
    )
    return {"rows": rows, "test_samples": len(test), "models": [str(m) for m in models]}


def robot_benchmark(model: Path, robot, count: int, seed: int) -> dict:
    """Per-robot net: accuracy on fresh in-limit configurations, latency and throughput vs exact sources."""
    runtime = JacobianNetRuntime(model, robot=robot.name, n_joints=robot.n_joints, kind="robot")
    q = robot.random_configurations(count, np.random.default_rng(seed))
    accuracy = {"test_samples": count, "test_seed": seed, **robot_accuracy(runtime, robot, q)}
    source = make_jacobian_source("learned", robot, model_path=str(model))
    analytic = make_jacobian_source("analytic", robot)
    q0 = q[0]
    # The learned source as the loop calls it: successive states along a path (steps of ~3e-4 rad about the
    # robot's default configuration), so every call also updates the secant correction.
    wave = np.sin(np.linspace(0.0, 2.0 * np.pi, 200, endpoint=False))
    path = itertools.cycle(
        robot.configuration(robot.default_configuration_name) + 0.01 * np.outer(wave, np.ones(robot.n_joints))
    )
    return {
        "robot": robot.name,
        "model": str(model),
        "model_bytes": Path(model).stat().st_size,
        "parameters": runtime.metadata.get("parameters"),
        **accuracy,
        "net_batch1_seconds": median_call_seconds(lambda: runtime.predict_one(q0)),
        "learned_source_batch1_seconds": median_call_seconds(lambda: source.evaluate(next(path))),
        "analytic_source_batch1_seconds": median_call_seconds(lambda: analytic.evaluate(q0)),
        "finite_difference_batch1_seconds": median_call_seconds(lambda: finite_difference_jacobian(robot, q0)),
        "net_batched_samples_per_second": 1.0 / batch_timing(lambda: runtime.predict(q), count)[0],
        "analytic_batched_samples_per_second": 1.0 / batch_timing(lambda: pose_and_jacobian(robot, q), count)[0],
    }
