"""onnxruntime inference of an exported JacobianNet (numpy + onnxruntime only; no torch).

`JacobianNetRuntime` validates the file at construction — missing, unreadable, without our metadata,
or not matching the expected robot / joint count / input width → `ModelFileError` with the reason —
so nothing can go wrong later in a control loop. The session runs on one thread, sequentially;
`predict_one` is the batch-1 fast path that reuses a preallocated float32 input buffer.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort

from jacobian_rrmc.learn.model_format import FORMAT_VERSION, METADATA_KEY

RANGE_SLACK = 1e-6


class ModelFileError(ValueError):
    """The model file cannot be used (missing, corrupt, or made for something else)."""


class JacobianNetRuntime:
    """An exported JacobianNet ready to run.

    Args:
        path: the .onnx file.
        robot: expected robot name (per-robot nets), or None to accept any.
        n_joints: expected N of the (6, N) Jacobian output, or None.
        kind: expected metadata kind ("robot", "m3_confidence", "m3_jacob0"), or None.
    """

    def __init__(self, path: str | Path, *, robot: str | None = None, n_joints: int | None = None,
                 kind: str | None = None):  # fmt: skip
        self.path = Path(path)
        if not self.path.is_file():
            raise ModelFileError(f"model file not found: {self.path}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        except Exception as error:  # onnxruntime raises its own exception types for bad files
            raise ModelFileError(f"cannot load model {self.path}: {error}") from error
        meta = self.session.get_modelmeta().custom_metadata_map.get(METADATA_KEY)
        if meta is None:
            raise ModelFileError(f"{self.path} has no '{METADATA_KEY}' metadata: not a jacobian_rrmc model")
        try:
            self.metadata = json.loads(meta)
        except json.JSONDecodeError as error:
            raise ModelFileError(f"{self.path}: unreadable metadata ({error})") from error
        self._check(robot, n_joints, kind)
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.output_names = [o.name for o in self.session.get_outputs()]
        self.input_width = int(self.metadata["input_width"])
        self._buffer = np.zeros((1, self.input_width), dtype=np.float32)
        self._feed = {self.input_names[0]: self._buffer}
        low, high = self.metadata.get("input_low"), self.metadata.get("input_high")
        self.input_low = None if low is None else np.asarray(low, dtype=float)
        self.input_high = None if high is None else np.asarray(high, dtype=float)
        if self.input_low is not None:
            self._low_bound, self._high_bound = self._bounds(0.0)

    def _bounds(self, margin: float) -> tuple[np.ndarray, np.ndarray]:
        """Training ranges widened by `margin` × their width, plus slack for float32 rounding of values
        stored at the range ends."""
        width = self.input_high - self.input_low
        low = self.input_low - margin * width - RANGE_SLACK * (1 + np.abs(self.input_low))
        high = self.input_high + margin * width + RANGE_SLACK * (1 + np.abs(self.input_high))
        return low, high

    def _check(self, robot, n_joints, kind) -> None:
        meta = self.metadata
        if meta.get("format_version") != FORMAT_VERSION:
            raise ModelFileError(f"{self.path}: format version {meta.get('format_version')}, expected {FORMAT_VERSION}")
        if kind is not None and meta.get("kind") != kind:
            raise ModelFileError(f"{self.path} is a {meta.get('kind')!r} model, expected {kind!r}")
        if robot is not None and meta.get("robot") != robot:
            raise ModelFileError(f"{self.path} was trained for robot {meta.get('robot')!r}, not {robot!r}")
        if n_joints is not None and meta.get("n_joints") != n_joints:
            raise ModelFileError(f"{self.path} outputs 6×{meta.get('n_joints')} Jacobians, expected 6×{n_joints}")
        graph_inputs = self.session.get_inputs()
        if [i.name for i in graph_inputs] != meta.get("inputs") or graph_inputs[0].shape[1] != meta.get("input_width"):
            raise ModelFileError(f"{self.path}: graph inputs do not match its metadata")

    def inside_training_ranges(self, raw: np.ndarray, margin: float = 0.0):
        """Whether every input lies within the ranges seen in training, widened by `margin` × their width.

        raw (W,) → bool (the per-cycle path: precomputed bounds, no allocation beyond the comparison);
        raw (B, W) → (B,) bool. Unknown ranges → True.
        """
        raw = np.asarray(raw)
        if self.input_low is None:
            return True if raw.ndim == 1 else np.ones(raw.shape[0], dtype=bool)
        low, high = (self._low_bound, self._high_bound) if margin == 0 else self._bounds(margin)
        inside = ((raw >= low) & (raw <= high)).all(axis=-1)
        return bool(inside) if raw.ndim == 1 else inside

    def predict(self, raw: np.ndarray, branch: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Batched inference: raw inputs (B, input_width) → {output name: array} (float32)."""
        feed = {self.input_names[0]: np.ascontiguousarray(raw, dtype=np.float32)}
        if branch is not None:
            feed["branch"] = np.asarray(branch, dtype=np.int64)
        return dict(zip(self.output_names, self.session.run(self.output_names, feed), strict=True))

    def predict_one(self, raw: np.ndarray) -> list[np.ndarray]:
        """Batch-1 fast path (no branch input): outputs in `output_names` order, each with batch axis 1."""
        self._buffer[0] = raw
        return self.session.run(self.output_names, self._feed)
