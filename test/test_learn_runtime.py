"""ONNX export + onnxruntime: same numbers as torch, bad model files refused clearly, learned-source gate."""

import copy
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from jacobian_rrmc.jacobians import LearnedModelError, make_jacobian_source  # noqa: E402
from jacobian_rrmc.kinematics import finite_difference_jacobian, forward_kinematics  # noqa: E402
from jacobian_rrmc.learn.export import DeployedJacobianNet  # noqa: E402
from jacobian_rrmc.learn.features import BaseRotation  # noqa: E402
from jacobian_rrmc.learn.model import NetSizes  # noqa: E402
from jacobian_rrmc.learn.robot_task import export_robot, train_robot  # noqa: E402
from jacobian_rrmc.learn.runtime import JacobianNetRuntime, ModelFileError  # noqa: E402
from jacobian_rrmc.learn.training import TrainingConfig  # noqa: E402
from jacobian_rrmc.robots import load_robot  # noqa: E402


@pytest.fixture(scope="module")
def tiny_model(puma, tmp_path_factory):
    sizes = NetSizes((16,), (8,), (16,), activation="silu")  # as the shipped per-robot nets
    config = TrainingConfig(epochs=3, pretrain=1, batch_size=256, sizes=sizes)
    result = train_robot(puma, 2000, config, progress=False)
    path = tmp_path_factory.mktemp("model") / "puma560_tiny.onnx"
    export_robot(puma, result, path, {"command": "test"})
    return path, result


def test_onnx_output_matches_the_torch_module(puma, tiny_model, rng):
    path, result = tiny_model
    q = puma.random_configurations(64, rng)
    deployed = DeployedJacobianNet(
        result.encoding, result.net, result.scaling, 6, BaseRotation(torch.eye(3), puma.theta_offset[0])
    ).eval()
    with torch.no_grad():
        jacobian, confidence = deployed(torch.as_tensor(q, dtype=torch.float32))
    runtime = JacobianNetRuntime(path, robot="puma560", n_joints=6)
    out = runtime.predict(q)
    np.testing.assert_allclose(out["jacobian"], jacobian.numpy(), atol=2e-5)
    np.testing.assert_allclose(out["confidence"], confidence.numpy(), atol=2e-6)
    single = runtime.predict_one(q[0])
    np.testing.assert_allclose(single[0][0], out["jacobian"][0], atol=1e-6)
    assert runtime.metadata["robot"] == "puma560" and runtime.metadata["input_low"] == puma.q_min.tolist()
    # The PUMA's tool point is on the joint-6 axis, so the net reads q2..q5 only and ignores q6 exactly.
    assert runtime.metadata["net_inputs"] == [f"sin/cos q{i}" for i in range(2, 6)]
    turned = q.copy()
    turned[:, 5] = rng.uniform(puma.q_min[5], puma.q_max[5], len(q))
    np.testing.assert_array_equal(runtime.predict(turned)["jacobian"], out["jacobian"])


def test_folded_scaling_gives_the_training_path_outputs(tiny_model, rng):
    """The exported net takes raw features: same logits and de-scaled J as standardise → net → unscale."""
    from jacobian_rrmc.learn.export import scaling_folded_into

    _, result = tiny_model
    features = rng.normal(size=(32, result.net.in_features)) * 3 + 1
    net = copy.deepcopy(result.net).double().eval()
    with torch.no_grad():
        logit, scaled = net(torch.as_tensor(result.scaling.features(features)))
        folded_logit, jacobian = scaling_folded_into(net, result.scaling)(torch.as_tensor(features))
    np.testing.assert_allclose(folded_logit.numpy(), logit.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(jacobian.numpy(), result.scaling.unscale_targets(scaled.numpy()), atol=1e-10)


def test_training_range_check_single_batched_and_widened(puma, tiny_model):
    path, _ = tiny_model
    runtime = JacobianNetRuntime(path)
    width = puma.q_max - puma.q_min
    rows = np.stack([puma.q_min, puma.q_max, puma.q_max + 0.005 * width, puma.q_min - 0.02 * width])
    assert runtime.inside_training_ranges(rows[1]) is True
    assert runtime.inside_training_ranges(rows[2]) is False
    np.testing.assert_array_equal(runtime.inside_training_ranges(rows), [True, True, False, False])
    np.testing.assert_array_equal(runtime.inside_training_ranges(rows, margin=0.01), [True, True, True, False])


def test_bad_model_files_raise_model_file_error(tiny_model, tmp_path):
    path, _ = tiny_model
    with pytest.raises(ModelFileError, match="not found"):
        JacobianNetRuntime(tmp_path / "missing.onnx")
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ModelFileError, match="cannot load"):
        JacobianNetRuntime(corrupt)
    with pytest.raises(ModelFileError, match="robot 'puma560', not 'sixi2'"):
        JacobianNetRuntime(path, robot="sixi2")
    with pytest.raises(ModelFileError, match="expected 6×7"):
        JacobianNetRuntime(path, n_joints=7)
    with pytest.raises(ModelFileError, match="expected 'm3_jacob0'"):
        JacobianNetRuntime(path, kind="m3_jacob0")


