"""Node parameters: specs (description, range, default) with defaults read from config/rrmc.yaml.

config/rrmc.yaml is the one source of truth for defaults: a launch file passes it as the ROS params
file, and a node started without one (e.g. `rrmc_node` from a pip install) loads the same file's
``<node>.ros__parameters`` section as its declared defaults. Overrides (``--ros-args -p``, params
files) win as usual. The controller fields come from `ControllerConfig` (its field metadata gives the
description and range); the shell's own parameters are listed here.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from jacobian_rrmc.control.config import ControllerConfig, read_node_parameters
from jacobian_rrmc.jacobians import JACOBIAN_SOURCES
from jacobian_rrmc.jacobians.learned import ON_MODEL_ERROR

RRMC_NODE = "rrmc_node"
SIM_ARM = "sim_arm"


@dataclass(frozen=True)
class ParameterSpec:
    """One ROS parameter: `default` fixes its type; `value_range` (low, high) is inclusive."""

    name: str
    default: Any
    description: str
    value_range: tuple[float, float] | None = None
    choices: tuple[str, ...] | None = None


RRMC_NODE_SHELL = (
    ParameterSpec("robot", "puma560", "robot catalogue name (config/robots) or path to a robot YAML"),
    ParameterSpec("jacobian_source", "analytic", "where the Jacobian comes from", choices=JACOBIAN_SOURCES),
    ParameterSpec("fd_step", 1e-5, "finite-difference step (rad or m)", (1e-9, 1e-2)),
    ParameterSpec("model_path", "", "ONNX JacobianNet for the learned source ('' = the packaged model)"),
    ParameterSpec(
        "confidence_threshold", 0.5, "learned source: below this confidence use finite differences", (0.0, 1.0)
    ),
    ParameterSpec("on_model_error", "fail", "learned source: if the model cannot load", choices=ON_MODEL_ERROR),
    ParameterSpec(
        "secant_correction", True, "learned source: correct the net along the measured motion (Broyden secant)"
    ),
    ParameterSpec(
        "twist_stamped", True, "cmd_twist is geometry_msgs/TwistStamped (false: plain Twist in the base frame)"
    ),
    ParameterSpec(
        "command_type",
        "velocity",
        "output type: Float64MultiArray velocities or a JointTrajectory",
        choices=("velocity", "trajectory"),
    ),
    ParameterSpec(
        "trigger",
        "timer",
        "run a cycle on a timer at control_rate, or on each JointState arrival",
        choices=("timer", "joint_state"),
    ),
    ParameterSpec("diagnostics_rate", 10.0, "rate of /diagnostics messages (Hz)", (0.1, 100.0)),
    ParameterSpec(
        "realtime_priority",
        0,
        "SCHED_FIFO priority of the control thread, 1-99 (needs CAP_SYS_NICE or an rtprio limit); 0 = normal",
        (0, 99),
    ),
)

SIM_ARM_SPECS = (
    ParameterSpec("robot", "puma560", "robot catalogue name (config/robots) or path to a robot YAML"),
    ParameterSpec("rate", 1000.0, "integration and joint_states publishing rate (Hz)", (1.0, 10000.0)),
    ParameterSpec("initial_configuration", "", "named start configuration ('' = qn, else home, else zeros)"),
    ParameterSpec("command_timeout", 0.1, "stop the joints when no command arrived for this long (s)", (1e-3, 10.0)),
    ParameterSpec("noise_std", 0.0, "Gaussian noise on measured positions (rad or m)", (0.0, 0.1)),
    ParameterSpec("latency", 0.0, "delay before a command takes effect (s)", (0.0, 1.0)),
    ParameterSpec("seed", 0, "seed of the measurement noise", (0, 2**31 - 1)),
    ParameterSpec(
        "lockstep", False, "step only once the command answering the last joint_states arrived (exact 1/rate clock)"
    ),
    ParameterSpec(
        "lockstep_timeout", 0.02, "lockstep: step anyway after waiting this long for a command (s)", (1e-3, 1.0)
    ),
)


def controller_specs() -> tuple[ParameterSpec, ...]:
    """One spec per ControllerConfig field, from the dataclass default and its metadata (doc, low, high, choices).

    ROS ranges are closed, so an open lower bound (e.g. a rate > 0) is declared closed here and the
    open end is enforced by ControllerConfig's own validation.
    """
    specs = []
    for field in dataclasses.fields(ControllerConfig):
        metadata = field.metadata
        low, high = metadata.get("low", -math.inf), metadata.get("high", math.inf)
        value_range = (low, high) if math.isfinite(low) or math.isfinite(high) else None
        description = metadata.get("doc", field.name.replace("_", " "))
        specs.append(ParameterSpec(field.name, field.default, description, value_range, metadata.get("choices")))
    return tuple(specs)


def with_yaml_defaults(specs: tuple[ParameterSpec, ...], node_name: str) -> tuple[ParameterSpec, ...]:
    """Specs whose defaults are replaced by config/rrmc.yaml's values, cast to the spec's type.

    A YAML key that no spec declares is an error (a typo would otherwise be silently ignored).
    """
    values = read_node_parameters(node=node_name)
    known = {spec.name for spec in specs}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"config/rrmc.yaml {node_name}: unknown parameter(s) {', '.join(unknown)}")
    result = []
    for spec in specs:
        if spec.name in values:
            kind = type(spec.default)
            value = values[spec.name]
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, kind):
                raise ValueError(f"config/rrmc.yaml {node_name}.{spec.name}: expected {kind.__name__}, got {value!r}")
            spec = dataclasses.replace(spec, default=value)
        result.append(spec)
    return tuple(result)


def rrmc_node_specs() -> tuple[ParameterSpec, ...]:
    """All rrmc_node parameters (controller fields + shell), defaults from config/rrmc.yaml."""
    return with_yaml_defaults(controller_specs() + RRMC_NODE_SHELL, RRMC_NODE)


def sim_arm_specs() -> tuple[ParameterSpec, ...]:
    """All sim_arm parameters, defaults from config/rrmc.yaml."""
    return with_yaml_defaults(SIM_ARM_SPECS, SIM_ARM)


def declare(node, specs: tuple[ParameterSpec, ...]) -> dict[str, Any]:
    """Declare read-only parameters with descriptors on an rclpy node; returns name → value.

    rclpy checks overrides against the ranges and types here and refuses to start on a violation.
    """
    from rcl_interfaces.msg import FloatingPointRange, IntegerRange, ParameterDescriptor

    values = {}
    for spec in specs:
        descriptor = ParameterDescriptor(name=spec.name, description=spec.description, read_only=True)
        if spec.choices:
            descriptor.additional_constraints = "one of: " + ", ".join(spec.choices)
        if spec.value_range is not None and isinstance(spec.default, float):
            descriptor.floating_point_range = [
                FloatingPointRange(from_value=float(spec.value_range[0]), to_value=float(spec.value_range[1]))
            ]
        elif spec.value_range is not None and isinstance(spec.default, int) and not isinstance(spec.default, bool):
            descriptor.integer_range = [
                IntegerRange(from_value=int(spec.value_range[0]), to_value=int(spec.value_range[1]))
            ]
        value = node.declare_parameter(spec.name, spec.default, descriptor).value
        if spec.choices and value not in spec.choices:
            raise ValueError(f"parameter {spec.name}={value!r}: expected one of {', '.join(spec.choices)}")
        values[spec.name] = value
    return values
