"""Train, export and measure the M3-family nets on `jacobian_rrmc.dataset` data.

- ``m3_confidence``: raw M3 row (24: DH + pose) → reachable? (confidence head, BCE). Features: the
  4 free DH lengths, position, rotation matrix, reach features (`features.M3Encoding`).
- ``m3_jacob0``: raw M3 row + IK branch → world-frame J0 at that branch (estimation head, MSE).
The dynamics columns of the paper's "dyna" files are dropped (they cannot affect the Jacobian).
"""

from __future__ import annotations

import platform
from pathlib import Path

import numpy as np
import torch

from jacobian_rrmc import __version__
from jacobian_rrmc.dataset import DH_FEATURE_NAMES, POSE_FEATURE_NAMES, Dataset, generate, load_npz
from jacobian_rrmc.learn.export import DeployedJacobianNet, export_onnx, write_metadata
from jacobian_rrmc.learn.features import AzimuthRotation, M3Encoding
from jacobian_rrmc.learn.metrics import regression_metrics, threshold_metrics
from jacobian_rrmc.learn.runtime import JacobianNetRuntime
from jacobian_rrmc.learn.training import (
    Trainer,
    TrainingConfig,
    TrainingResult,
    TrainingSet,
    relative_frobenius_error,
)

DATASET_KIND = {"m3_confidence": "conf", "m3_jacob0": "jacob0"}
RAW_COLUMNS = tuple(DH_FEATURE_NAMES) + tuple(POSE_FEATURE_NAMES)
TEST_SIZE = 3000


def raw_rows(dataset: Dataset) -> np.ndarray:
    """The 24 raw M3 columns (DH + pose) of a dataset, whatever extra columns it carries."""
    index = [dataset.feature_names.index(name) for name in RAW_COLUMNS]
    return dataset.features[:, index]


def azimuth_frame_targets(raw: np.ndarray, jacobian_rows: np.ndarray, to_world: bool = False) -> np.ndarray:
    """J0 rows (n, 36) → the same Jacobians in each pose's azimuth frame (exact rotation); `to_world` maps back."""
    with torch.no_grad():
        turned = AzimuthRotation(inverse=not to_world)(
            torch.as_tensor(raw), torch.as_tensor(jacobian_rows).reshape(-1, 6, 6)
        )
    return turned.reshape(len(raw), -1).numpy()


def training_set(kind: str, dataset: Dataset, encoding: M3Encoding) -> TrainingSet:
    raw = raw_rows(dataset)
    if kind == "m3_confidence":
        return TrainingSet(raw=raw, labels=dataset.labels[:, 0].astype(float))
    targets = azimuth_frame_targets(raw, dataset.labels) if encoding.azimuth else dataset.labels
    return TrainingSet(raw=raw, branch=dataset.branch if encoding.branch else None, targets=targets)


def load_or_generate(kind: str, directory: str | None, count: int | None, seed: int, split: str = "train") -> Dataset:
    """`<dir>/<conf|jacob0>_<split>.npz` from `jacobian-rrmc generate`, or `count` fresh samples."""
    base = DATASET_KIND[kind]
    if directory is not None:
        path = Path(directory) / f"{base}_{split}.npz"
        if not path.is_file():
            raise FileNotFoundError(f"{path} not found (make it with `jacobian-rrmc generate --out {directory}`)")
        return load_npz(path)
    return generate(base, count, seed, split=split)


def make_encoding(branch: bool) -> M3Encoding:
    """The shipped encodings: rotation matrix, reach features, azimuth frame; the IK branch if `branch`."""
    return M3Encoding(rotation="matrix", reach=True, branch=branch, azimuth=True)


def train_m3(kind: str, dataset: Dataset, config: TrainingConfig, out: Path, checkpoint: Path | None, resume: bool,
             progress: bool, provenance: dict, test_samples: int, branch: bool = True,
             test: Dataset | None = None) -> tuple[dict, list[dict]]:  # fmt: skip
    """Train, export to `out`, measure on `test` (default: a fresh seeded test split); returns (metadata, history).

    branch=False makes a pose-only m3_jacob0 net (no `branch` input), e.g. for workspace maps.
    """
    encoding = make_encoding(branch=(kind == "m3_jacob0") and branch)
    data = training_set(kind, dataset, encoding)
    trainer = Trainer(encoding, data, config)
    if resume and checkpoint is not None and Path(checkpoint).is_file():
        trainer.resume(Path(checkpoint))
    result = trainer.run(checkpoint=checkpoint, progress=progress)
    extra = {**provenance, "training_samples": len(dataset), "dataset": dataset.metadata}
    metadata = export_m3(kind, result, data, dataset.labels, out, extra)
    if test is None:
        test = generate(DATASET_KIND[kind], test_samples or TEST_SIZE, config.seed, split="test")
    return write_metadata(out, {**metadata, "metrics": measure_m3(kind, out, test)}), result.history


def export_m3(kind: str, result: TrainingResult, data: TrainingSet, world_labels, path: Path,
              extra: dict) -> dict:  # fmt: skip
    """Export with metadata; `world_labels` (n, 36) J0 training labels give the [−1, 1] metric ranges (m3_jacob0)."""
    encoding = result.encoding
    world_low = world_high = None
    if kind == "m3_jacob0":  # ranges of the world-frame J0 labels, for the paper's [−1, 1] metrics
        world_low, world_high = world_labels.min(axis=0).tolist(), world_labels.max(axis=0).tolist()
    deployed = DeployedJacobianNet(
        encoding, result.net, result.scaling, 6, AzimuthRotation() if encoding.azimuth and kind == "m3_jacob0" else None
    )
    metadata = {
        "kind": kind, "robot": "m3_family", "n_joints": 6, "frame": "world", "input_width": len(RAW_COLUMNS),
        "feature_order": list(RAW_COLUMNS), "input_low": data.raw.min(axis=0).tolist(),
        "input_high": data.raw.max(axis=0).tolist(), "training": result.config.to_dict(),
        "encoding": {"rotation": encoding.rotation, "reach": encoding.reach, "branch": encoding.branch,
                     "azimuth": encoding.azimuth},
        "world_target_low": world_low, "world_target_high": world_high,
        "parameters": result.net.parameter_count(), "package_version": __version__,
        "torch_version": torch.__version__, "python": platform.python_version(), **extra,
    }  # fmt: skip
    outputs = ("jacobian",) if kind == "m3_jacob0" else ("confidence",)
    return export_onnx(deployed, path, metadata, outputs, with_branch=encoding.branch)


def measure_m3(kind: str, path: Path, test: Dataset) -> dict:
    """Paper metrics of the exported model on `test`, through onnxruntime."""
    runtime = JacobianNetRuntime(path, kind=kind)
    raw = raw_rows(test)
    metrics = {"test_samples": len(test), "test_dataset": test.metadata}
    if kind == "m3_confidence":
        confidence = runtime.predict(raw)["confidence"]
        truth = test.labels[:, 0] > 0.5
        metrics["positive_fraction"] = float(truth.mean())
        metrics.update(threshold_metrics(truth, confidence))
        return metrics
    branch = test.branch if runtime.metadata["encoding"]["branch"] else None
    predicted = runtime.predict(raw, branch)["jacobian"].astype(float).reshape(len(test), -1)
    meta = runtime.metadata
    metrics.update(regression_metrics(test.labels, predicted, np.array(meta["world_target_low"]),
                                      np.array(meta["world_target_high"])))  # fmt: skip
    error = relative_frobenius_error(predicted, test.labels)
    metrics["median_relative_frobenius_error"] = float(np.median(error))
    return metrics
