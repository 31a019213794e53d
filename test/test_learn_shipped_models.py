"""The ONNX models in models/ meet the accuracy stated in their metadata (and models/MODEL_CARD.md)
on freshly generated data (seeds different from training and from the stated test sets)."""

import numpy as np
import pytest

from jacobian_rrmc.jacobians import make_jacobian_source
from jacobian_rrmc.kinematics import jacobian_world
from jacobian_rrmc.learn.runtime import JacobianNetRuntime
from jacobian_rrmc.robots import load_robot
from jacobian_rrmc.share import share_path

FRESH_SEED = 777


def _relative_error(estimate, truth):
    return np.linalg.norm(estimate - truth, axis=(-2, -1)) / np.linalg.norm(truth, axis=(-2, -1))


@pytest.mark.parametrize("name", ["puma560", "sixi2"])
def test_per_robot_net_meets_its_stated_accuracy(name):
    robot = load_robot(name)
    path = share_path("models", f"{name}_jacobian.onnx")
    runtime = JacobianNetRuntime(path, robot=name, n_joints=robot.n_joints, kind="robot")
    stated = runtime.metadata["metrics"]["median_relative_frobenius_error"]
    q = robot.random_configurations(2000, np.random.default_rng(FRESH_SEED))
    error = _relative_error(runtime.predict(q)["jacobian"].astype(float), jacobian_world(robot, q))
    assert np.median(error) <= 0.01
    assert np.median(error) <= 1.15 * stated
    assert np.percentile(error, 95) <= 1.15 * runtime.metadata["metrics"]["p95_relative_frobenius_error"]


@pytest.mark.parametrize("name", ["puma560", "sixi2"])
def test_learned_source_with_the_shipped_model_tracks_the_analytic_jacobian(name):
    robot = load_robot(name)
    source = make_jacobian_source("learned", robot)
    errors, fell_back = [], 0
    for q in robot.random_configurations(200, np.random.default_rng(FRESH_SEED + 1)):
        estimate = source.evaluate(q)
        fell_back += estimate.fell_back
        errors.append(_relative_error(estimate.jacobian_world, jacobian_world(robot, q)))
    assert fell_back <= 10  # the confidence gate rarely rejects in-limit configurations
    assert np.median(errors) <= 0.01


def test_m3_confidence_net_meets_its_stated_mcc():
    from jacobian_rrmc.dataset import generate
    from jacobian_rrmc.learn.m3_task import raw_rows
    from jacobian_rrmc.learn.metrics import classification_metrics

    runtime = JacobianNetRuntime(share_path("models", "m3_confidence.onnx"), kind="m3_confidence")
    stated = runtime.metadata["metrics"]["threshold_0.5"]["mcc"]
    test = generate("conf", 3000, FRESH_SEED, split="test")
    confidence = runtime.predict(raw_rows(test))["confidence"]
    mcc = classification_metrics(test.labels[:, 0] > 0.5, confidence >= 0.5)["mcc"]
    assert mcc >= stated - 0.02  # 3000 fresh poses: sampling spread of the MCC is about ±0.01


@pytest.mark.parametrize("name", ["m3_jacob0", "m3_jacob0_pose_only"])
def test_m3_estimation_net_meets_its_stated_r2(name):
    from jacobian_rrmc.dataset import generate
    from jacobian_rrmc.learn.m3_task import raw_rows
    from jacobian_rrmc.learn.metrics import regression_metrics

    runtime = JacobianNetRuntime(share_path("models", f"{name}.onnx"), kind="m3_jacob0", n_joints=6)
    meta = runtime.metadata
    test = generate("jacob0", 1000, FRESH_SEED, split="test")
    branch = test.branch if "branch" in runtime.input_names else None
    predicted = runtime.predict(raw_rows(test), branch)["jacobian"].astype(float).reshape(len(test), -1)
    low, high = np.array(meta["world_target_low"]), np.array(meta["world_target_high"])
    r2 = regression_metrics(test.labels, predicted, low, high)["r2"]
    assert r2 >= meta["metrics"]["r2"] - 0.01
