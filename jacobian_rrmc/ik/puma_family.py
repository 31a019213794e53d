"""Closed-form inverse kinematics of PUMA-family 6R arms, vectorised over a batch of targets.

Family (standard DH, all joints revolute, checked by `is_puma_family`):
α1 = ±π/2, α2 = 0, α3 = ±π/2, α4 = ±π/2, α5 = ±π/2, α6 any; a1 = a4 = a5 = 0; d5 = 0;
d1, d2, d3, d4, d6, a2, a3, a6 and the θ offsets arbitrary; base and tool transforms arbitrary.
Joints 4–6 form a spherical wrist whose centre is the origin of DH frame 4. This covers the
M3 random arms (shared/SOURCES.md §1), the PUMA 560 and the Sixi 2.

Method. The target tool pose T (world frame) becomes the pose of the frame after Rz(θ6),
T' = base⁻¹·T·tool⁻¹·C6⁻¹ with C6 = Tz(d6)·Tx(a6)·Rx(α6), whose origin is the wrist centre w.
With w measured from the shoulder point (0, 0, d1) in DH frame 0 and σᵢ = sign(αᵢ):

- shoulder: the wrist centre in frame 1 is (u, v, D) with D = d2 + d3 (the shoulder offset)
  and σ1·(sin θ1·wx − cos θ1·wy) = D, so θ1 = atan2(wy, wx) + atan2(σ1·D, ±√(wx² + wy² − D²))
  and u = ±√(wx² + wy² − D²), v = σ1·wz;
- elbow: joints 2 and 3 form a planar 2R arm with links a2 and L = √(a3² + d4²) at the elbow
  angle ψ = θ3 − β, β = atan2(σ3·d4, a3); ψ = ±2·atan2(√((a2+L)² − ρ²), √(ρ² − (a2−L)²)),
  ρ² = u² + v² (half-angle form: exact at the reach boundary where acos loses precision; both
  radicands change sign together when a2 < 0);
- wrist: M = R03ᵀ·R' = Rz(θ4)Rx(α4)·Rz(θ5)Rx(α5)·Rz(θ6); its third column is
  σ5·sin θ5·(cos θ4, sin θ4, 0) + (0, 0, −σ4σ5·cos θ5), which gives θ5 (two signs) and θ4;
  θ6 is read from the residual rotation (Rz(θ4)Rx(α4)Rz(θ5)Rx(α5))ᵀ·M, which stays exact at
  the wrist singularity sin θ5 = 0 (there θ4 = 0 is chosen and θ6 takes the whole rotation).
  The flipped wrist (θ4 + π, −θ5, θ6 + π) gives the same M for any signs of α4, α5 = ±π/2.
R03 comes from the kinematics core (forward kinematics of joints 1–3).
Manipulability: at the wrist centre J is block triangular, so |det J| = |u|·|a2|·L·|sin ψ|·|sin θ5|
(shoulder, elbow and wrist singularities), the same for both wrists of an arm branch.

Branches. b = 4·shoulder + 2·elbow + wrist, 0…7, with
  shoulder 0 ("left"):  u ≥ 0, the wrist centre is in front of the shoulder along x1;
  shoulder 1 ("right"): u < 0;
  elbow 0 ("up"):       sin ψ ≥ 0;   elbow 1 ("down"): sin ψ < 0;
  wrist 0 (no flip):    sin θ5 ≥ 0;  wrist 1 (flip):   sin θ5 < 0   (θ5 = q5 + offset5).
The names in quotes are labels for these sign conditions; which one looks "up" on a real arm
depends on its α signs and offsets. A pose is reachable on all 8 branches or on none (the
conditions above do not depend on the branch), except that joint limits can exclude some.
At singular configurations (u = 0, sin ψ = 0, sin θ5 = 0) two branches coincide.

Units: metres and radians. All arrays are plain numpy; no Python loop over samples.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jacobian_rrmc.kinematics import DHParameters, forward_kinematics
from jacobian_rrmc.kinematics.forward import check_arm_count, dh_parameters
from jacobian_rrmc.robots import RobotModel

BRANCHES = 8
FAMILY_TOLERANCE = 1e-9  # rad / m: how far the DH table may be from the family pattern
REACH_SLACK = 1e-12  # m²: reach inequalities violated by less than this count as met (rounding at the boundary)
LIMIT_TOLERANCE = 1e-9  # rad: joint-limit slack, so configurations on a limit count as inside
TWO_PI = 2.0 * np.pi


@dataclass
class IKSolutions:
    """All 8 closed-form solutions of a batch of B targets.

    Attributes:
        q: (B, 8, 6) joint angles in radians, wrapped to (−π, π], or shifted by 2π into the
            joint limits where that makes them fit; 0 where the branch is not valid.
        valid: (B, 8) bool, the branch exists (the target is reachable on it).
        within_limits: (B, 8) bool, valid and every joint inside its limits.
        manipulability: (B, 8) Yoshikawa manipulability √det(J·Jᵀ) = |det J| of each branch,
            in closed form (0 where not valid); equal to `kinematics.manipulability` of the
            Jacobian at q, without computing J.
    """

    q: np.ndarray
    valid: np.ndarray
    within_limits: np.ndarray
    manipulability: np.ndarray

    def most_manipulable(self, joint_limits: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(branch (B,), manipulability (B,)) of the best usable branch per target.

        Usable = inside the joint limits (or merely valid with joint_limits=False); the best is the
        largest manipulability, ties going to the lowest branch index (wrist flip 0 before 1).
        The manipulability is −inf where no branch is usable. The one rule behind the dataset
        labels and the workspace maps.
        """
        usable = self.within_limits if joint_limits else self.valid
        scores = np.where(usable, self.manipulability, -np.inf)
        best = np.argmax(scores, axis=-1)
        return best, np.take_along_axis(scores, best[..., None], axis=-1)[..., 0]


