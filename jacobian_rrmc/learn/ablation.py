"""Small controlled studies on M3 data: the feature ablation and the optimiser comparison.

Ablation (cumulative, same data, net, epochs and test set for every row):
  paper inputs (18 DH + 72 dynamics + 6 pose with wrapped Euler angles) → drop the dynamics columns →
  rotation matrix instead of Euler angles → reach / |det J| position factors → azimuth frame → IK
  branch one-hot (estimation only). Optimiser study: the same net trained with each optimiser at its usual default
  learning rate (Keras defaults, as the paper used), validation loss per epoch.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch
from torch import nn

from jacobian_rrmc.dataset import Dataset, generate
from jacobian_rrmc.learn.features import M3Encoding
from jacobian_rrmc.learn.m3_task import azimuth_frame_targets, training_set
from jacobian_rrmc.learn.metrics import classification_metrics, regression_metrics
from jacobian_rrmc.learn.model import NetSizes
from jacobian_rrmc.learn.training import Trainer, TrainingConfig, TrainingSet, encode, standardised

OPTIMISER_LEARNING_RATE = {"adam": 1e-3, "adamax": 2e-3, "rmsprop": 1e-3, "sgd": 1e-2, "nadam": 2e-3, "adagrad": 1e-2}
ABLATION_CONFIG = TrainingConfig(
    epochs=20, pretrain=20, batch_size=512, learning_rate=3e-3, validation_split=0.1, patience=20,
    sizes=NetSizes(encoder=(128, 128, 128), confidence=(64,), estimation=(128,)),
)  # fmt: skip


class AllColumns(nn.Module):
    """The paper's input: every raw column as is (DH, dynamics, x, y, z, Euler angles)."""

    def __init__(self, width: int):
        super().__init__()
        self.out_features = width

    def forward(self, raw: torch.Tensor) -> torch.Tensor:
        return raw


def variants(estimation: bool) -> list[tuple[str, str]]:
    """(row label, variant key) in cumulative order."""
    rows = [
        ("paper inputs: DH + dynamics + pose (Euler)", "paper"),
        ("− dynamics columns (c)", "no_dyna"),
        ("+ rotation matrix instead of Euler angles (b)", "matrix"),
        ("+ reach and |det J| position factors", "reach"),
        ("+ azimuth frame (exact z0 symmetry)", "azimuth"),
    ]
    return rows + ([("+ IK branch one-hot (a)", "branch")] if estimation else [])


def _encoding(key: str, width: int) -> nn.Module:
    if key == "paper":
        return AllColumns(width)
    return M3Encoding(
        rotation="euler" if key == "no_dyna" else "matrix",
        reach=key in ("reach", "azimuth", "branch"),
        branch=key == "branch",
        azimuth=key in ("azimuth", "branch"),
    )


def _data(key: str, estimation: bool, dataset: Dataset, encoding: nn.Module) -> TrainingSet:
    kind = "m3_jacob0" if estimation else "m3_confidence"
    if key != "paper":
        return training_set(kind, dataset, encoding)
    if estimation:
        return TrainingSet(raw=dataset.features, targets=dataset.labels)
    return TrainingSet(raw=dataset.features, labels=dataset.labels[:, 0].astype(float))


def _train(key: str, estimation: bool, train: Dataset, config: TrainingConfig) -> tuple[Trainer, nn.Module]:
    encoding = _encoding(key, train.features.shape[1])
    data = _data(key, estimation, train, encoding)
    trainer = Trainer(encoding, data, config)
    trainer.run(progress=False)
    return trainer, encoding


def _predict(trainer: Trainer, encoding: nn.Module, key: str, estimation: bool, test: Dataset) -> np.ndarray:
    """Confidence (n,) or world-frame J0 rows (n, 36) for the test set."""
    data = _data(key, estimation, test, encoding)
    features = torch.as_tensor(standardised(encode(encoding, data), trainer.scaling))
    with torch.no_grad():
        if not estimation:
            return torch.sigmoid(trainer.net.eval()(features)[0]).numpy()
        jacobian = trainer.predict_si(features)
    if getattr(encoding, "azimuth", False):
        return azimuth_frame_targets(data.raw, jacobian, to_world=True)
    return jacobian


def feature_ablation(samples: int, test_samples: int, seed: int, config: TrainingConfig = ABLATION_CONFIG,
                     progress=None) -> dict:  # fmt: skip
    """{"estimation": {...rows}, "confidence": {...rows}} on jacob0 / conf_dyna data."""
    results = {}
    for task, kind in (("estimation", "jacob0"), ("confidence", "conf_dyna")):
        estimation = task == "estimation"
        train = generate(kind, samples, seed)
        test = generate(kind, test_samples, seed, split="test")
        low, high = train.labels.min(axis=0), train.labels.max(axis=0)
        rows = []
        for label, key in variants(estimation):
            trainer, encoding = _train(key, estimation, train, replace(config, seed=seed))
            predicted = _predict(trainer, encoding, key, estimation, test)
            if estimation:
                metrics = regression_metrics(test.labels, predicted, low, high)
            else:
                scores = classification_metrics(test.labels[:, 0] > 0.5, predicted >= 0.5)
                metrics = {"accuracy": scores["jsc"], "mcc": scores["mcc"]}  # JSC is the accuracy (metrics.py)
            rows.append({"variant": label, "features": trainer.net.in_features, **metrics})
            if progress is not None:
                progress(f"{task}: {label}")
        results[task] = {"rows": rows, "train_samples": samples, "test_samples": test_samples, "kind": kind}
    return results


def optimiser_comparison(samples: int, epochs: int, seed: int, progress=None) -> dict:
    """Validation loss per epoch for each optimiser, for the confidence and the estimation task."""
    curves: dict[str, dict[str, list[float]]] = {}
    sizes = NetSizes(encoder=(64, 64, 64), confidence=(32,), estimation=(64,))
    for task, kind in (("confidence", "conf"), ("estimation", "jacob0")):
        train = generate(kind, samples, seed)
        curves[task] = {}
        for name, rate in OPTIMISER_LEARNING_RATE.items():
            config = TrainingConfig(epochs=epochs, pretrain=epochs, batch_size=512, learning_rate=rate, optimiser=name,
                                    validation_split=0.2, patience=epochs, seed=seed, sizes=sizes)  # fmt: skip
            key = "branch" if task == "estimation" else "azimuth"
            history = _train(key, task == "estimation", train, config)[0].history
            curves[task][f"{name} (lr {rate:g})"] = [h[f"val_{task}_loss"] for h in history]
            if progress is not None:
                progress(f"{task}: {name}")
    return curves
