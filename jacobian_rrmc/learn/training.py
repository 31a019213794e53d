"""Cycle training of a JacobianNet (paper §training recipe), seeded, with early stopping and resume.

Schedule: ``pretrain`` epochs of encoder + estimation head; then cycles of {confidence head for two
epochs with the encoder frozen; estimation head for one epoch with the encoder trainable}. A task with
only one head's data trains that head with the encoder every epoch. For per-robot nets the confidence
labels are "the current estimate's relative Frobenius error is below ``error_tolerance``", recomputed
before every confidence phase, so the confidence head learns where the estimation head is unreliable.

Early stopping watches the validation loss of the estimation head (or the confidence head when there
is no estimation data): the best weights are kept and training stops after ``patience`` epochs without
improvement. A checkpoint (weights, optimiser, scheduler, history, RNG state) is written after
every epoch; `train` resumes from it when asked.
"""

from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from jacobian_rrmc.learn.model import JacobianNet, NetSizes
from jacobian_rrmc.learn.scaling import Scaling

OPTIMISERS = ("adam", "adamax", "rmsprop", "sgd", "nadam", "adagrad")


@dataclass
class TrainingSet:
    """Raw inputs with the labels of one head (targets: SI Jacobian entries, row-major; labels: 0/1)."""

    raw: np.ndarray
    branch: np.ndarray | None = None
    targets: np.ndarray | None = None
    labels: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.raw)

    def subset(self, index: np.ndarray) -> TrainingSet:
        pick = lambda a: None if a is None else a[index]  # noqa: E731
        return TrainingSet(self.raw[index], pick(self.branch), pick(self.targets), pick(self.labels))


@dataclass
class TrainingConfig:
    """Settings of one training run (see the module docstring for the schedule).

    Attributes:
        epochs: total epochs, pretraining included (also the cosine learning-rate period).
        pretrain: leading epochs of encoder + estimation head before the cycles begin.
        batch_size: samples per optimiser step.
        learning_rate: initial learning rate of `optimiser` (one of `OPTIMISERS`).
        validation_split: fraction of each head's samples held out for validation and early stopping.
        patience: epochs without a better validation loss before training stops.
        seed: seeds the split, the weight initialisation and the batch order.
        threads: torch CPU threads.
        error_tolerance: per-robot confidence label: relative Frobenius error ‖Ĵ − J‖/‖J‖ below this.
        sizes: layer widths of the net.
    """

    epochs: int = 40
    pretrain: int = 10
    batch_size: int = 1024
    learning_rate: float = 2e-3
    optimiser: str = "adam"
    validation_split: float = 0.2
    patience: int = 10
    seed: int = 0
    threads: int = 1
    error_tolerance: float = 0.01
    sizes: NetSizes = field(default_factory=NetSizes)

    def to_dict(self) -> dict:
        return asdict(self)  # nested NetSizes included


def make_optimiser(name: str, parameters, learning_rate: float) -> torch.optim.Optimizer:
    """One of OPTIMISERS with the paper's settings (Adam β = (0.9, 0.999), ε = 1e-8)."""
    name = name.lower()
    if name not in OPTIMISERS:
        raise ValueError(f"optimiser must be one of {OPTIMISERS}, got {name!r}")
    factory = {
        "adam": lambda: torch.optim.Adam(parameters, lr=learning_rate, betas=(0.9, 0.999), eps=1e-8),
        "adamax": lambda: torch.optim.Adamax(parameters, lr=learning_rate),
        "rmsprop": lambda: torch.optim.RMSprop(parameters, lr=learning_rate),
        "sgd": lambda: torch.optim.SGD(parameters, lr=learning_rate, momentum=0.9),
        "nadam": lambda: torch.optim.NAdam(parameters, lr=learning_rate),
        "adagrad": lambda: torch.optim.Adagrad(parameters, lr=learning_rate),
    }
    return factory[name]()