def is_puma_family(model) -> bool:
    """True if every arm of `model` (RobotModel or DHParameters) fits the family above."""
    params = dh_parameters(model)
    if params.n_joints != 6 or params.prismatic.any():
        return False
    alpha, a, d = params.alpha, params.a, params.d

    def quarter_turn(column):
        return np.all(np.abs(np.abs(alpha[:, column]) - np.pi / 2) < FAMILY_TOLERANCE)

    return bool(
        quarter_turn(0)
        and quarter_turn(2)
        and quarter_turn(3)
        and quarter_turn(4)
        and np.all(np.abs(alpha[:, 1]) < FAMILY_TOLERANCE)
        and np.all(np.abs(a[:, [0, 3, 4]]) < FAMILY_TOLERANCE)
        and np.all(np.abs(d[:, 4]) < FAMILY_TOLERANCE)
    )


@dataclass
class _Reach:
    """Wrist-centre reach of B targets (internal, shared by `arm_reach` and `solve_ik`)."""

    params: DHParameters
    wrist_frame: np.ndarray  # (B, 4, 4): pose of the frame after Rz(θ6) in DH frame 0
    radial: np.ndarray  # (B,): wx² + wy² − D², u = ±√radial
    v: np.ndarray  # (B,): σ1·wz
    outer: np.ndarray  # (B,): ±((a2 + L)² − ρ²), sign of a2; ≥ 0 when reachable
    inner: np.ndarray  # (B,): ±(ρ² − (a2 − L)²), sign of a2; ≥ 0 when reachable
    reachable: np.ndarray  # (B,) bool
    arm_factor: np.ndarray  # (B,): |u|·|a2|·L·|sin ψ| = ½·|u|·√(outer·inner), 0 where unreachable


