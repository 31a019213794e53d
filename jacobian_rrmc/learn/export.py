"""ONNX export: the whole inference path — feature encoding, standardisation, net, de-scaling, frame
rotation — in one graph, so the runtime needs only onnxruntime and works in SI units.

Graph inputs (float32, dynamic batch B):
- per-robot nets (kind "robot"): ``q`` (B, N) joint angles in radians;
- M3 nets: ``features`` (B, 24) raw M3 rows [d1..d6, a1..a6, α1..α6, x, y, z, o1, o2, o3] (m, rad),
  plus ``branch`` (B,) int64 IK branch index 0..7 when the net takes the branch.
Graph outputs: ``jacobian`` (B, 6, N) world-frame J0 [vx vy vz ωx ωy ωz] and/or ``confidence`` (B,)
in [0, 1]. The metadata dict (feature order, training ranges, robot, frame, version, metrics, command)
is stored as JSON under the ONNX ``metadata_props`` key `METADATA_KEY` and in a ``.json`` sidecar.
"""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch
from torch import nn

from jacobian_rrmc.learn.model import JacobianNet
from jacobian_rrmc.learn.model_format import FORMAT_VERSION, METADATA_KEY
from jacobian_rrmc.learn.scaling import Scaling


class DeployedJacobianNet(nn.Module):
    """Raw SI inputs → (jacobian (B, 6, N) or None for a confidence-only net, confidence (B,)), see module docstring."""

    def __init__(self, encoding: nn.Module, net: JacobianNet, scaling: Scaling, n_joints: int,
                 output_frame: nn.Module | None = None):  # fmt: skip
        """`output_frame(raw, J)` maps the net's Jacobian frame to the world frame (exact rotation), if any."""
        super().__init__()
        self.encoding, self.output_frame, self.n_joints = encoding, output_frame, n_joints
        self.net = scaling_folded_into(net, scaling)
        self.estimates = len(scaling.target_output_gain) > 0  # False for a confidence-only net

    def forward(self, raw: torch.Tensor, branch: torch.Tensor | None = None):
        encoded = self.encoding(raw) if branch is None else self.encoding(raw, branch)
        logit, jacobian = self.net(encoded)
        if not self.estimates:
            return None, torch.sigmoid(logit)
        jacobian = jacobian.reshape(-1, 6, self.n_joints)
        if self.output_frame is not None:
            jacobian = self.output_frame(raw, jacobian)
        return jacobian, torch.sigmoid(logit)


def scaling_folded_into(net: JacobianNet, scaling: Scaling) -> JacobianNet:
    """A copy of `net` that takes raw features and returns de-scaled Jacobian entries.

    The input standardisation (x − mean)/std is folded into the first dense layer(s) and the output
    de-scaling y·gain + centre into the estimation head's last layer: exact affine algebra, and two
    fewer graph operations on each side of the net (batch-1 latency is mostly per-operation cost).
    """
    dtype = next(net.parameters()).dtype
    folded = copy.deepcopy(net).double().eval()
    as_tensor = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float64)  # noqa: E731
    mean, std = as_tensor(scaling.feature_mean), as_tensor(scaling.feature_std)
    entries = [folded.encoder] if len(folded.encoder) else [folded.confidence_head, folded.estimation_head]
    first_layers = [next(m for m in entry.modules() if isinstance(m, nn.Linear)) for entry in entries]
    gain, centre = as_tensor(scaling.target_output_gain), as_tensor(scaling.target_centre)
    last = folded.estimation_head[-1]
    with torch.no_grad():
        for layer in first_layers:
            weight = layer.weight / std
            layer.bias -= weight @ mean
            layer.weight.copy_(weight)
        if len(gain):
            last.weight.mul_(gain[:, None])
            last.bias.mul_(gain).add_(centre)
    return folded.to(dtype)


def export_onnx(deployed: DeployedJacobianNet, path: Path, metadata: dict, outputs: tuple[str, ...],
                with_branch: bool = False) -> dict:  # fmt: skip
    """Write the ONNX model with `outputs` ⊆ ("jacobian", "confidence") and the metadata (whose
    `input_width` is the raw input width); return the metadata written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    deployed = deployed.float().eval()
    input_name = "q" if metadata["kind"] == "robot" else "features"
    example = (torch.zeros(2, metadata["input_width"]),) + ((torch.zeros(2, dtype=torch.int64),) if with_branch else ())
    input_names = [input_name] + (["branch"] if with_branch else [])

    class _Selected(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = deployed

        def forward(self, *inputs):
            jacobian, confidence = self.inner(*inputs)
            chosen = {"jacobian": jacobian, "confidence": confidence}
            return tuple(chosen[name] for name in outputs)

    metadata = {**metadata, "format_version": FORMAT_VERSION, "inputs": input_names, "outputs": list(outputs)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", torch.jit.TracerWarning)  # the encodings' constant tensors are constants
        torch.onnx.export(
            _Selected(), example, str(path), dynamo=False, input_names=input_names, output_names=list(outputs),
            dynamic_axes={name: {0: "batch"} for name in input_names + list(outputs)}, opset_version=17,
        )  # fmt: skip
    return write_metadata(path, metadata)


def write_metadata(path: Path, metadata: dict) -> dict:
    """Store `metadata` in the ONNX file at `path` (replacing ours, if any) and in its `.json` sidecar."""
    path = Path(path)
    model = onnx.load(str(path))
    kept = [entry for entry in model.metadata_props if entry.key != METADATA_KEY]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    entry = model.metadata_props.add()
    entry.key, entry.value = METADATA_KEY, json.dumps(metadata)
    onnx.save(model, str(path))
    path.with_suffix(".json").write_text(json.dumps(metadata, indent=2) + "\n")
    return metadata
