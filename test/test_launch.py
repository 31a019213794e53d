"""launch/rrmc.launch.py, checked without ROS 2's launch packages (they have no PyPI wheels).

Stand-ins for the few launch/launch_ros classes the file uses are put into sys.modules for
these tests only. They keep the real constructors' keyword signatures (so a misspelt keyword
fails) and record what the file builds. The tests then check the description against the
repository: executables are console scripts, files exist, node parameters are keys of
config/rrmc.yaml, argument choices have robot files and URDFs. The OpaqueFunction runs with the
real ament_index_python against a temporary ament prefix that points at this checkout.

Not checked here: that launch resolves the substitutions, starts the processes, or that the
nodes come up; `ros2 launch` has not been run.
"""

import importlib.util
import sys
import types
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from setup_py_support import console_scripts

from jacobian_rrmc.jacobians import JACOBIAN_SOURCES

PACKAGE = "jacobian_rrmc"


class LaunchDescription:
    def __init__(self, initial_entities=None, *, deprecated_reason=None):
        self.entities = list(initial_entities or [])


class DeclareLaunchArgument:
    def __init__(self, name, *, default_value=None, description=None, choices=None, **kwargs):
        # Like the real action: a plain default must be one of the choices.
        if choices is not None and default_value is not None and default_value not in choices:
            raise RuntimeError(f"default {default_value!r} not in choices {choices}")
        self.name, self.default_value, self.description, self.choices = name, default_value, description, choices


class OpaqueFunction:
    def __init__(self, *, function, args=None, kwargs=None, **left_over_kwargs):
        self.function = function


class IfCondition:
    def __init__(self, predicate_expression):
        self.predicate_expression = predicate_expression


class LaunchConfiguration:
    def __init__(self, variable_name, *, default=None):
        self.variable_name = variable_name

    def perform(self, context):
        return context.launch_configurations[self.variable_name]


class PathJoinSubstitution:
    def __init__(self, substitutions):
        self.substitutions = substitutions


class FindPackageShare:
    def __init__(self, package):
        self.package = package


class ParameterValue:
    def __init__(self, value, *, value_type=None):
        self.value, self.value_type = value, value_type


# Keyword arguments launch_ros's Node passes on to launch's ExecuteProcess.
EXECUTE_PROCESS_KEYWORDS = {"output", "condition", "respawn", "respawn_delay", "emulate_tty", "additional_env"}


class Node:
    def __init__(
        self,
        *,
        executable,
        package=None,
        name=None,
        namespace=None,
        exec_name=None,
        parameters=None,
        remappings=None,
        ros_arguments=None,
        arguments=None,
        **kwargs,
    ):
        unknown = set(kwargs) - EXECUTE_PROCESS_KEYWORDS
        assert not unknown, f"Node got unknown keyword(s) {unknown}"
        self.executable, self.package, self.name = executable, package, name
        self.parameters, self.remappings, self.arguments = parameters or [], remappings or [], arguments or []
        self.condition = kwargs.get("condition")


FAKE_MODULES = {
    "launch": {"LaunchDescription": LaunchDescription},
    "launch.actions": {"DeclareLaunchArgument": DeclareLaunchArgument, "OpaqueFunction": OpaqueFunction},
    "launch.conditions": {"IfCondition": IfCondition},
    "launch.substitutions": {"LaunchConfiguration": LaunchConfiguration, "PathJoinSubstitution": PathJoinSubstitution},
    "launch_ros": {},
    "launch_ros.actions": {"Node": Node},
    "launch_ros.parameter_descriptions": {"ParameterValue": ParameterValue},
    "launch_ros.substitutions": {"FindPackageShare": FindPackageShare},
}