def relative_frobenius_error(estimate: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """‖Ĵ − J‖_F / ‖J‖_F per row of flattened Jacobians (n, 6N)."""
    return np.linalg.norm(estimate - truth, axis=1) / np.maximum(np.linalg.norm(truth, axis=1), 1e-12)


class _Split:
    """Encoded, scaled tensors of one TrainingSet split."""

    def __init__(self, data: TrainingSet, encoded: np.ndarray, scaling: Scaling):
        self.data = data
        self.features = torch.as_tensor(standardised(encoded, scaling))
        self.targets = (
            None if data.targets is None else torch.as_tensor(scaling.scale_targets(data.targets), dtype=torch.float32)
        )
        self.labels = None if data.labels is None else torch.as_tensor(data.labels, dtype=torch.float32)


ENCODE_CHUNK = 1 << 18  # rows per encoding pass: bounds the memory of the intermediates of large sets


def encode(encoding: nn.Module, data: TrainingSet) -> np.ndarray:
    """Run the (parameter-free) feature encoding on raw inputs in chunks, float64 (n, encoding.out_features)."""
    encoded = np.empty((len(data), encoding.out_features))
    with torch.no_grad():
        for start in range(0, len(data), ENCODE_CHUNK):
            rows = slice(start, start + ENCODE_CHUNK)
            raw = torch.as_tensor(data.raw[rows], dtype=torch.float64)
            inputs = (raw,) if data.branch is None else (raw, torch.as_tensor(data.branch[rows]))
            encoded[rows] = encoding(*inputs).numpy()
    return encoded


def standardised(encoded: np.ndarray, scaling: Scaling) -> np.ndarray:
    """Standardised features as float32 (the net's input precision), computed in float64 chunk by chunk."""
    features = np.empty(encoded.shape, dtype=np.float32)
    for start in range(0, len(encoded), ENCODE_CHUNK):
        rows = slice(start, start + ENCODE_CHUNK)
        features[rows] = scaling.features(encoded[rows])
    return features


@dataclass
class TrainingResult:
    net: JacobianNet
    scaling: Scaling
    history: list[dict]
    config: TrainingConfig
    encoding: nn.Module  # the feature encoding the net was trained on (the exported graph starts with it)


class Trainer:
    """Owns the net, optimiser, scheduler and splits for one training run (see module docstring)."""

    def __init__(self, encoding: nn.Module, data: TrainingSet, config: TrainingConfig, error_confidence: bool = False):
        """`data` with Jacobian targets trains the estimation head (plus, with `error_confidence`, the
        confidence head on "error below tolerance" labels); `data` with labels only, the confidence head."""
        if data.targets is None and (data.labels is None or error_confidence):
            raise ValueError("nothing to train: give Jacobian targets, or reachability labels without error_confidence")
        self.config, self.encoding, self.error_confidence = config, encoding, error_confidence
        torch.manual_seed(config.seed)
        head = "estimation" if data.targets is not None else "confidence"
        rows = _split_index(len(data), config.validation_split, np.random.default_rng(config.seed))
        encoded = encode(encoding, data)  # once; the splits index it
        fit = rows[0]
        self.scaling = Scaling.fit(encoded[fit], None if data.targets is None else data.targets[fit])
        self.splits = {head: tuple(_Split(data.subset(index), encoded[index], self.scaling) for index in rows)}
        del encoded
        if error_confidence:
            self.splits["confidence"] = self.splits["estimation"]
        out = 0 if data.targets is None else data.targets.shape[1]
        self.net = JacobianNet(self.scaling.feature_mean.size, max(out, 1), config.sizes)
        self.optimiser = make_optimiser(config.optimiser, self.net.parameters(), config.learning_rate)
        self.scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(self.optimiser, T_max=max(config.epochs, 1))
        self.history: list[dict] = []
        self.best_state, self.best_loss, self.epoch = None, math.inf, 0
        self.generator = torch.Generator().manual_seed(config.seed)

    def phase(self, epoch: int) -> str:
        """Which head trains in this epoch: "estimation", "confidence" (encoder frozen) or "confidence_only"."""
        if "estimation" not in self.splits:
            return "confidence_only"
        if "confidence" not in self.splits or epoch < self.config.pretrain:
            return "estimation"
        return "confidence" if (epoch - self.config.pretrain) % 3 < 2 else "estimation"

    def run(
        self, checkpoint: Path | None = None, progress: bool = True, stop_after: int | None = None
    ) -> TrainingResult:
        """Train to `config.epochs` (or `stop_after` more epochs, for time-boxed sessions) and return the best net."""
        torch.set_num_threads(self.config.threads)
        last = self.config.epochs if stop_after is None else min(self.config.epochs, self.epoch + stop_after)
        bar = tqdm(range(self.epoch, last), desc="training", disable=not progress, unit="epoch",
                   initial=self.epoch, total=self.config.epochs)  # fmt: skip
        stale = 0
        for epoch in bar:
            phase = self.phase(epoch)
            if phase == "confidence" and self.error_confidence:
                self._relabel_by_error()
            train_loss = self._epoch(phase)
            record = {"epoch": epoch + 1, "phase": phase, "train_loss": train_loss,
                      "lr": self.optimiser.param_groups[0]["lr"], **self.validate()}  # fmt: skip
            self.scheduler.step()
            self.history.append(record)
            self.epoch = epoch + 1
            monitored = record.get("val_estimation_loss", record.get("val_confidence_loss"))
            if monitored < self.best_loss - 1e-12:
                self.best_loss, self.best_state, stale = monitored, copy.deepcopy(self.net.state_dict()), 0
            elif phase != "confidence":
                stale += 1
            bar.set_postfix(phase=phase[:4], loss=f"{train_loss:.2e}", val=f"{monitored:.2e}")
            if checkpoint is not None:
                self.save(checkpoint)
            if stale >= self.config.patience:
                break
        if self.best_state is not None:
            # Keep the best weights; with error labels, the last confidence head (trained against them).
            confidence_head = copy.deepcopy(self.net.confidence_head.state_dict())
            self.net.load_state_dict(self.best_state)
            if self.error_confidence:
                self.net.confidence_head.load_state_dict(confidence_head)
        self.net.eval()
        return TrainingResult(self.net, self.scaling, self.history, self.config, self.encoding)

    def _epoch(self, phase: str) -> float:
        head = "confidence" if phase in ("confidence", "confidence_only") else "estimation"
        train, _ = self.splits[head]
        frozen = phase == "confidence"
        self.net.train()
        for module in (self.net.encoder, self.net.estimation_head if head == "confidence" else None):
            if module is not None and frozen:
                module.eval()
        for p in self.net.encoder.parameters():
            p.requires_grad_(not frozen)
        order = torch.randperm(len(train.features), generator=self.generator)
        total, count = 0.0, 0
        for start in range(0, len(order), self.config.batch_size):
            rows = order[start : start + self.config.batch_size]
            if len(rows) < 2:
                continue
            loss = self._loss(head, train, rows)
            self.optimiser.zero_grad(set_to_none=True)
            loss.backward()
            self.optimiser.step()
            total += float(loss.detach()) * len(rows)
            count += len(rows)
        for p in self.net.encoder.parameters():
            p.requires_grad_(True)
        return total / max(count, 1)

    def _loss(self, head: str, split: _Split, rows) -> torch.Tensor:
        logit, estimate = self.net(split.features[rows])
        if head == "confidence":
            return nn.functional.binary_cross_entropy_with_logits(logit, split.labels[rows])
        return nn.functional.mse_loss(estimate, split.targets[rows])

    @torch.no_grad()
    def validate(self) -> dict:
        self.net.eval()
        result = {}
        for head, (_, val) in self.splits.items():
            if head == "confidence" and val.labels is None:
                continue
            result[f"val_{head}_loss"] = float(self._loss(head, val, slice(None)))
        if "estimation" in self.splits:
            _, val = self.splits["estimation"]
            error = relative_frobenius_error(self.predict_si(val.features), val.data.targets)
            result["val_median_relative_error"] = float(np.median(error))
        return result

    @torch.no_grad()
    def predict_si(self, features: torch.Tensor) -> np.ndarray:
        self.net.eval()
        return self.scaling.unscale_targets(self.net(features)[1].double().numpy())

    def _relabel_by_error(self) -> None:
        for split in self.splits["estimation"]:
            error = relative_frobenius_error(self.predict_si(split.features), split.data.targets)
            split.labels = torch.as_tensor(error < self.config.error_tolerance, dtype=torch.float32)

    def save(self, path: Path) -> None:
        """Write the checkpoint atomically (temporary file, then rename): an interrupt never corrupts it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        torch.save(
            {"net": self.net.state_dict(), "optimiser": self.optimiser.state_dict(),
             "scheduler": self.scheduler.state_dict(), "history": self.history, "epoch": self.epoch,
             "best_state": self.best_state, "best_loss": self.best_loss,
             "config": self.config.to_dict(), "generator": self.generator.get_state()},
            partial,
        )  # fmt: skip
        partial.replace(path)

    def resume(self, path: Path) -> None:
        """Continue a run from `save`'s checkpoint (same data, same config)."""
        state = torch.load(path, weights_only=False)
        if state["config"] != self.config.to_dict():
            raise ValueError(f"checkpoint {path} was made with a different training configuration")
        self.net.load_state_dict(state["net"])
        self.optimiser.load_state_dict(state["optimiser"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.history, self.epoch = state["history"], state["epoch"]
        self.best_state, self.best_loss = state["best_state"], state["best_loss"]
        self.generator.set_state(state["generator"])
        if self.error_confidence and self.history and self.history[-1]["phase"] == "confidence":
            self._relabel_by_error()


def _split_index(count: int, validation: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(count)
    n_val = int(round(count * validation))
    return np.sort(order[n_val:]), np.sort(order[:n_val])
