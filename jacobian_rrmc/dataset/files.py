"""Writing datasets: M3 CSV files, the compact npz copy and metadata.json, all atomic.

Every file is written under a temporary name in the same directory and renamed into place
with os.replace only when complete, so an interrupted run never leaves a half-written file
under a final name. The npz archive is written with fixed zip timestamps so the same data
gives byte-identical files.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np

from jacobian_rrmc.dataset.builders import Dataset

CSV_NUMBER_FORMAT = "%.9g"  # 9 significant digits: float32 round trip; the npz copy keeps float64
CSV_BLOCK_ROWS = 20_000
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
NPZ_ARRAYS = ("features", "labels", "branch", "q", "feature_names", "label_names", "metadata")


@contextlib.contextmanager
def atomic_path(path: Path):
    """Yield a temporary path next to `path`; rename it to `path` if the block succeeds."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_csv(path: Path, names, values: np.ndarray) -> None:
    """Header line of column names, then one comma-separated row per sample."""
    values = np.asarray(values, dtype=float)
    row_format = ",".join([CSV_NUMBER_FORMAT] * values.shape[1]) + "\n"
    with atomic_path(path) as temporary, open(temporary, "w", newline="\n") as handle:
        handle.write(",".join(names) + "\n")
        for start in range(0, values.shape[0], CSV_BLOCK_ROWS):
            block = values[start : start + CSV_BLOCK_ROWS]
            handle.write((row_format * block.shape[0]) % tuple(block.ravel()))


def save_npz(dataset: Dataset, path) -> None:
    """Write `dataset` to an uncompressed .npz (arrays NPZ_ARRAYS; metadata as a JSON string)."""
    arrays = {
        "features": dataset.features,
        "labels": dataset.labels,
        "branch": dataset.branch.astype(np.int8),
        "q": dataset.q,
        "feature_names": np.array(dataset.feature_names),
        "label_names": np.array(dataset.label_names),
        "metadata": np.array(json.dumps(dataset.metadata, sort_keys=True)),
    }
    with atomic_path(Path(path)) as temporary, zipfile.ZipFile(temporary, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=False)
            archive.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_EPOCH), buffer.getvalue())


def load_npz(path) -> Dataset:
    """Read a file written by `save_npz`."""
    with np.load(path, allow_pickle=False) as archive:
        missing = [name for name in NPZ_ARRAYS if name not in archive.files]
        if missing:
            raise ValueError(f"{path}: not a dataset file (missing {', '.join(missing)})")
        return Dataset(
            features=archive["features"],
            feature_names=archive["feature_names"].tolist(),
            labels=archive["labels"],
            label_names=archive["label_names"].tolist(),
            branch=archive["branch"].astype(int),
            q=archive["q"],
            metadata=json.loads(archive["metadata"].item()),
        )


def write_json(path: Path, document: dict) -> None:
    """Pretty JSON, atomically."""
    with atomic_path(Path(path)) as temporary:
        temporary.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
