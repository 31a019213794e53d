"""Feature encodings as torch modules, so training and the exported ONNX graph share one definition.

Every encoding maps raw SI inputs (radians, metres) to the network's features; the exported graph
starts with it, so the runtime feeds raw joint angles or raw M3 feature rows.

- `JointAngleEncoding`: per-robot nets. q (B, N) → [sin q₂..q_M, cos q₂..q_M] with M = N, or N − 1
  when the last joint cannot change J0 (`robot_data.last_joint_moves_jacobian`). Joint 1 is left out
  because the net predicts the Jacobian in the frame rotated by joint 1 (see `BaseRotation`), which
  does not depend on q₁; the last joint, when its axis passes through the tool point, because no column
  of J0 depends on it. Both are exact symmetries, not something learned: an input the target ignores can
  only add error (and, in a closed loop, changes of error while that joint alone turns).
- `M3Encoding`: M3 family nets. Raw M3 row [d1..d6, a1..a6, α1..α6, x, y, z, o1, o2, o3] (+ optional
  branch index) → the four non-constant DH lengths (d3, d4, a2, a3), the position, reach features
  (|p|, horizontal radius, distance to the shoulder, forearm length, reach margins), the rotation
  matrix of Rx(o1)·Ry(o2)·Rz(o3) (continuous, unlike the wrapped Euler angles) and the branch
  one-hot. Each part can be switched off for the ablation.
- `BaseRotation`: J⁽¹⁾ (B, 6, N) expressed in the frame Base·Rz(θ₁) → J0 = diag(R, R)·J⁽¹⁾.
- `AzimuthRotation`: the M3 analogue — J in the frame turned by the target's azimuth → J0.
"""

from __future__ import annotations

import torch
from torch import nn

from jacobian_rrmc.ik import BRANCHES

M3_D3, M3_D4, M3_A2, M3_A3 = 2, 3, 7, 8
M3_POSITION = slice(18, 21)
M3_EULER = slice(21, 24)


class JointAngleEncoding(nn.Module):
    """q (B, N) radians → (B, 2(M−1)) = [sin q₂..q_M, cos q₂..q_M]; M = N, or N − 1 without the last joint."""

    def __init__(self, n_joints: int, last_joint: bool = True):
        super().__init__()
        self.n_joints = n_joints
        self.stop = n_joints if last_joint else n_joints - 1
        self.out_features = 2 * (self.stop - 1)

    def forward(self, q: torch.Tensor) -> torch.Tensor:
        used = q[:, 1 : self.stop]
        return torch.cat([torch.sin(used), torch.cos(used)], dim=1)


def _axis_rotation_terms(axis: int) -> torch.Tensor:
    """(3, 3, 3) stack [A, S, C] with R_axis(θ) = A + sin θ·S + cos θ·C (Rodrigues, written linear in sin/cos)."""
    unit = torch.zeros(3, dtype=torch.float64)
    unit[axis] = 1.0
    fixed = torch.outer(unit, unit)
    generator = torch.zeros(3, 3, dtype=torch.float64)
    generator[(axis + 2) % 3, (axis + 1) % 3], generator[(axis + 1) % 3, (axis + 2) % 3] = 1.0, -1.0
    return torch.stack([fixed, generator, torch.eye(3, dtype=torch.float64) - fixed])


