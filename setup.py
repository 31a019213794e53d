"""ament_python package that also installs with plain pip.

Data files (config/, launch/, urdf/, models/) go to share/jacobian_rrmc for a colcon
install, and are copied into the package as jacobian_rrmc/share for a pip install, so
`jacobian_rrmc.share` finds them either way.
"""

import os
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

PACKAGE = "jacobian_rrmc"
SHARE_DIRS = ("config", "launch", "urdf", "models")  # = jacobian_rrmc.share.SHARE_DIRS (setup.py cannot import it)
HERE = Path(__file__).resolve().parent


def share_files():
    """(destination, [files]) pairs for data_files, one per directory, for ament."""
    entries = [
        ("share/ament_index/resource_index/packages", [f"resource/{PACKAGE}"]),
        (f"share/{PACKAGE}", ["package.xml"]),
    ]
    for top in SHARE_DIRS:
        for directory, _, files in sorted(os.walk(top)):
            paths = [os.path.join(directory, f) for f in sorted(files)]
            if paths:
                entries.append((f"share/{PACKAGE}/{directory}", paths))
    return entries


class BuildPyWithShare(build_py):
    """Also copy the data directories into the built package (pip installs use this copy)."""

    def run(self):
        super().run()
        for top in SHARE_DIRS:
            for directory, _, files in os.walk(HERE / top):
                target = Path(self.build_lib) / PACKAGE / "share" / Path(directory).relative_to(HERE)
                self.mkpath(str(target))
                for name in files:
                    self.copy_file(os.path.join(directory, name), str(target / name), preserve_mode=False)


setup(
    name=PACKAGE,
    version="0.1.0",
    packages=find_packages(exclude=["test", "test.*", "benchmarks"]),
    data_files=share_files(),
    cmdclass={"build_py": BuildPyWithShare},
    python_requires=">=3.10",
    install_requires=[
        "numpy>=1.24",
        "numba>=0.59",
        "pyyaml",
        "matplotlib",
        "tqdm",
        "onnxruntime",
    ],
    extras_require={
        # ROS 2 Kilted from PyPI wheels, for running without a ROS distro. A distro
        # install (colcon) gets these from the distro instead.
        "ros": [
            "ros-rclpy",
            "ros-sensor-msgs",
            "ros-geometry-msgs",
            "ros-std-msgs",
            "ros-trajectory-msgs",
            "ros-diagnostic-msgs",
            "ros-visualization-msgs",
            "ros-rmw-fastrtps-cpp",
        ],
        # Exactly 2.13.0: the CPU build; any looser spec pulls gigabytes of CUDA packages.
        # LightGBM and XGBoost (CPU build) are the paper-table baselines of `jacobian-rrmc benchmark`.
        "train": ["torch==2.13.0", "onnx", "scikit-learn", "lightgbm", "xgboost-cpu"],
        "test": [
            "pytest",
            "pytest-timeout",
            "ruff",
            "roboticstoolbox-python",
            "spatialmath-python",
            "yourdfpy",
            "colcon-core",
            "colcon-ros",
        ],
    },
    zip_safe=False,
    maintainer="jacobian_rrmc developers",
    maintainer_email="dev@jacobian-rrmc.local",
    description="Resolved-rate motion control with analytic, finite-difference and learned Jacobians",
    license="Apache-2.0",
    tests_require=["pytest"],
    entry_points={
        "console_scripts": [
            "jacobian-rrmc = jacobian_rrmc.cli.main:main",
            "rrmc_node = jacobian_rrmc.ros.rrmc_node:main",
            "sim_arm = jacobian_rrmc.ros.sim_arm:main",
        ],
    },
)
