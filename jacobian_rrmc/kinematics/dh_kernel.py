"""Compiled kernel: standard-DH forward kinematics and geometric Jacobian over a batch.

One kernel serves single calls (B = 1) and batches, so the control loop and the dataset
generator run the same arithmetic. Each DH parameter array has shape (P, N) with P = 1
(one arm for every sample) or P = B (a different arm per sample, as in M3 datasets);
base and tool have shape (P, 4, 4) under the same rule.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def dh_pose_jacobian_kernel(q, theta_offset, d, a, alpha, prismatic, base, tool, pose_out, jacobian_out, want_jacobian):
    """Fill pose_out (B, 4, 4) with the tool pose and jacobian_out (B, 6, N) with J0.

    J0 is the world-frame geometric Jacobian of the tool point: rows [v ω], columns
    [z × (p_tool − o), z] for revolute joints and [z, 0] for prismatic ones, where z and o
    are the axis and origin of DH frame i−1 in the world frame.
    """
    n_batch, n_joints = q.shape
    n_params = d.shape[0]
    n_base = base.shape[0]
    n_tool = tool.shape[0]
    axes = np.empty((n_joints, 3))
    origins = np.empty((n_joints, 3))
    for b in range(n_batch):
        p = b if n_params > 1 else 0
        bb = b if n_base > 1 else 0
        tb = b if n_tool > 1 else 0
        r00, r01, r02, px = base[bb, 0, 0], base[bb, 0, 1], base[bb, 0, 2], base[bb, 0, 3]
        r10, r11, r12, py = base[bb, 1, 0], base[bb, 1, 1], base[bb, 1, 2], base[bb, 1, 3]
        r20, r21, r22, pz = base[bb, 2, 0], base[bb, 2, 1], base[bb, 2, 2], base[bb, 2, 3]
        for i in range(n_joints):
            axes[i, 0], axes[i, 1], axes[i, 2] = r02, r12, r22
            origins[i, 0], origins[i, 1], origins[i, 2] = px, py, pz
            if prismatic[p, i]:
                theta = theta_offset[p, i]
                di = d[p, i] + q[b, i]
            else:
                theta = q[b, i] + theta_offset[p, i]
                di = d[p, i]
            ct, st = np.cos(theta), np.sin(theta)
            ca, sa = np.cos(alpha[p, i]), np.sin(alpha[p, i])
            ai = a[p, i]
            # Link transform A = [[ct, -st ca, st sa, a ct], [st, ct ca, -ct sa, a st], [0, sa, ca, d]].
            lx, ly = ai * ct, ai * st
            px, py, pz = (
                px + r00 * lx + r01 * ly + r02 * di,
                py + r10 * lx + r11 * ly + r12 * di,
                pz + r20 * lx + r21 * ly + r22 * di,
            )
            # Columns of R·Rz(θ): x' = R(ct, st, 0), y' = R(−st, ct, 0), z' = R z.
            x0, x1, x2 = r00 * ct + r01 * st, r10 * ct + r11 * st, r20 * ct + r21 * st
            y0, y1, y2 = -r00 * st + r01 * ct, -r10 * st + r11 * ct, -r20 * st + r21 * ct
            # then ·Rx(α): x'' = x', y'' = ca y' + sa z', z'' = −sa y' + ca z'.
            r00, r10, r20, r01, r11, r21, r02, r12, r22 = (
                x0,
                x1,
                x2,
                ca * y0 + sa * r02,
                ca * y1 + sa * r12,
                ca * y2 + sa * r22,
                -sa * y0 + ca * r02,
                -sa * y1 + ca * r12,
                -sa * y2 + ca * r22,
            )
        t = tool[tb]
        ex = px + r00 * t[0, 3] + r01 * t[1, 3] + r02 * t[2, 3]
        ey = py + r10 * t[0, 3] + r11 * t[1, 3] + r12 * t[2, 3]
        ez = pz + r20 * t[0, 3] + r21 * t[1, 3] + r22 * t[2, 3]
        for row in range(3):
            rr0 = r00 if row == 0 else (r10 if row == 1 else r20)
            rr1 = r01 if row == 0 else (r11 if row == 1 else r21)
            rr2 = r02 if row == 0 else (r12 if row == 1 else r22)
            for col in range(3):
                pose_out[b, row, col] = rr0 * t[0, col] + rr1 * t[1, col] + rr2 * t[2, col]
        pose_out[b, 0, 3], pose_out[b, 1, 3], pose_out[b, 2, 3] = ex, ey, ez
        pose_out[b, 3, 0], pose_out[b, 3, 1], pose_out[b, 3, 2], pose_out[b, 3, 3] = 0.0, 0.0, 0.0, 1.0
        if not want_jacobian:
            continue
        for i in range(n_joints):
            zx, zy, zz = axes[i, 0], axes[i, 1], axes[i, 2]
            if prismatic[p, i]:
                jacobian_out[b, 0, i], jacobian_out[b, 1, i], jacobian_out[b, 2, i] = zx, zy, zz
                jacobian_out[b, 3, i], jacobian_out[b, 4, i], jacobian_out[b, 5, i] = 0.0, 0.0, 0.0
            else:
                dx, dy, dz = ex - origins[i, 0], ey - origins[i, 1], ez - origins[i, 2]
                jacobian_out[b, 0, i] = zy * dz - zz * dy
                jacobian_out[b, 1, i] = zz * dx - zx * dz
                jacobian_out[b, 2, i] = zx * dy - zy * dx
                jacobian_out[b, 3, i], jacobian_out[b, 4, i], jacobian_out[b, 5, i] = zx, zy, zz


@njit(cache=True, nogil=True)
def world_to_end_effector_kernel(pose, jacobian_world, jacobian_out):
    """Je = blockdiag(Rᵀ, Rᵀ)·J0 for each batch element (R = tool rotation in the world)."""
    n_batch, _, n_joints = jacobian_world.shape
    for b in range(n_batch):
        for i in range(n_joints):
            for half in range(2):
                o = 3 * half
                v0, v1, v2 = jacobian_world[b, o, i], jacobian_world[b, o + 1, i], jacobian_world[b, o + 2, i]
                for row in range(3):
                    jacobian_out[b, o + row, i] = pose[b, 0, row] * v0 + pose[b, 1, row] * v1 + pose[b, 2, row] * v2