class RotationProduct(nn.Module):
    """R_1(±θ_1)·R_2(±θ_2)···R_M(±θ_M) of elementary rotations about fixed axes, from their sines and cosines.

    Input (B, 2M): the sines and cosines of θ_1..θ_M in the column order `layout` (default: all sines,
    then all cosines) → (B, 3, 3). Every factor is affine in its (sin, cos), so one matrix product builds
    all M factors at once and M − 1 batched products chain them: a handful of ONNX nodes instead of one
    per matrix entry, which is what sets batch-1 latency.

    Args:
        axes: axis index (0 = x, 1 = y, 2 = z) of each factor, in product order.
        base: optional fixed (3, 3) rotation applied on the left.
        signs: +1 or −1 per factor; −1 makes that factor R(−θ) (its sine enters negated).
        layout: (factor index, "sin" | "cos") of each input column.
        twin: one factor only: return diag(R, R) (B, 6, 6), which turns both row blocks of a Jacobian.
    """

    def __init__(self, axes: tuple[int, ...], base: torch.Tensor | None = None, signs: tuple[float, ...] | None = None,
                 layout: tuple[tuple[int, str], ...] | None = None, twin: bool = False):  # fmt: skip
        super().__init__()
        count = len(axes)
        if twin and count != 1:
            raise ValueError("twin (block-diagonal) output needs exactly one factor")
        left = torch.eye(3, dtype=torch.float64) if base is None else torch.as_tensor(base, dtype=torch.float64)
        terms = [_axis_rotation_terms(axis) for axis in axes]
        terms[0] = torch.matmul(left, terms[0])
        signs = signs or (1.0,) * count
        layout = layout or tuple((k, "sin") for k in range(count)) + tuple((k, "cos") for k in range(count))
        place = (lambda m: torch.block_diag(m, m).reshape(36)) if twin else (lambda m: m.reshape(9))
        size = 36 if twin else 9
        weight = torch.zeros(2 * count, size * count, dtype=torch.float64)
        for row, (factor, trig) in enumerate(layout):
            term = signs[factor] * terms[factor][1] if trig == "sin" else terms[factor][2]
            weight[row, size * factor : size * (factor + 1)] = place(term)
        self.count, self.size = count, size
        self.register_buffer("weight", weight)
        self.register_buffer("bias", torch.cat([place(fixed) for fixed, _, _ in terms]))

    def forward(self, sin_cos: torch.Tensor) -> torch.Tensor:
        factors = torch.addmm(self.bias.to(sin_cos.dtype), sin_cos, self.weight.to(sin_cos.dtype))
        if self.size == 36:
            return factors.reshape(-1, 6, 6)
        factors = factors.reshape(-1, self.count, 3, 3)
        if self.count == 1:
            return factors[:, 0]
        chain = factors.split(1, dim=1)
        product = chain[0]
        for factor in chain[1:]:
            product = torch.matmul(product, factor)
        return product.reshape(-1, 3, 3)


def _azimuth_cos_sin(raw: torch.Tensor) -> torch.Tensor:
    """(cos φ, sin φ) (B, 2) of an M3 row's position (φ = 0 at r = 0).

    The encoding and `AzimuthRotation` both call this on the same input, so the exported graph
    computes it once (onnxruntime merges identical subgraphs).
    """
    xy = raw[:, M3_POSITION.start : M3_POSITION.start + 2]
    radius = torch.sqrt((xy * xy).sum(dim=1, keepdim=True))
    unit = xy / torch.clamp(radius, min=1e-12)
    return torch.where(radius > 1e-12, unit, torch.tensor([1.0, 0.0], dtype=raw.dtype))


def _linear_map(inputs: tuple[str, ...], outputs: list[dict[str, float]]) -> torch.Tensor:
    """(len(inputs), len(outputs)) matrix: output k = Σ coefficient · input, for {input name: coefficient}."""
    matrix = torch.zeros(len(inputs), len(outputs), dtype=torch.float64)
    for column, combination in enumerate(outputs):
        for name, coefficient in combination.items():
            matrix[inputs.index(name), column] = coefficient
    return matrix


# The M3 encoding works on named intermediate quantities; constant matrices built by `_linear_map` combine
# them, so the graph has one operation per stage instead of one per scalar.
_GATHERED = ("x", "y", "z", "d3", "d4", "a2", "a3")
_GATHER_COLUMNS = [M3_POSITION.start, M3_POSITION.start + 1, M3_POSITION.start + 2, M3_D3, M3_D4, M3_A2, M3_A3]
_SQUARES = tuple(f"{name}²" for name in _GATHERED)
_CLAMPED = ("radius²", "norm²", "shoulder²", "forearm²", "plane_radius²")  # clamped at 0
_ROOTS = ("radius", "norm", "shoulder", "forearm", "plane_radius")
_REACH_EXTRAS = ("gap", "elbow", "arm", "log_arm")
_SQUARE_MAP = _linear_map(_SQUARES, [
    {"x²": 1, "y²": 1}, {"x²": 1, "y²": 1, "z²": 1}, {"x²": 1, "y²": 1, "z²": 1, "d3²": -1}, {"d4²": 1, "a3²": 1},
    {"x²": 1, "y²": 1, "d3²": -1},
])  # fmt: skip
# Every linear input of the reach extras, split apart by one operation afterwards.
_REACH_INPUTS = (*_SQUARES, *_CLAMPED, *_ROOTS, *_GATHERED)
_REACH_LINEAR = _linear_map(_REACH_INPUTS, [
    {"shoulder²": 1, "a2²": -1, "forearm²": -1}, {"a2": 2}, {"forearm²": 1}, {"a2": 1, "forearm": -1}, {"a2": 1},
    {"plane_radius": 1},
])  # fmt: skip