def _reach(model, target_pose) -> tuple[_Reach, bool]:
    params = dh_parameters(model)
    if not is_puma_family(params):
        raise ValueError("needs a PUMA-family 6R arm with a spherical wrist (see jacobian_rrmc.ik.puma_family)")
    target = np.asarray(target_pose, dtype=np.float64)
    single = target.ndim == 2
    target = target.reshape(-1, 4, 4)
    check_arm_count(params, target.shape[0])
    d, a, alpha = params.d, params.a, params.alpha
    wrist_frame = target
    if not _is_identity(params.base):
        wrist_frame = _inverse(params.base) @ wrist_frame
    if not _is_identity(params.tool):
        wrist_frame = wrist_frame @ _inverse(params.tool)
    if np.any(d[:, 5]) or np.any(a[:, 5]) or np.any(alpha[:, 5]):
        wrist_frame = wrist_frame @ _inverse(_link_constant(d[:, 5], a[:, 5], alpha[:, 5]))
    wx, wy = wrist_frame[:, 0, 3], wrist_frame[:, 1, 3]
    v = np.sign(alpha[:, 0]) * (wrist_frame[:, 2, 3] - d[:, 0])
    # Shoulder: u = ±√(wx² + wy² − D²) needs radial ≥ 0. Elbow: the planar 2R arm (a2, L) reaches ρ.
    radial = wx * wx + wy * wy - (d[:, 1] + d[:, 2]) ** 2
    a2, forearm = a[:, 1], np.hypot(a[:, 2], d[:, 3])
    rho2 = np.maximum(radial, 0.0) + v * v
    rho = np.sqrt(rho2)
    # For a2 < 0 both terms change sign (a2 + L is then the inner radius); `side` keeps them ≥ 0 when reachable.
    side = np.where(a2 < 0, -1.0, 1.0)
    outer = side * (a2 + forearm - rho) * (a2 + forearm + rho)
    inner = side * (rho2 - (a2 - forearm) ** 2)
    reachable = (radial >= -REACH_SLACK) & (outer >= -REACH_SLACK) & (inner >= -REACH_SLACK)
    # sin ψ = √(outer·inner) / (2·|a2|·L) from the half-angle form of ψ below.
    factor = 0.5 * np.sqrt(np.maximum(radial, 0.0) * np.maximum(outer, 0.0) * np.maximum(inner, 0.0))
    arm_factor = np.where(reachable, factor, 0.0)
    return _Reach(params, wrist_frame, radial, v, outer, inner, reachable, arm_factor), single


def _arm_angles(reach: _Reach) -> np.ndarray:
    """q1, q2, q3 of the 4 arm branches, (B, 2 shoulder, 2 elbow, 3)."""
    params, frame = reach.params, reach.wrist_frame
    d, a, alpha = params.d, params.a, params.alpha
    shoulder_offset = d[:, 1] + d[:, 2]
    root = np.sqrt(np.maximum(reach.radial, 0.0))
    u = np.stack([root, -root], axis=-1)  # (B, 2)
    theta1 = np.arctan2(frame[:, 1, 3], frame[:, 0, 3])[:, None] + np.arctan2(
        (np.sign(alpha[:, 0]) * shoulder_offset)[:, None], u
    )
    a2, forearm = a[:, 1], np.hypot(a[:, 2], d[:, 3])
    beta = np.arctan2(np.sign(alpha[:, 2]) * d[:, 3], a[:, 2])
    psi_abs = 2.0 * np.arctan2(np.sqrt(np.maximum(reach.outer, 0.0)), np.sqrt(np.maximum(reach.inner, 0.0)))
    psi = np.stack([psi_abs, -psi_abs], axis=-1)  # (B, 2)
    elbow_angle = np.arctan2(forearm[:, None] * np.sin(psi), a2[:, None] + forearm[:, None] * np.cos(psi))
    theta2 = np.arctan2(reach.v[:, None], u)[:, :, None] - elbow_angle[:, None, :]  # (B, shoulder, elbow)
    theta3 = np.broadcast_to((psi + beta[:, None])[:, None, :], theta2.shape)
    theta1 = np.broadcast_to(theta1[:, :, None], theta2.shape)
    return np.stack([theta1, theta2, theta3], axis=-1) - params.theta_offset[:, None, None, :3]


def arm_reach(model, target_pose) -> tuple[np.ndarray, np.ndarray]:
    """Cheap screen before `solve_ik`: (reachable (B,) bool, manipulability bound (B,)).

    A target is reachable exactly when its wrist centre is (see module docstring). The
    bound |u|·|a2|·L·|sin ψ| ≥ the manipulability of every branch, since that equals
    bound·|sin θ5|. Joint limits are not considered. Single targets give scalars.
    """
    reach, single = _reach(model, target_pose)
    if single:
        return bool(reach.reachable[0]), float(reach.arm_factor[0])
    return reach.reachable, reach.arm_factor


