"""The closed-loop demo: simulated arm + rrmc node + twist script in one process over real ROS 2 topics.

    sim_arm ──joint_states──▶ rrmc_node ──forward_velocity_controller/commands──▶ sim_arm
    twist script ──cmd_twist (TwistStamped, base or tool frame)──▶ rrmc_node
    recorder ◀── joint_states, commands   (scores the run afterwards, see demo_metrics)

All nodes share one rclpy Context and one executor (`create_executor`); messages still go through the
middleware (DDS), exactly as between processes. The script and the scoring run on the sim arm's clock
(`SimArmNode.arm_time_ns`, what its JointStates are stamped with), relative to the script's start: the ROS
clock in free timing, one period per step in lockstep.

Timing (`timing`):
    lockstep  (default) the sim arm waits for the command answering each joint state and its clock
              advances exactly one period per step (`sim_arm`'s ``lockstep``); rrmc_node runs one cycle per
              joint state (``trigger: joint_state``), like a ros2_control loop. Runs repeat to a few percent
              (the 100 Hz twist script's switches still land within a few arm steps of the nominal time), so
              two Jacobian sources can be compared at that resolution.
    free      the sim arm steps on its own timer and rrmc_node on its own (the config's ``trigger``), both on
              the host's clock: the scheduling jitter of this one Python process is part of the result.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import numpy as np
import rclpy
from geometry_msgs.msg import TwistStamped
from rclpy.context import Context
from rclpy.node import Node
from rclpy.parameter import Parameter
from rclpy.qos import QoSProfile, qos_profile_sensor_data
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray
from tqdm import tqdm

from jacobian_rrmc.kinematics import forward_kinematics
from jacobian_rrmc.ros.demo_metrics import TrackingResult, commanded_path, score_tracking
from jacobian_rrmc.ros.environment import create_executor, freeze_startup_heap
from jacobian_rrmc.ros.messages import VELOCITY_TOPIC, JointNameMap, stamp_nanoseconds
from jacobian_rrmc.ros.rrmc_node import RrmcNode
from jacobian_rrmc.ros.sim_arm import SimArmNode
from jacobian_rrmc.ros.twist_script import TwistScript, script_for_robot

SCRIPT_RATE = 100.0  # Hz, TwistStamped publishing rate (a teleoperation device's typical rate)
WARM_UP = 0.5  # s of closed loop before the script starts (statistics are reset after it)
SETTLE = 0.1  # s after each commanded step left out of the twist error
TIMINGS = ("lockstep", "free")


class TwistScriptNode(Node):
    """Publishes the script's twist on cmd_twist at SCRIPT_RATE once `start()` was called. Script time comes from
    `clock_ns` (the sim arm's clock, so in lockstep the script waits when the arm waits)."""

    def __init__(self, script: TwistScript, base_frame: str, tool_frame: str, *, context, clock_ns):
        super().__init__("twist_script", context=context)
        self.script = script
        self.start_ns: int | None = None  # script start on `clock_ns`, integer ns
        self._clock_ns = clock_ns
        self._frames = {"base": base_frame, "tool": tool_frame}
        self._publisher = self.create_publisher(TwistStamped, "cmd_twist", QoSProfile(depth=10))
        self.create_timer(1.0 / SCRIPT_RATE, self._publish)

    def start(self) -> None:
        self.start_ns = self._clock_ns()

    def _publish(self) -> None:
        if self.start_ns is None:
            return
        segment = self.script.segment_at((self._clock_ns() - self.start_ns) * 1e-9)
        message = TwistStamped()
        message.header.stamp = self.get_clock().now().to_msg()
        message.header.frame_id = self._frames[segment.frame]
        (message.twist.linear.x, message.twist.linear.y, message.twist.linear.z) = segment.twist[:3].tolist()
        (message.twist.angular.x, message.twist.angular.y, message.twist.angular.z) = segment.twist[3:].tolist()
        self._publisher.publish(message)


class RecorderNode(Node):
    """Stores joint states (stamp, q in robot order) and velocity commands (the newest joint-state stamp at their
    arrival, so both are on the arm's clock; q̇)."""

    def __init__(self, joint_names, *, context):
        super().__init__("demo_recorder", context=context)
        self._map = JointNameMap(joint_names)
        self.joint_times: list[int] = []  # header stamps, ns
        self.joint_positions: list[np.ndarray] = []
        self.command_times: list[int] = []  # arrival, as the newest joint-state stamp, ns
        self.commands: list[list[float]] = []
        self.create_subscription(JointState, "joint_states", self._on_joint_state, qos_profile_sensor_data)
        self.create_subscription(Float64MultiArray, VELOCITY_TOPIC, self._on_command, QoSProfile(depth=10))

    def _on_joint_state(self, message: JointState) -> None:
        self.joint_times.append(stamp_nanoseconds(message.header.stamp))
        self.joint_positions.append(self._map.ordered(message.name, message.position))

    def _on_command(self, message: Float64MultiArray) -> None:
        if self.joint_times:  # before the first joint state there is no arm time to file it under
            self.command_times.append(self.joint_times[-1])
            self.commands.append(list(message.data))


@dataclass
class DemoRun:
    """Everything the demo measured; `summary()` is the JSON object the CLI prints."""

    robot: str
    jacobian: str
    timing: str
    control_rate: float
    script: TwistScript
    tracking: TrackingResult | None
    loop: dict
    state_time: dict
    fallback_rate: float
    ros_domain_id: int
    lockstep_waits: int = 0  # the sim arm's lockstep counters during the script (0 in free timing)
    lockstep_timeouts: int = 0
    plot_data: dict = field(repr=False, default_factory=dict)

    def summary(self) -> dict:
        return {
            "robot": self.robot,
            "jacobian": self.jacobian,
            "timing": self.timing,
            "duration_s": round(self.script.duration, 3),
            "tilt_deg": round(float(np.rad2deg(self.script.tilt_angle)), 6),
            "control_rate_hz": self.control_rate,
            "twist_error_rms": list(self.tracking.error_rms),
            "twist_error_max": list(self.tracking.error_max),
            "twist_error_rms_by_phase": {k: list(v) for k, v in self.tracking.error_rms_by_phase.items()},
            "twist_error_method": "achieved twist = finite difference of FK over consecutive joint_states of the "
            "sim arm, over their header stamps (the sim integrates on those stamps, so this is the twist it "
            "executed) vs the script's commanded twist; RMS and max over those intervals, "
            f"{SETTLE:g} s after each commanded step excluded",
            "commanded_speed": [self.script.linear_speed, self.script.angular_speed],
            "rotation_drift_m": self.tracking.rotation_drift,
            "loop_rate_hz": self.loop["rate_hz"],
            "loop_period_p99_ms": self.loop["period_p99_ms"],
            "loop_period_jitter_ms": self.loop["period_jitter_ms"],
            "loop_period_max_ms": self.loop["period_max_ms"],
            "compute_p99_us": self.loop["compute_p99_us"],
            "state_time_s": {k: round(v, 4) for k, v in self.state_time.items() if v > 0},
            "fallback_rate": self.fallback_rate,
            "lockstep_waits": self.lockstep_waits,
            "lockstep_timeouts": self.lockstep_timeouts,
            "ros_domain_id": self.ros_domain_id,
        }


def run_demo(
    robot: str,
    jacobian: str,
    duration: float,
    rate: float | None,
    progress: bool = True,
    tilt_deg: float = 30.0,
    timing: str = "lockstep",
) -> DemoRun:
    """Run the closed loop for the script's `duration` (s) and score it; `tilt_deg` = 0 drops the tool-x tilt;
    `timing` is one of TIMINGS (module docstring).

    Needs an isolated ROS environment
    (see environment.isolate_ros_traffic), set before this is called."""
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, got {timing!r}")
    lockstep = timing == "lockstep"
    context = Context()
    rclpy.init(context=context, args=[])
    nodes = []
    try:
        rrmc_overrides = [Parameter("robot", value=robot), Parameter("jacobian_source", value=jacobian)]
        if rate is not None:
            rrmc_overrides.append(Parameter("control_rate", value=float(rate)))
        if lockstep:
            rrmc_overrides.append(Parameter("trigger", value="joint_state"))
        controller = RrmcNode(context=context, parameter_overrides=rrmc_overrides)
        # The arm simulates (and publishes joint_states) at the control rate: a faster sim adds load, not accuracy.
        sim_overrides = [Parameter("robot", value=robot), Parameter("initial_configuration", value="")]  # its default
        sim_overrides.append(Parameter("rate", value=controller.config.control_rate))
        sim_overrides.append(Parameter("lockstep", value=lockstep))
        sim = SimArmNode(context=context, parameter_overrides=sim_overrides)
        script = script_for_robot(controller.robot.name, duration, np.deg2rad(tilt_deg))
        scripter = TwistScriptNode(
            script, sim.robot.base_frame, sim.robot.tool_frame, context=context, clock_ns=sim.arm_time_ns
        )
        recorder = RecorderNode(sim.robot.joint_names, context=context)
        nodes = [sim, controller, scripter, recorder]
        executor = create_executor(context)
        for node in nodes:
            executor.add_node(node)
        _wait_for_discovery(executor, recorder)
        freeze_startup_heap()
        _spin_for(executor, WARM_UP, None)
        controller.reset_statistics(window_seconds=script.duration + 1.0)
        scripter.start()
        waits, timeouts = sim.lockstep_waits, sim.lockstep_timeouts
        _spin_for(executor, script.duration + 0.2, "demo" if progress else None)
        _spin_until_arm_time(executor, recorder, scripter.start_ns + round((script.duration + 0.2) * 1e9))
        waits, timeouts = sim.lockstep_waits - waits, sim.lockstep_timeouts - timeouts
        loop = controller.loop_statistics.summary()
        state_time = dict(controller.state_statistics.state_time)
        fallback_rate = controller.state_statistics.fallback_rate
        executor.shutdown()
    finally:
        for node in nodes:
            node.destroy_node()
        rclpy.try_shutdown(context=context)
    run = DemoRun(
        sim.robot.name,
        jacobian,
        timing,
        controller.config.control_rate,
        script,
        None,
        loop,
        state_time,
        fallback_rate,
        int(os.environ.get("ROS_DOMAIN_ID", "0")),
        waits,
        timeouts,
    )
    _score(run, recorder, scripter.start_ns, sim.robot)
    return run


def _wait_for_discovery(executor, recorder: RecorderNode, timeout: float = 10.0) -> None:
    """Spin until the loop is closed (joint states and commands flowing); RuntimeError after `timeout` s."""
    end = time.monotonic() + timeout
    while not (recorder.joint_times and recorder.command_times):
        if time.monotonic() > end:
            raise RuntimeError(f"no joint states or commands within {timeout:g} s: DDS discovery failed")
        executor.spin_once(timeout_sec=0.05)


def _spin_until_arm_time(executor, recorder: RecorderNode, end_ns: int, timeout: float = 5.0) -> None:
    """Spin on until the arm's clock (the newest joint-state stamp) reaches `end_ns`: in lockstep it can fall
    behind the host's clock when steps wait. RuntimeError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while recorder.joint_times[-1] < end_ns:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the sim arm's clock did not reach the end of the script within {timeout:g} s")
        executor.spin_once(timeout_sec=0.01)


def _spin_for(executor, seconds: float, label: str | None) -> None:
    """Spin until `seconds` of wall time passed, with a tqdm bar (in tenths of seconds) when labelled."""
    end = time.monotonic() + seconds
    bar = tqdm(total=round(seconds, 1), unit="s", desc=label, disable=label is None, leave=False, mininterval=1.0)
    shown = 0.0
    while (remaining := end - time.monotonic()) > 0:
        executor.spin_once(timeout_sec=min(remaining, 0.05))
        elapsed = round(seconds - max(remaining, 0.0), 1)
        if elapsed > shown:
            bar.update(elapsed - shown)
            shown = elapsed
    bar.close()


def _score(run: DemoRun, recorder: RecorderNode, start_ns: int, robot) -> None:
    """Fill run.tracking and run.plot_data from the recording; times relative to the script start."""
    script = run.script
    times = 1e-9 * (np.array(recorder.joint_times, dtype=np.int64) - start_ns)
    q = np.array(recorder.joint_positions)
    keep = np.r_[True, np.diff(times) > 0]  # drop repeated stamps (none expected; cheap insurance)
    times, q = times[keep], q[keep]
    tracking = score_tracking(robot, script, times, q, settle=SETTLE)
    actual = forward_kinematics(robot, q)[:, :3, 3]
    inside = (times >= 0) & (times <= script.duration)
    start = actual[np.argmax(times >= 0)]
    run.tracking = tracking
    run.plot_data = {
        "actual": actual[inside],
        "commanded": commanded_path(script, times[inside], start),
        "command_times": 1e-9 * (np.array(recorder.command_times, dtype=np.int64) - start_ns),
        "joint_velocity": np.array(recorder.commands),
        "joint_names": robot.joint_names,
    }


def _lockstep_counts(result: dict) -> str:
    return f"{result['lockstep_waits']} / {result['lockstep_timeouts']}" if result["timing"] == "lockstep" else "n/a"


def summary_table(result: dict) -> str:
    """The readable (non-JSON) report."""
    speed, rms, worst = result["commanded_speed"], result["twist_error_rms"], result["twist_error_max"]
    lines = [
        f"robot {result['robot']}, {result['jacobian']} Jacobian, {result['control_rate_hz']:g} Hz, "
        f"{result['timing']} timing, {result['duration_s']:g} s script, ROS_DOMAIN_ID {result['ros_domain_id']}",
        f"  commanded speed              {speed[0]:.4f} m/s, {speed[1]:.4f} rad/s",
        f"  twist error RMS (lin, ang)   {rms[0]:.2e} m/s, {rms[1]:.2e} rad/s",
        f"  twist error max (lin, ang)   {worst[0]:.2e} m/s, {worst[1]:.2e} rad/s",
        *(
            f"    RMS during {phase:<16} {values[0]:.2e} m/s, {values[1]:.2e} rad/s"
            for phase, values in result["twist_error_rms_by_phase"].items()
        ),
        f"  tool drift during rotation   {1e3 * result['rotation_drift_m']:.3f} mm",
        f"  loop rate                    {result['loop_rate_hz']:.1f} Hz "
        f"(period p99 {result['loop_period_p99_ms']:.3f} ms, max {result['loop_period_max_ms']:.1f} ms, "
        f"jitter σ {result['loop_period_jitter_ms']:.3f} ms)",
        f"  compute p99                  {result['compute_p99_us']:.0f} µs",
        f"  fallback Jacobian rate       {result['fallback_rate']:.3f}",
        f"  lockstep waits / timeouts    {_lockstep_counts(result)}",
        "  time per controller state:",
    ]
    lines += [f"    {state:<26} {seconds:8.3f} s" for state, seconds in result["state_time_s"].items()]
    return "\n".join(lines)
