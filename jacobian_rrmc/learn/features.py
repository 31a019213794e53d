"""Feature encodings as torch modules, so training and the exported ONNX graph share one definition.

Every encoding maps raw SI inputs (radians, metres) to the network's features; the exported graph
starts with it, so the runtime feeds raw joint angles or raw M3 feature rows.

- `JointAngleEncoding`: per-robot nets. q (B, N) → [sin q₂..q_N, cos q₂..q_N]. Joint 1 is left out
  because the net predicts the Jacobian in the frame rotated by joint 1 (see `BaseRotation`), which
  does not depend on q₁ — an exact symmetry, not something learned.
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

M3_D3, M3_D4, M3_A2, M3_A3 = 2, 3, 7, 8
M3_POSITION = slice(18, 21)
M3_EULER = slice(21, 24)
BRANCHES = 8


class JointAngleEncoding(nn.Module):
    """q (B, N) radians → (B, 2(N−1)) = [sin q₂..q_N, cos q₂..q_N]."""

    def __init__(self, n_joints: int):
        super().__init__()
        self.n_joints = n_joints
        self.out_features = 2 * (n_joints - 1)

    def forward(self, q: torch.Tensor) -> torch.Tensor:
        rest = q[:, 1:]
        return torch.cat([torch.sin(rest), torch.cos(rest)], dim=1)


# Generators of the rotations about x, y, z: R_k(o) = I + sin(o)·K_k + (1 − cos(o))·K_k² (Rodrigues). Built from
# whole tensors rather than per-entry stacks, so the exported graph has few nodes (batch-1 latency).
_GENERATORS = torch.zeros(3, 3, 3, dtype=torch.float64)
_GENERATORS[0, 2, 1], _GENERATORS[0, 1, 2] = 1.0, -1.0
_GENERATORS[1, 0, 2], _GENERATORS[1, 2, 0] = 1.0, -1.0
_GENERATORS[2, 1, 0], _GENERATORS[2, 0, 1] = 1.0, -1.0


def _rotation_xyz(euler: torch.Tensor) -> torch.Tensor:
    """Rx(o1)·Ry(o2)·Rz(o3) for euler (B, 3) → (B, 3, 3) (the M3 randPose convention)."""
    generators = _GENERATORS.to(euler.dtype)
    angles = euler.unsqueeze(2).unsqueeze(3)  # (B, 3, 1, 1)
    axes = torch.eye(3, dtype=euler.dtype) + torch.sin(angles) * generators
    axes = axes + (1 - torch.cos(angles)) * torch.matmul(generators, generators)
    return torch.matmul(torch.matmul(axes[:, 0], axes[:, 1]), axes[:, 2])


def _azimuth_unit(raw: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(cos φ, sin φ) as (B, 1, 1) and the horizontal radius r (B, 1) of an M3 row's position (φ = 0 at r = 0)."""
    xy = raw[:, M3_POSITION.start : M3_POSITION.start + 2]
    radius_sq = (xy * xy).sum(dim=1, keepdim=True)
    radius = torch.sqrt(radius_sq)
    safe = radius > 1e-12
    fallback = torch.tensor([1.0, 0.0], dtype=raw.dtype)
    unit = torch.where(safe, xy / torch.where(safe, radius, torch.ones_like(radius)), fallback)
    return unit[:, 0:1].unsqueeze(2), unit[:, 1:2].unsqueeze(2), radius