class M3Encoding(nn.Module):
    """Raw M3 rows (B, 24) [+ branch (B,) int] → engineered features (see module docstring).

    Computed as a short chain of whole-tensor operations into a basis of raw quantities; one constant
    linear map then picks and combines them into the feature order below, so the exported graph stays
    small (batch-1 latency is mostly a per-operation cost).

    Feature order: d3, d4, a2, a3; position (x, y, z) or, in the azimuth frame, (r, z); rotation (9
    matrix entries row-major, or the 3 raw Euler angles); reach features |p|, r − d3, shoulder,
    forearm, a2 + forearm − shoulder, shoulder − |a2 − forearm|, elbow, plane radius, arm,
    log(arm + 1e-4); branch one-hot.

    Args:
        rotation: "matrix" (9 rotation-matrix entries) or "euler" (the paper's raw wrapped angles).
        reach: add the reach features (|p|, √(x²+y²), shoulder distance, forearm length, margins).
        branch: append the 8-way IK branch one-hot (the caller passes the branch index).
        azimuth: express the pose in the frame turned about z0 by φ = atan2(y, x) (position → (r, z));
            reachability is invariant to that turn and J0 turns with it (`AzimuthRotation`).
    """

    def __init__(self, rotation: str = "matrix", reach: bool = True, branch: bool = False, azimuth: bool = False):
        super().__init__()
        if rotation not in ("matrix", "euler"):
            raise ValueError(f"rotation must be 'matrix' or 'euler', got {rotation!r}")
        if azimuth and rotation != "matrix":
            raise ValueError("the azimuth frame needs the rotation-matrix encoding")
        self.rotation, self.reach, self.branch, self.azimuth = rotation, reach, branch, azimuth
        rotation_names = (
            [f"R{i}{j}" for i in range(3) for j in range(3)] if rotation == "matrix" else ["o1", "o2", "o3"]
        )
        basis = [*_GATHERED, *rotation_names, *_ROOTS]
        basis += list(_REACH_EXTRAS) if reach else []
        basis += [f"branch{k}" for k in range(BRANCHES)] if branch else []
        features: list[dict[str, float]] = [{"d3": 1.0}, {"d4": 1.0}, {"a2": 1.0}, {"a3": 1.0}]
        features += [{"radius": 1.0}, {"z": 1.0}] if azimuth else [{"x": 1.0}, {"y": 1.0}, {"z": 1.0}]
        features += [{name: 1.0} for name in rotation_names]
        if reach:
            features += [
                {"norm": 1.0}, {"radius": 1.0, "d3": -1.0}, {"shoulder": 1.0}, {"forearm": 1.0},
                {"a2": 1.0, "forearm": 1.0, "shoulder": -1.0}, {"shoulder": 1.0, "gap": -1.0}, {"elbow": 1.0},
                {"plane_radius": 1.0}, {"arm": 1.0}, {"log_arm": 1.0},
            ]  # fmt: skip
        features += [{f"branch{k}": 1.0} for k in range(BRANCHES)] if branch else []
        self.register_buffer("selection", _linear_map(tuple(basis), features))
        self.register_buffer("square_map", _SQUARE_MAP.clone())
        self.register_buffer("reach_linear", _REACH_LINEAR.clone())
        self.register_buffer("one_hot", torch.eye(BRANCHES, dtype=torch.float64))
        # Pose rotation Rx(o1)·Ry(o2)·Rz(o3); in the azimuth frame Rz(−φ) first, fed as (cos φ, sin φ).
        if azimuth:
            layout = ((0, "cos"), (0, "sin"), (1, "sin"), (2, "sin"), (3, "sin"), (1, "cos"), (2, "cos"), (3, "cos"))
            self.pose_rotation = RotationProduct((2, 0, 1, 2), signs=(-1.0, 1.0, 1.0, 1.0), layout=layout)
        else:
            self.pose_rotation = RotationProduct((0, 1, 2))
        self.out_features = len(features)

    def forward(self, raw: torch.Tensor, branch: torch.Tensor | None = None) -> torch.Tensor:
        dtype = raw.dtype
        gathered = raw[:, _GATHER_COLUMNS]  # x, y, z, d3, d4, a2, a3
        squares = gathered * gathered
        clamped = torch.clamp(torch.matmul(squares, self.square_map.to(dtype)), min=0.0)
        roots = torch.sqrt(clamped)  # r, |p|, shoulder, forearm, plane radius
        euler = raw[:, M3_EULER]
        if self.rotation == "euler":
            rotation = euler
        else:
            trig = [torch.sin(euler), torch.cos(euler)]
            if self.azimuth:
                trig.insert(0, _azimuth_cos_sin(raw))
            rotation = self.pose_rotation(torch.cat(trig, dim=1)).reshape(-1, 9)
        basis = [gathered, rotation, roots]
        if self.reach:
            basis += self._reach_extras(torch.cat([squares, clamped, roots, gathered], dim=1))
        if self.branch:
            if branch is None:
                raise ValueError("this encoding needs the IK branch index")
            basis.append(self.one_hot.to(dtype)[branch.long()])
        return torch.matmul(torch.cat(basis, dim=1), self.selection.to(dtype))

    def _reach_extras(self, quantities: torch.Tensor) -> list[torch.Tensor]:
        """|a2 − forearm|, elbow, arm = a2·elbow·plane radius, log(arm + 1e-4), each (B, 1), from the
        `_REACH_INPUTS` quantities (B, 24).

        The wrist centre is the tool point (d5 = d6 = 0). It is reachable iff the horizontal radius
        covers the shoulder offset d3 and the shoulder distance lies between |a2 − L| and a2 + L,
        L = forearm length √(a3² + d4²). The net gets these quantities, not the verdict.
        |det J| of this family factors as a2 · elbow(shoulder distance) · arm-plane radius · |sin q5|;
        the first three factors depend on the position only and are given (clamped at 0 where out of
        reach), plus the log of their product, which makes the manipulability cutoff an additive
        boundary. The wrist factor max|sin q5| over the branches is left to the net.
        """
        linear = torch.matmul(quantities, self.reach_linear.to(quantities.dtype))
        numerator, twice_a2, forearm_sq, gap, a2, plane_radius = linear.split(1, dim=1)
        cos_elbow = numerator / torch.clamp(twice_a2, min=1e-6)
        elbow = torch.sqrt(torch.clamp(forearm_sq - cos_elbow * cos_elbow, min=0.0))
        arm = a2 * elbow * plane_radius
        return [torch.abs(gap), elbow, arm, torch.log(arm + 1e-4)]


