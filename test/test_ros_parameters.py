"""Node parameters: defaults from config/rrmc.yaml, descriptors with ranges, bad values refused."""

import dataclasses

import pytest
import yaml

from jacobian_rrmc.control import ControllerConfig
from jacobian_rrmc.ros import parameters
from jacobian_rrmc.share import share_path


def yaml_section(node_name):
    with open(share_path("config", "rrmc.yaml"), encoding="utf-8") as stream:
        return yaml.safe_load(stream)[node_name]["ros__parameters"]


@pytest.mark.parametrize(
    ("specs", "node_name"),
    [
        (lambda: parameters.controller_specs() + parameters.RRMC_NODE_SHELL, "rrmc_node"),
        (lambda: parameters.SIM_ARM_SPECS, "sim_arm"),
    ],
)
def test_yaml_values_have_the_declared_types(specs, node_name):
    # ROS refuses an override whose type differs from the declared default's, so the YAML must match the
    # code's specs (before the YAML replaces their defaults).
    declared = {spec.name: spec for spec in specs()}
    for key, value in yaml_section(node_name).items():
        default = declared[key].default
        # An integer may stand for a float (ROS coerces it); otherwise the types must be identical.
        assert type(value) is type(default) or (type(default) is float and type(value) is int), key


def test_every_controller_field_is_a_parameter_with_its_documented_range():
    declared = {spec.name: spec for spec in parameters.rrmc_node_specs()}
    for field in dataclasses.fields(ControllerConfig):
        spec = declared[field.name]
        assert spec.description == field.metadata["doc"]
        if "low" in field.metadata:
            assert spec.value_range == (field.metadata["low"], field.metadata["high"])
    assert declared["velocity_scale"].value_range == (0.0, 1.0)
    assert declared["singularity_metric"].choices == ("condition_number", "manipulability")


def test_unknown_yaml_key_and_wrong_type_are_errors(monkeypatch):
    monkeypatch.setattr(parameters, "read_node_parameters", lambda node: {"rate": 100, "bogus": 1})
    with pytest.raises(ValueError, match="unknown parameter.*bogus"):
        parameters.sim_arm_specs()
    monkeypatch.setattr(parameters, "read_node_parameters", lambda node: {"rate": "fast"})
    with pytest.raises(ValueError, match="sim_arm.rate: expected float"):
        parameters.sim_arm_specs()
    monkeypatch.setattr(parameters, "read_node_parameters", lambda node: {"rate": 100})
    assert {s.name: s.default for s in parameters.sim_arm_specs()}["rate"] == 100.0  # int accepted as float


@pytest.mark.ros
def test_node_declares_descriptors_and_refuses_bad_overrides(ros_context):
    pytest.importorskip("rclpy")
    from rclpy.exceptions import InvalidParameterValueException
    from rclpy.parameter import Parameter

    from jacobian_rrmc.ros.rrmc_node import RrmcNode

    node = RrmcNode(context=ros_context)
    try:
        descriptor = node.describe_parameter("velocity_scale")
        assert descriptor.floating_point_range[0].from_value == 0.0
        assert descriptor.floating_point_range[0].to_value == 1.0
        assert descriptor.read_only and "velocity limits" in descriptor.description
        assert "timer" in node.describe_parameter("trigger").additional_constraints
    finally:
        node.destroy_node()
    with pytest.raises(InvalidParameterValueException):
        RrmcNode(context=ros_context, parameter_overrides=[Parameter("velocity_scale", value=1.5)])
    with pytest.raises(ValueError, match="trigger"):
        RrmcNode(context=ros_context, parameter_overrides=[Parameter("trigger", value="sometimes")])
    with pytest.raises(ValueError, match="drift_gain"):
        RrmcNode(context=ros_context, parameter_overrides=[Parameter("drift_gain", value=600.0)])
