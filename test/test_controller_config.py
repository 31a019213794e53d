"""ControllerConfig validation and its single source of truth, config/rrmc.yaml."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from jacobian_rrmc.control import (
    ControllerConfig,
    read_node_parameters,
    split_node_parameters,
)


def test_yaml_defaults_equal_dataclass_defaults(repo_root):
    parameters = read_node_parameters(repo_root / "config" / "rrmc.yaml")
    controller, _ = split_node_parameters(parameters)
    defaults = {f.name: f.default for f in dataclasses.fields(ControllerConfig)}
    assert controller == defaults  # same keys, same values: neither side may drift
    assert ControllerConfig.from_mapping(controller) == ControllerConfig()


def test_yaml_documents_every_declared_parameter(repo_root):
    """config/rrmc.yaml is the single source of defaults: it must list every parameter each node declares."""
    from jacobian_rrmc.ros.parameters import RRMC_NODE_SHELL, SIM_ARM_SPECS, rrmc_node_specs

    document = yaml.safe_load((repo_root / "config" / "rrmc.yaml").read_text())
    node = document["rrmc_node"]["ros__parameters"]
    sim = document["sim_arm"]["ros__parameters"]
    assert set(node) == {spec.name for spec in rrmc_node_specs()}
    assert set(sim) == {spec.name for spec in SIM_ARM_SPECS}
    _, node_only = split_node_parameters(node)
    assert set(node_only) == {spec.name for spec in RRMC_NODE_SHELL}


def test_from_mapping_accepts_ints_for_floats():
    config = ControllerConfig.from_mapping({"control_rate": 250, "drift_correction": False})
    assert config.control_rate == 250.0 and isinstance(config.control_rate, float)
    assert config.period == pytest.approx(0.004)
    assert config.drift_correction is False


@pytest.mark.parametrize(
    ("mapping", "key"),
    [
        ({"control_rat": 500.0}, "control_rat"),  # unknown key (typo)
        ({"robot": "puma560"}, "robot"),  # node-only key is not a controller key
        ({"control_rate": "fast"}, "control_rate"),  # wrong type
        ({"twist_timeout": True}, "twist_timeout"),  # bool is not a number
        ({"drift_correction": 1}, "drift_correction"),  # int is not a bool
        ({"singularity_metric": 3}, "singularity_metric"),
        ({"singularity_metric": "sigma"}, "singularity_metric"),  # not a choice
        ({"control_rate": 0.0}, "control_rate"),  # out of range
        ({"twist_timeout": -0.1}, "twist_timeout"),
        ({"velocity_scale": 1.5}, "velocity_scale"),
        ({"leaving_singularity_scale": -0.1}, "leaving_singularity_scale"),
        ({"damping_max": float("nan")}, "damping_max"),
        ({"joint_limit_margin": float("inf")}, "joint_limit_margin"),
    ],
)
def test_from_mapping_rejects_naming_the_key(mapping, key):
    with pytest.raises(ValueError, match=repr(key)):
        ControllerConfig.from_mapping(mapping)


def test_cross_field_rules():
    with pytest.raises(ValueError, match="hard_stop_singularity_threshold"):
        ControllerConfig(lower_singularity_threshold=50.0, hard_stop_singularity_threshold=20.0)
    with pytest.raises(ValueError, match="manipulability"):
        ControllerConfig(singularity_metric="manipulability")  # κ thresholds are the wrong way round for it
    ControllerConfig(
        singularity_metric="manipulability", lower_singularity_threshold=0.02, hard_stop_singularity_threshold=0.005
    )
    with pytest.raises(ValueError, match="drift_gain"):
        ControllerConfig(control_rate=10.0, drift_gain=20.0)


def test_read_node_parameters_reports_missing_section(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("other: {}\n")
    with pytest.raises(ValueError, match="rrmc_node"):
        read_node_parameters(path)
