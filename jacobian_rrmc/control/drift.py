"""Drift-free tracking: integrate the commanded twist into a reference pose and correct toward it.

Open-loop resolved-rate control integrates q̇ = J⁻¹ν and drifts: the Euler step, latency and any
Jacobian error (finite differences, a learned net) add up with nothing pulling back — the Sixi
blog's Z drift. Here the reference pose moves with the executed part of the command,

    p_ref ← p_ref + v·Δt,    R_ref ← exp([ω]× Δt) · R_ref      (base frame, tool point),

and each cycle adds the correction twist

    v_c = K (p_ref − p),     ω_c = K · log(R_ref Rᵀ)           (K = drift_gain, 1/s)

to the command. Δt is the time between the sample times of consecutive joint states (`SampleClock`),
not between control cycles: the reference is kept at the instant the measured pose p was sampled, so
the error compares two poses of the same instant. Advanced per cycle instead, the reference is off by
v times the measurement's age, which jumps by a whole sampling period whenever a timer-driven cycle runs
just before instead of just after a new joint state arrives (or the executor delivers one late); the
gain turns that scheduling jitter into velocity spikes of K·|v|·period (14 mm/s at 0.07 m/s, 100 1/s,
500 Hz) — real arm motion, the same for every Jacobian source. An error beyond the configured
maxima re-anchors the reference toward the measured pose, so a blocked or saturated motion cannot wind
the correction up.

Gain. A Jacobian error ε (a learned net's, ~0.04 % for the shipped per-robot nets) makes the arm execute
ν + d with d ≈ ε·ν; the loop holds a position error of d/K and leaves a twist error of about ḋ/K (d
changes along the path), plus d·e^(−Kt) after each step of the command. The first falls as 1/K and the
second faster, so the default K = 100 1/s (time constant 10 ms, five periods at 500 Hz) halves a learned
source's residual against K = 50 by this estimate, and also removes the lag after a step that any command
latency τ causes. One limit is that latency: the loop rings as K·τ approaches 1, so
keep K·τ ≲ 0.5 (τ ≲ 5 ms at 100 1/s; the demo's sample-to-command latency is 2–4 ms). The other is sensor
noise: white noise on the measured joint positions reaches the command multiplied by K (the demo's sim
arm is noise-free), so with noisy encoders lower the gain until that noise and the Jacobian-error
residual balance. The re-anchoring maxima (1 mm, 0.005 rad) bound the correction to 0.1 m/s and
0.5 rad/s.
"""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.spatial import rotation_exp, rotation_log


class ReferencePoseTracker:
    """Reference tool pose in the base frame at the latest measurement's stamp, the twist it moves with,
    and the proportional correction toward it."""

    def __init__(self, gain: float, max_position_error: float, max_rotation_error: float) -> None:
        self.gain = gain
        self.max_position_error = max_position_error
        self.max_rotation_error = max_rotation_error
        self.active = False
        self.position = np.zeros(3)
        self.rotation = np.eye(3)
        self.stamp = 0.0  # s, when the pose the reference is aligned with was measured
        self.velocity = np.zeros(6)  # base-frame twist [v ω] the reference moves with until the next measurement
        self.relative = np.eye(3)  # R_ref·Rᵀ of the last `correction`: the measured orientation → the reference's
        # Load (or JIT-compile) the rotation kernels now: the first moving cycle must not stall for them.
        rotation_exp(rotation_log(self.rotation))

    def reset(self) -> None:
        """Forget the reference; the next `correction` starts a new one at the measured pose."""
        self.active = False

    def correction(self, pose: np.ndarray, stamp: float, out: np.ndarray) -> np.ndarray:
        """Write the base-frame correction twist for the tool pose (4, 4) sampled at `stamp` (s) into `out` (6,).

        The reference first moves with `velocity` up to `stamp` (not at all for a pose already seen)."""
        if not self.active:
            self.position[:] = pose[:3, 3]
            self.rotation[:] = pose[:3, :3]
            self.stamp = stamp
            self.velocity[:] = 0.0
            self.relative[:] = np.eye(3)
            self.active = True
            out[:] = 0.0
            return out
        if stamp > self.stamp:
            dt = stamp - self.stamp
            self.position += self.velocity[:3] * dt
            self.rotation[:] = rotation_exp(self.velocity[3:] * dt) @ self.rotation
            self.stamp = stamp
        position_error = self.position - pose[:3, 3]
        distance = float(np.linalg.norm(position_error))
        if distance > self.max_position_error:
            position_error *= self.max_position_error / distance
            self.position[:] = pose[:3, 3] + position_error
        np.matmul(self.rotation, pose[:3, :3].T, out=self.relative)
        rotation_error = rotation_log(self.relative)
        angle = float(np.linalg.norm(rotation_error))
        if angle > self.max_rotation_error:
            rotation_error *= self.max_rotation_error / angle
            self.relative[:] = rotation_exp(rotation_error)
            np.matmul(self.relative, pose[:3, :3], out=self.rotation)
        np.multiply(position_error, self.gain, out=out[:3])
        np.multiply(rotation_error, self.gain, out=out[3:])
        return out

    def hold(self, twist_world: np.ndarray, tool_frame: bool = False) -> None:
        """Set the base-frame twist (6,) the reference moves with until the next measurement: the part of the
        command the arm executes from now on.

        With `tool_frame`, the command was given in tool axes and turned into `twist_world` through the
        measured orientation (the pose of the last `correction`); it is re-expressed through the reference's
        own orientation instead (ω_ref = R_ref·Rᵀ·ω, likewise v), so the reference turns about its own tool
        axes. Otherwise a steady orientation error e, which the loop holds to cancel a Jacobian error, would
        make the reference and the arm turn about axes e apart, and the arm would lag the command by e × ω for
        as long as it turns."""
        if not tool_frame:
            self.velocity[:] = twist_world
            return
        np.matmul(self.relative, twist_world[:3], out=self.velocity[:3])
        np.matmul(self.relative, twist_world[3:], out=self.velocity[3:])
