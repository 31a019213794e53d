"""Resolved-rate motion control of one arm: robot_state_publisher, rrmc_node, the simulated arm, RViz.

    ros2 launch jacobian_rrmc rrmc.launch.py robot:=sixi2 jacobian:=finite_difference use_sim:=true rviz:=true

Arguments:
    robot     puma560 | sixi2 (default puma560): the DH model (config/robots/<robot>.yaml) and its
              URDF (urdf/<robot>.urdf), given to every node so they agree on the arm.
    jacobian  analytic | finite_difference | learned (default analytic): rrmc_node's Jacobian source.
    use_sim   true | false (default true): start sim_arm, which integrates the velocity commands and
              publishes /joint_states; set false when a real arm's driver publishes them.
    rviz      true | false (default true): start rviz2 with config/rrmc.rviz.

rrmc_node and sim_arm take their parameters from config/rrmc.yaml (sections rrmc_node and sim_arm,
matched by node name), then the overrides given here. Topics are the nodes' defaults: /joint_states
in, /cmd_twist in, /forward_velocity_controller/commands out, /diagnostics out.
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch.actions import DeclareLaunchArgument, OpaqueFunction
from launch.conditions import IfCondition
from launch.substitutions import LaunchConfiguration, PathJoinSubstitution
from launch_ros.actions import Node
from launch_ros.parameter_descriptions import ParameterValue
from launch_ros.substitutions import FindPackageShare

from launch import LaunchDescription

PACKAGE = "jacobian_rrmc"
ROBOTS = ("puma560", "sixi2")
JACOBIANS = ("analytic", "finite_difference", "learned")


def robot_state_publisher(context):
    """robot_state_publisher with the chosen robot's URDF text as robot_description.

    An OpaqueFunction because the file name depends on the robot argument's value, which is
    only known once launch has resolved the arguments.
    """
    robot = LaunchConfiguration("robot").perform(context)
    urdf_path = os.path.join(get_package_share_directory(PACKAGE), "urdf", f"{robot}.urdf")
    with open(urdf_path, encoding="utf-8") as urdf_file:
        description = urdf_file.read()
    return [
        Node(
            package="robot_state_publisher",
            executable="robot_state_publisher",
            name="robot_state_publisher",
            output="screen",
            # value_type=str keeps launch from parsing the XML text as YAML.
            parameters=[{"robot_description": ParameterValue(description, value_type=str)}],
        )
    ]


def generate_launch_description():
    robot = LaunchConfiguration("robot")
    parameters_file = PathJoinSubstitution([FindPackageShare(PACKAGE), "config", "rrmc.yaml"])
    rviz_config = PathJoinSubstitution([FindPackageShare(PACKAGE), "config", "rrmc.rviz"])
    return LaunchDescription(
        [
            DeclareLaunchArgument(
                "robot", default_value=ROBOTS[0], choices=list(ROBOTS), description="Robot model (DH table and URDF)"
            ),
            DeclareLaunchArgument(
                "jacobian", default_value=JACOBIANS[0], choices=list(JACOBIANS), description="rrmc_node Jacobian source"
            ),
            DeclareLaunchArgument("use_sim", default_value="true", description="Start the simulated arm sim_arm"),
            DeclareLaunchArgument("rviz", default_value="true", description="Start rviz2 with config/rrmc.rviz"),
            OpaqueFunction(function=robot_state_publisher),
            Node(
                package=PACKAGE,
                executable="rrmc_node",
                name="rrmc_node",
                output="screen",
                parameters=[
                    parameters_file,
                    {
                        "robot": ParameterValue(robot, value_type=str),
                        "jacobian_source": ParameterValue(LaunchConfiguration("jacobian"), value_type=str),
                    },
                ],
            ),
            Node(
                package=PACKAGE,
                executable="sim_arm",
                name="sim_arm",
                output="screen",
                parameters=[parameters_file, {"robot": ParameterValue(robot, value_type=str)}],
                condition=IfCondition(LaunchConfiguration("use_sim")),
            ),
            Node(
                package="rviz2",
                executable="rviz2",
                name="rviz2",
                arguments=["-d", rviz_config],
                condition=IfCondition(LaunchConfiguration("rviz")),
            ),
        ]
    )