def solve_ik(model, target_pose, q_min=None, q_max=None) -> IKSolutions:
    """All 8 IK solutions for tool pose(s) `target_pose` ((4, 4) or (B, 4, 4), world frame, m).

    `model` is a RobotModel or DHParameters with P = 1 arm or P = B arms (one per target).
    Joint limits default to the RobotModel's; a DHParameters has none unless given (then
    `within_limits` equals `valid`). A single target returns arrays without the batch axis.
    Raises ValueError for an arm outside the family or a mismatched batch.
    """
    if q_min is None and q_max is None and isinstance(model, RobotModel):
        q_min, q_max = model.q_min, model.q_max
    stage, single = _reach(model, target_pose)
    params, arm_q = stage.params, _arm_angles(stage)
    n_batch = arm_q.shape[0]
    alpha, offset = params.alpha, params.theta_offset
    sign4, sign5 = np.sign(alpha[:, 3]), np.sign(alpha[:, 4])

    # Wrist (joints 4-6) from M = R03ᵀ R'.
    rot03 = _arm_rotation(params, arm_q.reshape(-1, 3)).reshape(n_batch, 2, 2, 3, 3)
    m = np.swapaxes(rot03, -1, -2) @ stage.wrist_frame[:, None, None, :3, :3]
    sin5_abs = np.hypot(m[..., 0, 2], m[..., 1, 2])
    cos5 = -(sign4 * sign5)[:, None, None] * m[..., 2, 2]
    # Wrist 0 (sin θ5 ≥ 0); the flipped wrist (θ4 + π, −θ5, θ6 + π) gives the same rotation for α4, α5 = ±π/2.
    theta5 = np.arctan2(sin5_abs, cos5)  # (B, 2, 2)
    s5 = sign5[:, None, None]
    theta4 = np.arctan2(s5 * m[..., 1, 2], s5 * m[..., 0, 2])
    theta6 = _wrist_roll(theta4, theta5, alpha[:, 3], alpha[:, 4], m[..., :, 0])
    wrist = np.stack([theta4, theta5, theta6], axis=-1)  # (B, 2, 2, 3)
    flipped = _wrap(wrist + np.array([np.pi, 0.0, np.pi]))
    flipped[..., 1] = -theta5

    q = np.empty((n_batch, 2, 2, 2, 6))
    q[..., :3] = _wrap(arm_q)[:, :, :, None, :]
    q[..., 0, 3:] = wrist
    q[..., 1, 3:] = flipped
    q = q.reshape(n_batch, BRANCHES, 6)
    if np.any(offset[:, 3:]):
        q[..., 3:] = _wrap(q[..., 3:] - offset[:, None, 3:])
    valid = np.broadcast_to(stage.reachable[:, None], (n_batch, BRANCHES)).copy()
    q[~valid] = 0.0
    q, within = _fit_limits(q, valid, q_min, q_max)
    # |det J| = |u|·|a2|·L·|sin ψ|·|sin θ5| (block-triangular J at the wrist centre); wrist flips share it.
    manip = np.repeat(stage.arm_factor[:, None] * sin5_abs.reshape(n_batch, 4), 2, axis=1)
    if single:
        return IKSolutions(q[0], valid[0], within[0], manip[0])
    return IKSolutions(q, valid, within, manip)


def branch_of(model, q) -> np.ndarray:
    """Branch index 0…7 (module docstring) of configurations q, (6,) or (B, 6) radians.

    Returns an int, or a (B,) int array. Uses the same sign conditions `solve_ik` uses, so the
    branch that `solve_ik(FK(q))` labels b contains q (up to 2π) away from singularities.
    """
    params = dh_parameters(model)
    if not is_puma_family(params):
        raise ValueError("branch_of needs a PUMA-family 6R arm with a spherical wrist")
    q = np.asarray(q, dtype=np.float64)
    single = q.ndim == 1
    theta = q.reshape(-1, 6) + params.theta_offset
    d, a, alpha = params.d, params.a, params.alpha
    sum23 = theta[:, 1] + theta[:, 2]
    u = a[:, 1] * np.cos(theta[:, 1]) + a[:, 2] * np.cos(sum23) + np.sign(alpha[:, 2]) * d[:, 3] * np.sin(sum23)
    beta = np.arctan2(np.sign(alpha[:, 2]) * d[:, 3], a[:, 2])
    shoulder = (u < 0).astype(int)
    elbow = (np.sin(theta[:, 2] - beta) < 0).astype(int)
    wrist = (np.sin(theta[:, 4]) < 0).astype(int)
    branch = 4 * shoulder + 2 * elbow + wrist
    return int(branch[0]) if single else branch


