"""The demo's closed loop without DDS (plain Python): the demo script, the controller and the kinematic arm.

The simulated arm steps at the control rate; each cycle reads its latest joint state, and its command
drives the next step. Timing is ideal and deterministic. What is left of the twist error is what the
controller and its Jacobian source contribute. The DDS demo in lockstep timing reproduces it to a few
percent; in free timing it adds scheduling jitter on top (`jacobian_rrmc.ros.demo`). Both are scored the
same way (`demo_metrics.score_tracking`).
"""

from __future__ import annotations

import numpy as np

from jacobian_rrmc.control import ControllerConfig, ResolvedRateController
from jacobian_rrmc.jacobians import JacobianSource
from jacobian_rrmc.robots import RobotModel
from jacobian_rrmc.ros.arm_simulator import ArmSimulator
from jacobian_rrmc.ros.demo_metrics import TrackingResult, score_tracking
from jacobian_rrmc.ros.twist_script import script_for_robot

WARM_UP = 0.5  # s of closed loop before the script starts, as in the demo


def replica_closed_loop(
    robot: RobotModel, source: JacobianSource, tilt_deg: float, duration: float = 20.0
) -> tuple[TrackingResult, float]:
    """Run the demo's script (`duration` s, tool-x tilt `tilt_deg`) with `source` and the default controller
    (equal to config/rrmc.yaml); returns the scored tracking and the fraction of cycles the source fell back."""
    config = ControllerConfig()
    controller = ResolvedRateController(robot, source, config)
    arm = ArmSimulator(robot, robot.configuration(robot.default_configuration_name))
    script = script_for_robot(robot.name, duration, np.deg2rad(tilt_deg))
    period = config.period
    steps = int(round((WARM_UP + script.duration + 0.2) / period))
    times, positions = np.empty(steps), np.empty((steps, robot.n_joints))
    arm.step(0.0)
    fell_back = 0
    for k in range(steps):
        t = (k + 1) * period
        arm.step(t)
        times[k], positions[k] = t - WARM_UP, arm.q
        controller.set_joint_state(arm.q, t, t)
        segment = script.segment_at(t - WARM_UP) if t >= WARM_UP else None
        twist, frame = (segment.twist, segment.frame) if segment else (np.zeros(6), "base")
        controller.set_twist(twist, frame, t)
        output = controller.update(t)
        fell_back += output.fell_back
        arm.command(output.joint_velocity, t)
    return score_tracking(robot, script, times, positions), fell_back / steps
