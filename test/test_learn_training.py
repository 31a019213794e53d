"""Cycle training: a short smoke run lowers the loss, resume reproduces an uninterrupted run, options are checked."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from jacobian_rrmc.learn.features import JointAngleEncoding  # noqa: E402
from jacobian_rrmc.learn.model import JacobianNet, NetSizes  # noqa: E402
from jacobian_rrmc.learn.robot_data import robot_training_set  # noqa: E402
from jacobian_rrmc.learn.training import OPTIMISERS, Trainer, TrainingConfig, make_optimiser  # noqa: E402
from jacobian_rrmc.robots import load_robot  # noqa: E402

TINY = NetSizes(encoder=(32, 32), confidence=(8,), estimation=(32,))


@pytest.fixture(scope="module")
def puma_data():
    return robot_training_set(load_robot("puma560"), 3000, np.random.default_rng(1))


def _trainer(data, epochs=6, **overrides):
    settings = {"pretrain": 3, "batch_size": 256, "learning_rate": 3e-3, "sizes": TINY, **overrides}
    config = TrainingConfig(epochs=epochs, **settings)
    return Trainer(JointAngleEncoding(6), data, config, error_confidence=True)


def test_short_training_lowers_the_estimation_loss(puma_data):
    trainer = _trainer(puma_data, epochs=4)
    before = trainer.validate()["val_estimation_loss"]
    result = trainer.run(progress=False)
    after = min(h["val_estimation_loss"] for h in result.history)
    assert after < 0.8 * before
    assert [h["phase"] for h in result.history] == ["estimation"] * 3 + ["confidence"]
    assert "val_confidence_loss" in result.history[-1]


def test_resume_continues_exactly_where_training_stopped(puma_data, tmp_path):
    straight = _trainer(puma_data).run(progress=False)
    checkpoint = tmp_path / "run.ckpt"
    _trainer(puma_data).run(checkpoint=checkpoint, progress=False, stop_after=4)
    resumed_trainer = _trainer(puma_data)
    resumed_trainer.resume(checkpoint)
    assert resumed_trainer.epoch == 4
    resumed = resumed_trainer.run(checkpoint=checkpoint, progress=False)
    assert [h["epoch"] for h in resumed.history] == list(range(1, 7))
    for a, b in zip(straight.history, resumed.history, strict=True):
        assert a["phase"] == b["phase"]
        assert a["val_estimation_loss"] == pytest.approx(b["val_estimation_loss"], rel=1e-6)


def test_resume_refuses_a_checkpoint_from_another_configuration(puma_data, tmp_path):
    checkpoint = tmp_path / "run.ckpt"
    _trainer(puma_data, epochs=1).run(checkpoint=checkpoint, progress=False)
    with pytest.raises(ValueError, match="different training configuration"):
        _trainer(puma_data, epochs=1, seed=5).resume(checkpoint)


def test_every_named_optimiser_builds_and_unknown_names_are_refused():
    net = JacobianNet(4, 2, TINY)
    for name in OPTIMISERS:
        assert isinstance(make_optimiser(name, net.parameters(), 1e-3), torch.optim.Optimizer)
    with pytest.raises(ValueError, match="optimiser"):
        make_optimiser("lbfgs", net.parameters(), 1e-3)


def test_frozen_encoder_does_not_change_in_confidence_phase(puma_data):
    trainer = _trainer(puma_data, epochs=1, pretrain=0)
    trainer._relabel_by_error()
    encoder_before = [p.detach().clone() for p in trainer.net.encoder.parameters()]
    estimation_before = [p.detach().clone() for p in trainer.net.estimation_head.parameters()]
    trainer._epoch("confidence")
    for before, after in zip(encoder_before, trainer.net.encoder.parameters(), strict=True):
        assert torch.equal(before, after)
    for before, after in zip(estimation_before, trainer.net.estimation_head.parameters(), strict=True):
        assert torch.equal(before, after)


@pytest.mark.parametrize("activation, module", [("prelu", torch.nn.PReLU), ("silu", torch.nn.SiLU)])
def test_activation_is_selectable(activation, module):
    sizes = NetSizes(encoder=(8, 8), confidence=(4,), estimation=(8,), activation=activation)
    net = JacobianNet(5, 12, sizes)
    assert sum(isinstance(m, module) for m in net.modules()) == 4  # one per hidden layer


def test_unknown_activation_is_refused():
    with pytest.raises(ValueError, match="activation must be one of"):
        NetSizes(activation="relu6")