@pytest.fixture
def launch_file(monkeypatch, repo_root):
    """The launch file imported as a module, with the stand-ins in place."""
    for module_name, members in FAKE_MODULES.items():
        module = types.ModuleType(module_name)
        module.__dict__.update(members)
        monkeypatch.setitem(sys.modules, module_name, module)
    spec = importlib.util.spec_from_file_location("rrmc_launch", repo_root / "launch" / "rrmc.launch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def description(launch_file):
    result = launch_file.generate_launch_description()
    assert isinstance(result, LaunchDescription)
    return result


@pytest.fixture
def ament_prefix(tmp_path, monkeypatch, repo_root):
    """An ament prefix whose share/jacobian_rrmc is this checkout, as a colcon install would lay out."""
    (tmp_path / "share" / "ament_index" / "resource_index" / "packages").mkdir(parents=True)
    (tmp_path / "share" / "ament_index" / "resource_index" / "packages" / PACKAGE).touch()
    (tmp_path / "share" / PACKAGE).symlink_to(repo_root, target_is_directory=True)
    monkeypatch.setenv("AMENT_PREFIX_PATH", str(tmp_path))
    return tmp_path


def of_type(description, kind):
    return [entity for entity in description.entities if isinstance(entity, kind)]


def arguments(description) -> dict:
    return {argument.name: argument for argument in of_type(description, DeclareLaunchArgument)}


def nodes(description) -> dict:
    return {node.executable: node for node in of_type(description, Node)}


def repo_file(substitution, repo_root: Path) -> Path:
    """Where a PathJoinSubstitution([FindPackageShare(jacobian_rrmc), ...]) points in this checkout."""
    assert isinstance(substitution, PathJoinSubstitution)
    share, *parts = substitution.substitutions
    assert isinstance(share, FindPackageShare) and share.package == PACKAGE
    assert all(isinstance(part, str) for part in parts)
    return repo_root.joinpath(*parts)


def node_parameters(node: Node) -> tuple[Path, dict]:
    """(parameters file, overrides) of a node given [file, {overrides}]."""
    assert len(node.parameters) == 2 and isinstance(node.parameters[1], dict)
    return node.parameters[0], node.parameters[1]


def test_declares_the_four_arguments_with_valid_defaults(description):
    declared = arguments(description)
    assert set(declared) == {"robot", "jacobian", "use_sim", "rviz"}
    assert declared["robot"].default_value == "puma560"
    assert declared["jacobian"].default_value == "analytic"
    assert set(declared["jacobian"].choices) == set(JACOBIAN_SOURCES)
    for flag in ("use_sim", "rviz"):
        assert declared[flag].default_value in ("true", "false")


def test_every_robot_choice_has_a_robot_file_and_a_urdf(description, repo_root):
    choices = arguments(description)["robot"].choices
    assert {"puma560", "sixi2"} <= set(choices)
    for robot in choices:
        assert (repo_root / "config" / "robots" / f"{robot}.yaml").is_file()
        assert (repo_root / "urdf" / f"{robot}.urdf").is_file()


def test_package_executables_are_console_scripts_and_other_packages_are_dependencies(description, repo_root):
    scripts = console_scripts(repo_root / "setup.py")
    exec_depends = {e.text for e in ElementTree.parse(repo_root / "package.xml").getroot().iter("exec_depend")}
    started = of_type(description, Node)
    assert {node.executable for node in started} == {"rrmc_node", "sim_arm", "rviz2"}
    for node in started:
        if node.package == PACKAGE:
            assert node.executable in scripts, f"{node.executable} is not a console script in setup.py"
        else:
            assert node.package in exec_depends, f"package.xml lacks <exec_depend>{node.package}</exec_depend>"
    assert "robot_state_publisher" in exec_depends


def test_node_parameters_are_keys_of_rrmc_yaml(description, repo_root):
    parameters = yaml.safe_load((repo_root / "config" / "rrmc.yaml").read_text())
    for executable in ("rrmc_node", "sim_arm"):
        node = nodes(description)[executable]
        # The params file is matched to its section by node name.
        assert node.name in parameters, f"config/rrmc.yaml has no section {node.name}"
        parameters_file, overrides = node_parameters(node)
        assert repo_file(parameters_file, repo_root) == repo_root / "config" / "rrmc.yaml"
        known = set(parameters[node.name]["ros__parameters"])
        assert set(overrides) <= known, f"{executable}: {set(overrides) - known} not in config/rrmc.yaml"
        assert all(value.value_type is str for value in overrides.values())


def test_sim_arm_start_configuration_exists_for_every_robot_choice(description, repo_root):
    """The YAML's sim_arm start pose is shared by all robots the launch file offers."""
    from jacobian_rrmc.robots import load_robot

    sim = yaml.safe_load((repo_root / "config" / "rrmc.yaml").read_text())["sim_arm"]["ros__parameters"]
    _, overrides = node_parameters(nodes(description)["sim_arm"])
    assert "initial_configuration" not in overrides  # the YAML's value applies to every robot
    for robot in arguments(description)["robot"].choices:
        model = load_robot(robot)
        start = sim["initial_configuration"] or model.default_configuration_name
        assert start in model.configurations, f"sim_arm would start {robot} at unknown pose {start!r}"


def test_overrides_follow_the_launch_arguments(description):
    rrmc_node = nodes(description)["rrmc_node"]
    _, overrides = node_parameters(rrmc_node)
    assert overrides["robot"].value.variable_name == "robot"
    assert overrides["jacobian_source"].value.variable_name == "jacobian"
    _, sim_overrides = node_parameters(nodes(description)["sim_arm"])
    assert sim_overrides["robot"].value.variable_name == "robot"


def test_sim_arm_and_rviz_are_conditional_and_the_controller_is_not(description, repo_root):
    started = nodes(description)
    assert started["rrmc_node"].condition is None
    assert started["sim_arm"].condition.predicate_expression.variable_name == "use_sim"
    assert started["rviz2"].condition.predicate_expression.variable_name == "rviz"
    flag, config = started["rviz2"].arguments
    assert flag == "-d" and repo_file(config, repo_root) == repo_root / "config" / "rrmc.rviz"
    assert (repo_root / "config" / "rrmc.rviz").is_file()


@pytest.mark.parametrize("robot", ["puma560", "sixi2"])
def test_robot_state_publisher_gets_the_chosen_robots_urdf(description, ament_prefix, repo_root, robot):
    (opaque,) = of_type(description, OpaqueFunction)
    context = types.SimpleNamespace(launch_configurations={"robot": robot})
    (publisher,) = opaque.function(context)
    assert (publisher.package, publisher.executable) == ("robot_state_publisher", "robot_state_publisher")
    (parameters,) = publisher.parameters
    robot_description = parameters["robot_description"]
    assert robot_description.value_type is str
    assert robot_description.value == (repo_root / "urdf" / f"{robot}.urdf").read_text()
    assert ElementTree.fromstring(robot_description.value).get("name") == robot


def test_rviz_config_shows_the_robot_model_tf_and_grid(repo_root):
    config = yaml.safe_load((repo_root / "config" / "rrmc.rviz").read_text())
    manager = config["Visualization Manager"]
    assert manager["Global Options"]["Fixed Frame"] == "base_link"
    displays = {display["Class"]: display for display in manager["Displays"]}
    assert set(displays) == {
        "rviz_default_plugins/Grid",
        "rviz_default_plugins/RobotModel",
        "rviz_default_plugins/TF",
    }
    model = displays["rviz_default_plugins/RobotModel"]
    assert model["Description Source"] == "Topic"
    assert model["Description Topic"]["Value"] == "/robot_description"
    # robot_state_publisher publishes the description transient-local (once, latched).
    assert model["Description Topic"]["Durability Policy"] == "Transient Local"