def _arm_rotation(params: DHParameters, arm_q: np.ndarray) -> np.ndarray:
    """R03 for (K, 3) joint values (K = 4 per target) from the kinematics core."""
    arm = DHParameters.from_arrays(
        *(column[:, :3] for column in (params.d, params.a, params.alpha, params.theta_offset))
    )
    if arm.n_arms > 1:  # one arm per target, K / P configurations each
        arm = arm.select(np.repeat(np.arange(arm.n_arms), arm_q.shape[0] // arm.n_arms))
    return forward_kinematics(arm, arm_q)[:, :3, :3]


def _wrist_roll(theta4, theta5, alpha4, alpha5, m_col0) -> np.ndarray:
    """θ6 from the residual rotation N = (Rz(θ4)Rx(α4)·Rz(θ5)Rx(α5))ᵀ·M: atan2(N10, N00).

    θ4, θ5 have shape (B, 2, 2); α4, α5 (P,); m_col0 = M[:, 0], shape (B, 2, 2, 3).
    Only the first column of M is needed, so the products are written out elementwise.
    """
    c4, s4, c5, s5 = np.cos(theta4), np.sin(theta4), np.cos(theta5), np.sin(theta5)
    ca4, sa4 = (f(alpha4)[:, None, None] for f in (np.cos, np.sin))
    ca5, sa5 = (f(alpha5)[:, None, None] for f in (np.cos, np.sin))
    mx, my, mz = (m_col0[..., i] for i in range(3))
    # Columns of Rz(θ4)Rx(α4): e0 = (c4, s4, 0), e1 = (−s4 ca4, c4 ca4, sa4), e2 = (s4 sa4, −c4 sa4, ca4).
    dot0 = c4 * mx + s4 * my
    dot1 = -s4 * ca4 * mx + c4 * ca4 * my + sa4 * mz
    dot2 = s4 * sa4 * mx - c4 * sa4 * my + ca4 * mz
    # Columns 0 and 1 of Rz(θ5)Rx(α5) in that basis: (c5, s5, 0) and (−s5 ca5, c5 ca5, sa5).
    n00 = c5 * dot0 + s5 * dot1
    n10 = -s5 * ca5 * dot0 + c5 * ca5 * dot1 + sa5 * dot2
    return np.arctan2(n10, n00)


def _link_constant(d6: np.ndarray, a6: np.ndarray, alpha6: np.ndarray) -> np.ndarray:
    """C6 = Tz(d6)·Tx(a6)·Rx(α6), the part of link 6 after its joint rotation, (P, 4, 4)."""
    out = np.zeros((d6.shape[0], 4, 4))
    out[:, 0, 0] = 1.0
    out[:, 1, 1] = out[:, 2, 2] = np.cos(alpha6)
    out[:, 2, 1] = np.sin(alpha6)
    out[:, 1, 2] = -out[:, 2, 1]
    out[:, 0, 3] = a6
    out[:, 2, 3] = d6
    out[:, 3, 3] = 1.0
    return out


def _is_identity(pose: np.ndarray) -> bool:
    """True if every transform of the (P, 4, 4) stack is exactly the identity (skips work for M3 arms)."""
    return bool(np.all(pose == np.eye(4)))


def _inverse(pose: np.ndarray) -> np.ndarray:
    """Inverse of rigid transforms (..., 4, 4)."""
    rot_t = np.swapaxes(pose[..., :3, :3], -1, -2)
    out = np.zeros_like(pose)
    out[..., :3, :3] = rot_t
    out[..., :3, 3] = -(rot_t @ pose[..., :3, 3:4])[..., 0]
    out[..., 3, 3] = 1.0
    return out


def _wrap(angle: np.ndarray) -> np.ndarray:
    """Angles wrapped to (−π, π]."""
    return np.pi - np.mod(np.pi - angle, TWO_PI)


def _fit_limits(q, valid, q_min, q_max):
    """Shift each joint by a multiple of 2π into [q_min, q_max] where possible.

    The (−π, π] value is kept when it is inside; otherwise the smallest value ≥ q_min is
    used if it is ≤ q_max (e.g. PUMA joint 6 spans ±266°). Returns (q, within_limits).
    """
    if q_min is None or q_max is None:
        return q, valid.copy()
    q_min = np.asarray(q_min, dtype=np.float64) - LIMIT_TOLERANCE
    q_max = np.asarray(q_max, dtype=np.float64) + LIMIT_TOLERANCE
    inside = (q >= q_min) & (q <= q_max)
    shifted = q + TWO_PI * np.ceil((q_min - q) / TWO_PI)
    shifted_inside = shifted <= q_max
    q = np.where(inside, q, np.where(shifted_inside, shifted, q))
    within = valid & np.all(inside | shifted_inside, axis=-1)
    return q, within