def _turn_rows(rows: torch.Tensor, c: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """Rz(φ)·rows for (B, 3, K) rows, with c, s = cos φ, sin φ as (B, 1, 1)."""
    first, second = rows[:, 0:1], rows[:, 1:2]
    return torch.cat([c * first - s * second, s * first + c * second, rows[:, 2:3]], dim=1)


class M3Encoding(nn.Module):
    """Raw M3 rows (B, 24) [+ branch (B,) int] → engineered features (see module docstring).

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
        self.out_features = (
            4
            + (2 if azimuth else 3)
            + (9 if rotation == "matrix" else 3)
            + (10 if reach else 0)
            + (BRANCHES if branch else 0)
        )

    def forward(self, raw: torch.Tensor, branch: torch.Tensor | None = None) -> torch.Tensor:
        lengths = raw[:, [M3_D3, M3_D4, M3_A2, M3_A3]]
        d3, d4, a2, a3 = lengths[:, 0:1], lengths[:, 1:2], lengths[:, 2:3], lengths[:, 3:4]
        z = raw[:, M3_POSITION.stop - 1 : M3_POSITION.stop]
        c, s, radius = _azimuth_unit(raw)
        if self.azimuth:
            # Pose turned about z0 into the arm's vertical plane: position (r, 0, z), orientation Rz(−φ)·R.
            turned = _turn_rows(_rotation_xyz(raw[:, M3_EULER]), c, -s)
            parts = [lengths, radius, z, turned.reshape(-1, 9)]
        elif self.rotation == "matrix":
            parts = [lengths, raw[:, M3_POSITION], _rotation_xyz(raw[:, M3_EULER]).reshape(-1, 9)]
        else:
            parts = [lengths, raw[:, M3_POSITION], raw[:, M3_EULER]]
        if self.reach:
            # The wrist centre is the tool point (d5 = d6 = 0). It is reachable iff the horizontal
            # radius covers the shoulder offset d3 and the shoulder distance lies between |a2 − L| and
            # a2 + L, L = forearm length √(a3² + d4²). The net gets these quantities, not the verdict.
            # |det J| of this family factors as a2 · elbow(shoulder distance) · arm-plane radius · |sin q5|;
            # the first three factors depend on the position only and are given (clamped at 0 where
            # out of reach), plus the log of their product, which makes the manipulability cutoff an
            # additive boundary. The wrist factor max|sin q5| over the branches is left to the net.
            radius_sq = radius * radius
            norm_sq = radius_sq + z * z
            shoulder = torch.sqrt(torch.clamp(norm_sq - d3 * d3, min=0.0))
            forearm = torch.sqrt(a3 * a3 + d4 * d4)
            cos_elbow = (shoulder * shoulder - a2 * a2 - forearm * forearm) / torch.clamp(2 * a2, min=1e-6)
            elbow = torch.sqrt(torch.clamp(forearm * forearm - cos_elbow * cos_elbow, min=0.0))
            plane_radius = torch.sqrt(torch.clamp(radius_sq - d3 * d3, min=0.0))
            arm = a2 * elbow * plane_radius
            parts += [torch.sqrt(norm_sq), radius - d3, shoulder, forearm, a2 + forearm - shoulder,
                      shoulder - torch.abs(a2 - forearm), elbow, plane_radius, arm, torch.log(arm + 1e-4)]  # fmt: skip
        if self.branch:
            if branch is None:
                raise ValueError("this encoding needs the IK branch index")
            parts.append(nn.functional.one_hot(branch.long(), BRANCHES).to(raw.dtype))
        return torch.cat(parts, dim=1)


class BaseRotation(nn.Module):
    """J⁽¹⁾ (B, 6, N) in the frame Base·Rz(q₁ + offset₁) → J0 (B, 6, N) in the world frame.

    Exact: turning joint 1 rotates the whole chain after it rigidly, so the Jacobian expressed in
    that rotated frame does not depend on q₁, and J0 = diag(R, R)·J⁽¹⁾ with R = R_base·Rz(θ₁).
    """

    def __init__(self, base_rotation: torch.Tensor, offset: float):
        super().__init__()
        self.register_buffer("base_rotation", base_rotation.clone())
        self.offset = float(offset)

    def forward(self, q: torch.Tensor, jacobian_joint1: torch.Tensor) -> torch.Tensor:
        theta = q[:, 0] + self.offset
        c, s = torch.cos(theta), torch.sin(theta)
        zero, one = torch.zeros_like(c), torch.ones_like(c)
        rz = torch.stack([c, -s, zero, s, c, zero, zero, zero, one], dim=1).reshape(-1, 3, 3)
        rotation = torch.matmul(self.base_rotation, rz)
        linear = torch.matmul(rotation, jacobian_joint1[:, :3, :])
        angular = torch.matmul(rotation, jacobian_joint1[:, 3:, :])
        return torch.cat([linear, angular], dim=1)


class AzimuthRotation(nn.Module):
    """J in the azimuth frame of an M3 pose ↔ J0 in the world frame: J0 = diag(Rz(φ), Rz(φ))·J_az.

    Exact for the M3 family (d1 = 0, identity base): turning the target about z0 by φ turns the IK
    solution's joint 1 by φ and nothing else, so J0 rotates with it. ``inverse=True`` maps J0 → J_az
    (for the training targets).
    """

    def __init__(self, inverse: bool = False):
        super().__init__()
        self.inverse = inverse

    def forward(self, raw: torch.Tensor, jacobian: torch.Tensor) -> torch.Tensor:
        c, s, _ = _azimuth_unit(raw)
        if self.inverse:
            s = -s
        return torch.cat([_turn_rows(jacobian[:, :3], c, s), _turn_rows(jacobian[:, 3:], c, s)], dim=1)
