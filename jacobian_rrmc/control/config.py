"""ControllerConfig: every tunable of the resolved-rate controller, validated, with units.

The defaults here equal the ``rrmc_node`` section of config/rrmc.yaml (a test checks it). The
node's parameter set is this config plus the ROS shell's own keys (robot, jacobian_source, …);
`split_node_parameters` separates them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from jacobian_rrmc.share import share_path

SINGULARITY_METRICS = ("condition_number", "manipulability")


def _number(default: float, doc: str, low: float = -math.inf, high: float = math.inf, open_low: bool = False):
    """A float field valid in [low, high] (or (low, high] when open_low)."""
    return field(default=default, metadata={"doc": doc, "low": low, "high": high, "open_low": open_low})


@dataclass(frozen=True)
class ControllerConfig:
    """Resolved-rate controller settings (SI units: s, Hz, m, rad, 1/s).

    Jacobian singular values σ mix m/rad and rad/rad (rows v and ω), so damping and σ thresholds
    share those units; the condition number σ_max/σ_min is dimensionless only for a fixed arm.
    """

    control_rate: float = _number(500.0, "control loop rate, Hz", 0.0, 10000.0, open_low=True)
    twist_timeout: float = _number(0.1, "s without a twist before stopping", 0.0, open_low=True)
    joint_state_timeout: float = _number(0.1, "s without joint states before stopping", 0.0, open_low=True)
    stop_ramp_time: float = _number(0.05, "s to ramp the last velocity to zero on a timeout (0 = stop at once)", 0.0)
    linear_scale: float = _number(1.0, "factor on the incoming linear velocity", 0.0)
    angular_scale: float = _number(1.0, "factor on the incoming angular velocity", 0.0)
    velocity_scale: float = _number(1.0, "fraction of the robot's joint velocity limits used", 0.0, 1.0, open_low=True)
    damping_max: float = _number(0.05, "largest damped-least-squares λ (at σ_min = 0), units of σ", 0.0)
    damping_threshold: float = _number(0.03, "σ_min below which damping starts, units of σ", 0.0, open_low=True)
    singularity_metric: str = field(
        default="condition_number",
        metadata={"doc": "condition_number or manipulability", "choices": SINGULARITY_METRICS},
    )
    lower_singularity_threshold: float = _number(40.0, "metric value where deceleration starts", 0.0, open_low=True)
    hard_stop_singularity_threshold: float = _number(
        100.0, "metric value where motion toward the singularity stops", 0.0, open_low=True
    )
    singularity_approach_gain: float = _number(
        5.0, "1/s; rate limit on approaching the hard threshold (velocity damper gain)", 0.0, open_low=True
    )
    leaving_singularity_scale: float = _number(
        0.5, "velocity scale at the hard threshold for motion leaving the singularity (1 = free)", 0.0, 1.0
    )
    joint_limit_margin: float = _number(0.1, "rad (m) before a position limit where joints slow down", 0.0)
    drift_correction: bool = field(default=True, metadata={"doc": "track an integrated reference pose"})
    drift_gain: float = _number(
        100.0, "1/s, proportional gain on the reference-pose error (keep gain × command latency ≲ 0.5)", 0.0
    )
    drift_max_position_error: float = _number(0.001, "m, reference re-anchored beyond this error", 0.0, open_low=True)
    drift_max_rotation_error: float = _number(0.005, "rad, reference re-anchored beyond this error", 0.0, open_low=True)

    def __post_init__(self) -> None:
        for f in fields(self):
            _check_field(f, getattr(self, f.name))
        _check_singularity_thresholds(self)
        for gain in ("drift_gain", "singularity_approach_gain"):
            if getattr(self, gain) >= self.control_rate:
                raise ValueError(
                    f"{gain} ({getattr(self, gain)} 1/s) must be below control_rate ({self.control_rate} Hz) "
                    "or it overshoots within one cycle"
                )

    @property
    def period(self) -> float:
        """Nominal control period, s."""
        return 1.0 / self.control_rate

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> ControllerConfig:
        """Config from a dict of field values; missing keys keep their defaults.

        Raises ValueError naming the key for an unknown key, a wrong type or a value out of range.
        Integers are accepted for float fields (YAML and ROS write 1 for 1.0); booleans are not.
        """
        known = {f.name: f for f in fields(cls)}
        values = {}
        for key, value in mapping.items():
            if key not in known:
                raise ValueError(f"unknown controller parameter {key!r} (known: {', '.join(known)})")
            values[key] = _coerce(known[key], value)
        return cls(**values)


def _coerce(f, value):
    expected = {"float": float, "bool": bool, "str": str}[f.type]  # annotations are strings (__future__)
    if expected is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"parameter {f.name!r} must be a number, got {type(value).__name__} {value!r}")
        return float(value)
    if not isinstance(value, expected):
        raise ValueError(f"parameter {f.name!r} must be a {expected.__name__}, got {type(value).__name__} {value!r}")
    return value


def _check_field(f, value) -> None:
    meta = f.metadata
    if "choices" in meta:
        if value not in meta["choices"]:
            raise ValueError(f"parameter {f.name!r} must be one of {meta['choices']}, got {value!r}")
        return
    if "low" not in meta:
        return
    low, high = meta["low"], meta["high"]
    below = value <= low if meta["open_low"] else value < low
    if not math.isfinite(value) or below or value > high:
        left = "(" if meta["open_low"] else "["
        raise ValueError(f"parameter {f.name!r} = {value} is out of range {left}{low}, {high}] ({meta['doc']})")


def _check_singularity_thresholds(config: ControllerConfig) -> None:
    lower, hard = config.lower_singularity_threshold, config.hard_stop_singularity_threshold
    if config.singularity_metric == "condition_number" and not hard > lower >= 1.0:
        raise ValueError(
            "condition_number thresholds need hard_stop_singularity_threshold > lower_singularity_threshold >= 1, "
            f"got {hard} and {lower}"
        )
    if config.singularity_metric == "manipulability" and not lower > hard:
        raise ValueError(
            "manipulability thresholds need lower_singularity_threshold > hard_stop_singularity_threshold "
            f"(manipulability falls toward a singularity), got {lower} and {hard}"
        )


def split_node_parameters(parameters: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split the rrmc_node parameters into (ControllerConfig field values, the node's own values)."""
    config_fields = {f.name for f in fields(ControllerConfig)}
    controller = {k: v for k, v in parameters.items() if k in config_fields}
    node = {k: v for k, v in parameters.items() if k not in config_fields}
    return controller, node


def read_node_parameters(path: str | Path | None = None, node: str = "rrmc_node") -> dict[str, Any]:
    """The ``ros__parameters`` of `node` in a ROS parameters file (default: the shipped config/rrmc.yaml)."""
    path = Path(path) if path is not None else share_path("config", "rrmc.yaml")
    with open(path, encoding="utf-8") as stream:
        document = yaml.safe_load(stream)
    try:
        return dict(document[node]["ros__parameters"])
    except (KeyError, TypeError):
        raise ValueError(f"{path}: no {node}: ros__parameters: section") from None
