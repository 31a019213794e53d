"""Shared pytest fixtures: a seeded random generator, the repository root, a ROS context, the PUMA 560 models."""

from pathlib import Path

import numpy as np
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator with a fixed seed, so every test draws the same numbers each run."""
    return np.random.default_rng(20260521)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The source checkout that holds setup.py, config/ and jacobian_rrmc/."""
    return REPO_ROOT


@pytest.fixture(scope="module")
def ros_context():
    """An initialised rclpy Context for one test module, on a random private domain (1..101) with
    localhost-only discovery, so two test runs on one machine never hear each other. Skips without rclpy."""
    pytest.importorskip("rclpy")
    from rclpy.context import Context

    from jacobian_rrmc.ros.environment import isolate_ros_traffic

    isolate_ros_traffic(force=True)  # before init: the middleware reads the variables then
    import rclpy

    context = Context()
    rclpy.init(context=context)
    yield context
    rclpy.shutdown(context=context)


@pytest.fixture(scope="session")
def puma():
    """The catalogue PUMA 560 (a frozen RobotModel with read-only arrays, so one instance is shared)."""
    from jacobian_rrmc.robots import load_robot

    return load_robot("puma560")


@pytest.fixture(scope="module")
def rtb_puma():
    """roboticstoolbox-python's own PUMA 560 (`models.DH.Puma560`), the independent reference."""
    import roboticstoolbox as rtb

    return rtb.models.DH.Puma560()
