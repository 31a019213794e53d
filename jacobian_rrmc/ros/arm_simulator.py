"""A kinematic arm: integrates commanded joint velocities with the robot's position and velocity limits.

Plain Python (no rclpy) so the integration is testable on its own; `sim_arm.py` is the ROS shell.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from jacobian_rrmc.robots import RobotModel


class ArmSimulator:
    """Ideal velocity-controlled joints: q ← clip(q + clip(q̇, ±qd_max)·dt, q_min, q_max).

    Args:
        robot: the arm (limits and joint order).
        q0: start configuration (N,), rad/m; must be within the limits.
        command_timeout: s; with no command newer than this the joints stop (as a real drive would).
        latency: s; a command takes effect this long after it arrived (0 = immediately).
        noise_std: standard deviation of the Gaussian noise added to *measured* positions (rad/m);
            the true state is never perturbed.
        seed: seed of the measurement-noise generator.
    """

    def __init__(
        self,
        robot: RobotModel,
        q0: np.ndarray,
        command_timeout: float = 0.1,
        latency: float = 0.0,
        noise_std: float = 0.0,
        seed: int = 0,
    ):
        q0 = np.asarray(q0, dtype=float)
        if q0.shape != (robot.n_joints,) or not robot.within_limits(q0):
            raise ValueError(f"start configuration {q0} is not {robot.n_joints} values within {robot.name}'s limits")
        if command_timeout <= 0 or latency < 0 or noise_std < 0:
            raise ValueError("command_timeout must be > 0, latency and noise_std >= 0")
        self.robot = robot
        self.q = q0.copy()
        self.qd = np.zeros(robot.n_joints)
        self.command_timeout = command_timeout
        self.latency = latency
        self.noise_std = noise_std
        self._rng = np.random.default_rng(seed)
        self._pending: deque[tuple[float, np.ndarray]] = deque()
        self._command = np.zeros(robot.n_joints)
        self._command_time = -np.inf
        self._time: float | None = None

    def command(self, joint_velocity: np.ndarray, now: float) -> None:
        """Queue a joint-velocity command (N,) received at time `now` (s). Non-finite or wrong-size → ValueError."""
        joint_velocity = np.asarray(joint_velocity, dtype=float)
        if joint_velocity.shape != (self.robot.n_joints,) or not np.all(np.isfinite(joint_velocity)):
            raise ValueError(f"joint velocity command must be {self.robot.n_joints} finite values")
        # Saturated at the joint speed limits once here rather than at every simulation step (a new array).
        self._pending.append((now + self.latency, np.clip(joint_velocity, -self.robot.qd_max, self.robot.qd_max)))

    def step(self, now: float) -> None:
        """Advance the true state to time `now` (s).

        Zero-order hold sampled at the steps: the newest command due by `now` drives the whole interval
        since the previous step, so a command's effect is placed to within one step.
        """
        while self._pending and self._pending[0][0] <= now:
            self._command_time, self._command = self._pending.popleft()
        if self._time is None:
            self._time = now
            return
        dt = now - self._time
        self._time = now
        if dt <= 0:
            return
        active = now - self._command_time <= self.command_timeout
        qd = self._command if active else np.zeros_like(self.q)
        q_new = np.clip(self.q + qd * dt, self.robot.q_min, self.robot.q_max)
        self.qd = (q_new - self.q) / dt
        self.q = q_new

    def measured_position(self) -> np.ndarray:
        """Joint positions as a sensor reports them: true state plus seeded Gaussian noise."""
        if self.noise_std == 0.0:
            return self.q.copy()
        return self.q + self._rng.normal(0.0, self.noise_std, self.q.shape)