class BaseRotation(nn.Module):
    """J⁽¹⁾ (B, 6, N) in the frame Base·Rz(q₁ + offset₁) → J0 (B, 6, N) in the world frame.

    Exact: turning joint 1 rotates the whole chain after it rigidly, so the Jacobian expressed in
    that rotated frame does not depend on q₁, and J0 = diag(R, R)·J⁽¹⁾ with R = R_base·Rz(θ₁).
    """

    def __init__(self, base_rotation: torch.Tensor, offset: float):
        super().__init__()
        self.rotation = RotationProduct((2,), base=base_rotation, twin=True)
        self.offset = float(offset)

    def forward(self, q: torch.Tensor, jacobian_joint1: torch.Tensor) -> torch.Tensor:
        theta = q[:, 0:1] + self.offset
        return torch.matmul(self.rotation(torch.cat([torch.sin(theta), torch.cos(theta)], dim=1)), jacobian_joint1)


class AzimuthRotation(nn.Module):
    """J in the azimuth frame of an M3 pose ↔ J0 in the world frame: J0 = diag(Rz(φ), Rz(φ))·J_az.

    Exact for the M3 family (d1 = 0, identity base): turning the target about z0 by φ turns the IK
    solution's joint 1 by φ and nothing else, so J0 rotates with it. ``inverse=True`` maps J0 → J_az
    (for the training targets).
    """

    def __init__(self, inverse: bool = False):
        super().__init__()
        self.rotation = RotationProduct((2,), signs=(-1.0 if inverse else 1.0,), layout=((0, "cos"), (0, "sin")),
                                        twin=True)  # fmt: skip

    def forward(self, raw: torch.Tensor, jacobian: torch.Tensor) -> torch.Tensor:
        return torch.matmul(self.rotation(_azimuth_cos_sin(raw)), jacobian)
