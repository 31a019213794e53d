"""ResolvedRateController: commanded twist + measured joints → safe joint velocities, one cycle at a time.

Per cycle (`update`):

1. Stop (ramp the last command to zero, `StopRamp`) when joint states are missing, stale or
   invalid, when the twist is stale or invalid, or when the Jacobian is not finite; command zero
   at once when no twist was received or the twist is zero.
2. Evaluate the Jacobian source at q: tool pose T and J0; one SVD of J0 gives the damping, the
   singularity metrics and the solve.
3. Express the twist in the base frame (`twist_in_base_frame`), add the drift correction toward
   the integrated reference pose (`ReferencePoseTracker`, aligned with the joint state's sample time).
4. Damped least squares (`solve_damped`, λ from σ_min) → candidate q̇₀.
5. One uniform scale k = min(velocity limits, position limits) · singularity guard keeps the hand's
   direction; q̇ = k·q̇₀. The reference moves on with k·(achievable part of ν) until the next joint
   state, or is reset when k = 0.

Everything is SI: rad, m, s; twists [vx vy vz ωx ωy ωz] about the tool point.
"""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.control.config import ControllerConfig
from jacobian_rrmc.control.damped_least_squares import achievable_twist, damping_for, solve_damped
from jacobian_rrmc.control.drift import ReferencePoseTracker
from jacobian_rrmc.control.joint_limits import PositionLimitGuard, velocity_limit_scale
from jacobian_rrmc.control.sample_clock import SampleClock
from jacobian_rrmc.control.singularity import SingularityGuard
from jacobian_rrmc.control.state import ControllerState, ControlOutput
from jacobian_rrmc.control.stop_ramp import StopRamp
from jacobian_rrmc.control.twist import TWIST_FRAMES, twist_in_base_frame
from jacobian_rrmc.jacobians import JacobianSource
from jacobian_rrmc.robots import RobotModel

State = ControllerState