def test_model_without_our_metadata_is_refused(tmp_path):
    plain = tmp_path / "plain.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(torch.nn.Linear(6, 36), (torch.zeros(1, 6),), str(plain), dynamo=False)
    with pytest.raises(ModelFileError, match="no 'jacobian_rrmc' metadata"):
        JacobianNetRuntime(plain)


def test_learned_source_uses_the_net_when_confident_and_in_range(puma, tiny_model, rng):
    path, _ = tiny_model
    q = puma.random_configurations(1, rng)[0]
    runtime = JacobianNetRuntime(path)
    jacobian, confidence = runtime.predict_one(q)
    value = float(confidence[0])
    trusting = make_jacobian_source("learned", puma, model_path=str(path), confidence_threshold=max(value - 1e-3, 0))
    estimate = trusting.evaluate(q)
    assert not estimate.fell_back and estimate.confidence == pytest.approx(value)
    np.testing.assert_allclose(estimate.jacobian_world, jacobian[0], atol=1e-6)
    np.testing.assert_allclose(estimate.pose, forward_kinematics(puma, q), atol=1e-12)
    assert value < 1.0 - 1e-3, "the tiny net's confidence saturated: pick another configuration"
    strict = make_jacobian_source("learned", puma, model_path=str(path), confidence_threshold=value + 1e-3)
    doubtful = strict.evaluate(q)
    assert doubtful.fell_back
    np.testing.assert_allclose(doubtful.jacobian_world, finite_difference_jacobian(puma, q)[1], atol=1e-12)


def test_learned_source_falls_back_outside_the_training_ranges(puma, tiny_model):
    path, _ = tiny_model
    source = make_jacobian_source("learned", puma, model_path=str(path), confidence_threshold=0.0)
    q = puma.configuration("qz")
    q[0] = puma.q_max[0] + 0.1
    estimate = source.evaluate(q)
    assert estimate.fell_back
    np.testing.assert_allclose(estimate.jacobian_world, finite_difference_jacobian(puma, q)[1], atol=1e-12)


def test_learned_source_model_errors_fail_or_fall_back(puma, tiny_model, tmp_path):
    path, _ = tiny_model
    with pytest.raises(LearnedModelError, match="not 'sixi2'"):
        make_jacobian_source("learned", load_robot("sixi2"), model_path=str(path))
    corrupt = tmp_path / "corrupt.onnx"
    corrupt.write_bytes(b"not an onnx file")
    with pytest.raises(LearnedModelError, match="on_model_error: fallback"):
        make_jacobian_source("learned", puma, model_path=str(corrupt))
    with pytest.warns(RuntimeWarning, match="unusable"):
        source = make_jacobian_source("learned", puma, model_path=str(corrupt), on_model_error="fallback")
    assert "unusable" in source.status
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        estimate = source.evaluate(puma.configuration("qn"))
    assert estimate.fell_back


def test_runtime_and_learned_sources_need_no_torch(repo_root):
    """The deployed path (controller source, workspace maps, runtime) must run with onnxruntime alone."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "sys.modules['torch'] = None  # any import of torch now raises ImportError\n"
        "import jacobian_rrmc.jacobians.learned, jacobian_rrmc.workspace.learned, jacobian_rrmc.learn.runtime\n"
        "from jacobian_rrmc.robots import load_robot\n"
        "from jacobian_rrmc.jacobians import make_jacobian_source\n"
        "robot = load_robot('puma560')\n"
        "estimate = make_jacobian_source('learned', robot).evaluate(robot.configuration('qn'))\n"
        "assert not estimate.fell_back\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=repo_root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