class ResolvedRateController:
    """Resolved-rate motion control of one arm with a pluggable Jacobian source.

    Inputs arrive through `set_twist` and `set_joint_state` (any time, any rate); `update(now)` runs
    one control cycle. Times are seconds on one clock (`now` and the stamps).
    """

    def __init__(self, robot: RobotModel, source: JacobianSource, config: ControllerConfig) -> None:
        n = robot.n_joints
        self.robot = robot
        self.source = source
        self.config = config
        self.qd_limit = np.asarray(robot.qd_max, dtype=float) * config.velocity_scale
        self.position_limits = PositionLimitGuard(robot, self.qd_limit, config.joint_limit_margin, config.period)
        self.singularity = SingularityGuard(config, source)
        self.drift = ReferencePoseTracker(
            config.drift_gain, config.drift_max_position_error, config.drift_max_rotation_error
        )
        self.ramp = StopRamp(config.stop_ramp_time, n)
        self._twist_scale = np.array([config.linear_scale] * 3 + [config.angular_scale] * 3)
        self._q = np.zeros(n)
        self._q_stamp: float | None = None
        self._sample_clock = SampleClock(config.joint_state_timeout)
        self._q_sample_time = 0.0
        self._joint_state_error = ""
        self._twist = np.zeros(6)
        self._twist_frame = "base"
        self._twist_stamp: float | None = None
        self._twist_error = ""
        self._twist_world = np.zeros(6)
        self._command_twist = np.zeros(6)
        self._correction = np.zeros(6)
        self._q_dot = np.zeros(n)
        self._last_command = np.zeros(n)
        self._last_pose = np.full((4, 4), np.nan)

    # Inputs ----------------------------------------------------------------------------------

    def set_twist(self, twist: np.ndarray, frame: str, stamp: float) -> None:
        """Store a commanded twist (6,) [m/s, rad/s] about the tool point, in "base" or "tool" axes.

        Raises ValueError for a wrong shape, non-finite values, an unknown frame or a bad stamp; the
        previous twist is then dropped and the controller stops (INVALID_INPUT) until a valid one arrives.
        """
        values = np.asarray(twist, dtype=float)
        problem = ""
        if values.shape != (6,):
            problem = f"twist must have 6 values [vx vy vz wx wy wz], got shape {values.shape}"
        elif not np.isfinite(values).all():
            problem = f"twist has non-finite values: {values.tolist()}"
        elif frame not in TWIST_FRAMES:
            problem = f"twist frame must be one of {TWIST_FRAMES}, got {frame!r}"
        elif not np.isfinite(stamp):
            problem = f"twist stamp must be finite, got {stamp}"
        self._twist_error = problem
        if problem:
            raise ValueError(problem)
        np.multiply(values, self._twist_scale, out=self._twist)
        self._twist_frame = frame
        self._twist_stamp = float(stamp)

    def set_joint_state(self, q: np.ndarray, stamp: float, sender_stamp: float | None = None) -> None:
        """Store measured joint positions (N,) in the robot's joint order, rad / m, received at `stamp` (s).

        `sender_stamp` (s, the sender's clock, e.g. the JointState header; None if it has none) is when the
        positions were sampled: the drift reference is aligned with it (`SampleClock`). Staleness is judged
        on `stamp`, so a sender's clock offset cannot keep a dead stream alive.
        Raises ValueError for a wrong shape, non-finite values or a bad stamp; the controller then stops
        (INVALID_INPUT) until a valid joint state arrives.
        """
        values = np.asarray(q, dtype=float)
        n = self.robot.n_joints
        problem = ""
        if values.shape != (n,):
            problem = f"joint state must have {n} positions ({', '.join(self.robot.joint_names)}), got {values.shape}"
        elif not np.isfinite(values).all():
            problem = f"joint state has non-finite values: {values.tolist()}"
        elif not np.isfinite(stamp) or (sender_stamp is not None and not np.isfinite(sender_stamp)):
            problem = f"joint state stamps must be finite, got {stamp} and sender stamp {sender_stamp}"
        self._joint_state_error = problem
        if problem:
            raise ValueError(problem)
        self._q[:] = values
        self._q_stamp = float(stamp)
        self._q_sample_time = self._sample_clock.update(self._q_stamp, sender_stamp)

    def reject_input(self, kind: str, reason: str) -> None:
        """Record that the last "joint_state" or "twist" message was unusable (also ones the caller could not
        parse, e.g. unknown joint names): command zero at once and report INVALID_INPUT with `reason`
        until a valid input of that kind arrives."""
        if kind not in ("joint_state", "twist"):
            raise ValueError(f"input kind must be 'joint_state' or 'twist', got {kind!r}")
        self.reset()
        if kind == "joint_state":
            self._joint_state_error = reason
        else:
            self._twist_error = reason

    @property
    def joint_positions(self) -> np.ndarray | None:
        """The last valid joint positions (N,), rad / m (a read-only view), or None before the first one."""
        if self._q_stamp is None:
            return None
        view = self._q.view()
        view.flags.writeable = False
        return view

    def reset(self) -> None:
        """Drop the twist (command zero), clear the drift reference and any stop in progress."""
        self._twist_stamp = None
        self._twist_error = ""
        self._last_command[:] = 0.0
        self.drift.reset()
        self.ramp.cancel()
        self.singularity.reset()

    # Cycle ------------------------------------------------------------------------------------

    def update(self, now: float) -> ControlOutput:
        """Run one control cycle at time `now` (s) and return the command and state.

        Raises ValueError if `now` is not finite (no state changes then).
        """
        now = float(now)
        if not np.isfinite(now):
            raise ValueError(f"update time must be finite, got {now}")
        problem = self._joint_state_problem(now)
        if problem:
            return self._stop(now, *problem, sigma=None, fell_back=False)
        estimate = self.source.evaluate(self._q)
        pose, jacobian = estimate.pose, estimate.jacobian_world
        if not (np.isfinite(jacobian).all() and np.isfinite(pose).all()):
            return self._stop(
                now, State.INVALID_INPUT, "Jacobian source returned non-finite values", None, estimate.fell_back
            )
        self._last_pose = pose
        problem = self._twist_problem(now)
        if problem:  # a resting arm: the singular values are reported, the singular vectors not needed
            sigma = np.linalg.svd(jacobian, compute_uv=False)
            return self._stop(now, *problem, sigma=sigma, fell_back=estimate.fell_back)
        u, sigma, vt = np.linalg.svd(jacobian, full_matrices=False)
        self.ramp.cancel()

        twist_in_base_frame(self._twist, self._twist_frame, pose, self._twist_world)
        np.copyto(self._command_twist, self._twist_world)
        if self.config.drift_correction:
            self._command_twist += self.drift.correction(pose, self._q_sample_time, self._correction)
        damping = damping_for(sigma[-1], self.config.damping_threshold, self.config.damping_max)
        q_dot = solve_damped(u, sigma, vt, self._command_twist, damping, self._q_dot)

        k_velocity = velocity_limit_scale(q_dot, self.qd_limit)
        k_limits = self.position_limits.scale(self._q, q_dot)
        k_joints = min(k_velocity, k_limits)
        q_dot *= k_joints
        # The singularity guard judges the command the limits allow, so a huge twist is not halted for its size.
        proximity = self.singularity.proximity(sigma)
        k_singularity, approaching = self.singularity.scale(self._q, q_dot, proximity)
        q_dot *= k_singularity
        scale = k_joints * k_singularity
        state, message = self._motion_state(k_velocity, k_limits, k_singularity, approaching)

        if not np.isfinite(q_dot).all():  # defensive: never publish NaN
            return self._stop(
                now, State.INVALID_INPUT, "resolved joint velocity was not finite", sigma, estimate.fell_back
            )
        if self.config.drift_correction:
            if scale > 0.0:
                # Move with the part of the command the solve can realise, so damping near a singularity
                # (or the missing directions of an N < 6 arm) cannot make the reference run away.
                achievable_twist(u, sigma, self._twist_world, damping, self._command_twist)
                self._command_twist *= scale
                self.drift.hold(self._command_twist, tool_frame=self._twist_frame == "tool")
            else:
                self.drift.reset()
        np.copyto(self._last_command, q_dot)
        return self._output(q_dot, state, message, sigma, estimate.fell_back, scale)

    # Helpers ----------------------------------------------------------------------------------

    def _joint_state_problem(self, now: float) -> tuple[ControllerState, str] | None:
        return self._input_problem(
            "joint state", self._joint_state_error, self._q_stamp, self.config.joint_state_timeout, now,
            State.STALE_JOINT_STATE, State.STALE_JOINT_STATE,
        )  # fmt: skip

    def _twist_problem(self, now: float) -> tuple[ControllerState, str] | None:
        problem = self._input_problem(
            "twist", self._twist_error, self._twist_stamp, self.config.twist_timeout, now, State.IDLE, State.STALE_TWIST
        )
        if problem is None and not self._twist.any():
            return State.IDLE, "zero twist commanded"
        return problem

    @staticmethod
    def _input_problem(name, error, stamp, timeout, now, missing, stale) -> tuple[ControllerState, str] | None:
        """Why an input cannot be used: rejected (INVALID_INPUT), never received (`missing`), or older than
        `timeout` s either way (`stale`; a future stamp means mismatched clocks)."""
        if error:
            return State.INVALID_INPUT, f"last {name} rejected: {error}"
        if stamp is None:
            return missing, f"no {name} received yet"
        age = now - stamp
        if abs(age) > timeout:
            return stale, f"{name} is {age:.3f} s old (timeout {timeout} s)"
        return None

    def _stop(self, now, state, message, sigma, fell_back) -> ControlOutput:
        """Command zero (IDLE) or ramp the last command to zero, still respecting position limits."""
        self.drift.reset()
        if state is State.IDLE:
            self.ramp.cancel()
            self._q_dot[:] = 0.0
        else:
            self.ramp.start(now, self._last_command)
            self.ramp.velocity(now, self._q_dot)
            if self._q_stamp is not None:
                self._q_dot *= self.position_limits.scale(self._q, self._q_dot)
        np.copyto(self._last_command, self._q_dot)
        return self._output(self._q_dot, state, message, sigma, fell_back, 0.0)

    @staticmethod
    def _motion_state(k_velocity, k_limits, k_singularity, approaching) -> tuple[ControllerState, str]:
        """Name the restriction that bound the command (velocity limits alone are normal operation: OK)."""
        if approaching and k_singularity == 0.0:
            return State.HALTED_SINGULARITY, "motion toward the singularity halted before the hard threshold"
        limit_binds = k_limits < k_velocity
        if k_singularity < 1.0 and (not limit_binds or k_singularity * k_velocity <= k_limits):
            return State.DECELERATING_SINGULARITY, f"slowed near a singularity (scale {k_singularity:.3f})"
        if limit_binds:
            return State.JOINT_LIMIT, f"slowed by a joint position limit (scale {k_limits:.3f})"
        return State.OK, ""

    def _output(self, q_dot, state, message, sigma, fell_back, scale) -> ControlOutput:
        if sigma is None:
            sigma_min = condition = manipulability = float("nan")
        else:
            sigma_min = float(sigma[-1])
            condition = float(sigma[0] / sigma_min) if sigma_min > 0.0 else float("inf")
            manipulability = float(np.prod(sigma))
        return ControlOutput(
            joint_velocity=q_dot.copy(),
            state=state,
            fell_back=bool(fell_back),
            sigma_min=sigma_min,
            condition_number=condition,
            manipulability=manipulability,
            pose=self._last_pose.copy(),
            message=message,
            command_scale=float(scale),
        )
