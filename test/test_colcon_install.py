"""The package builds with colcon into the layout a ROS 2 user gets, and also installs with pip.

The source is copied to a temporary workspace (the files git would ship: tracked plus untracked
but not ignored), built there, and the install tree is inspected and run in subprocesses, so
nothing from the source checkout leaks into what is checked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from setup_py_support import console_scripts

from jacobian_rrmc.kinematics import pose_and_jacobian
from jacobian_rrmc.robots import load_robot
from jacobian_rrmc.share import SHARE_DIRS

PACKAGE = "jacobian_rrmc"
COLCON = Path(sys.executable).with_name("colcon")

pytestmark = pytest.mark.skipif(
    not COLCON.is_file(),
    reason=f"colcon is not installed next to {sys.executable} (pip install colcon-core colcon-ros)",
)


def shipped_files(repo_root: Path) -> list[str]:
    """Relative paths of the files a commit of the checkout would contain."""
    if shutil.which("git") is None or not (repo_root / ".git").exists():
        pytest.skip("needs a git checkout to know which files belong to the package")
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo_root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listing.split("\0") if name and (repo_root / name).is_file()]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, repo_root) -> Path:
    """A colcon workspace with a copy of the package in src/ (not yet built)."""
    root = tmp_path_factory.mktemp("colcon_ws")
    source = root / "src" / PACKAGE
    for name in shipped_files(repo_root):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo_root / name, source / name)
    return root


@pytest.fixture(scope="module")
def install(workspace) -> Path:
    """Run `colcon build` in the workspace; returns install/jacobian_rrmc."""
    result = subprocess.run(
        [str(COLCON), "--log-base", "log", "build", "--base-paths", "src", "--build-base", "build"]
        + ["--install-base", "install", "--event-handlers", "console_direct-"],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"colcon build failed:\n{result.stdout}\n{result.stderr}"
    return workspace / "install" / PACKAGE


def installed_env(site_packages: Path, ament_prefix: Path | None) -> dict[str, str]:
    """Environment of a shell that sourced the install (or none): only the install on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AMENT_PREFIX_PATH")}
    env["PYTHONPATH"] = str(site_packages)
    if ament_prefix is not None:
        env["AMENT_PREFIX_PATH"] = str(ament_prefix)
    return env


LOCATE = "import json, jacobian_rrmc, jacobian_rrmc.share as s; from jacobian_rrmc.robots import list_robots; "
LOCATE += "print(json.dumps([jacobian_rrmc.__file__, str(s.share_directory()), list_robots()]))"


def locate(env: dict[str, str], cwd: Path) -> tuple[Path, Path, list[str]]:
    """Where the package and its data resolve to under `env`: (module file, share dir, robots)."""
    result = subprocess.run([sys.executable, "-c", LOCATE], env=env, cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    module, share, robots = json.loads(result.stdout)
    return Path(module), Path(share), robots


def test_ament_index_and_package_xml(install, workspace):
    assert (install / "share/ament_index/resource_index/packages" / PACKAGE).is_file()
    installed_xml = install / "share" / PACKAGE / "package.xml"
    assert installed_xml.read_text() == (workspace / "src" / PACKAGE / "package.xml").read_text()


def test_data_directories_are_installed(install, workspace):
    source, share = workspace / "src" / PACKAGE, install / "share" / PACKAGE
    robots = sorted(p.name for p in (source / "config/robots").glob("*.yaml"))
    assert robots and sorted(p.name for p in (share / "config/robots").glob("*.yaml")) == robots
    for top in SHARE_DIRS:
        files = [p.relative_to(source) for p in (source / top).rglob("*") if p.is_file()]
        if files:  # git does not keep empty directories, so only ones with files are in the copy
            assert (share / top).is_dir(), top
            missing = [str(f) for f in files if not (share / f).is_file()]
            assert not missing, f"not installed under {share}: {missing}"


def test_every_console_script_is_installed_for_ros2_run(install, workspace):
    scripts = console_scripts(workspace / "src" / PACKAGE / "setup.py")
    assert "jacobian-rrmc" in scripts
    executables = install / "lib" / PACKAGE
    for name in scripts:
        assert (executables / name).is_file(), f"{name} missing from {executables}"
        assert os.access(executables / name, os.X_OK), name


def site_packages_of(prefix: Path) -> Path:
    (found,) = prefix.glob("lib/python3*/site-packages")
    return found


def test_installed_code_finds_its_data_through_the_ament_index(install, tmp_path):
    site_packages = site_packages_of(install)
    module, share, robots = locate(installed_env(site_packages, install), tmp_path)
    assert module.is_relative_to(site_packages)
    assert share == install / "share" / PACKAGE
    assert {"puma560", "sixi2", "fanuc_am120ib_10l"} <= set(robots)


def test_installed_executable_runs(install, tmp_path):
    env = installed_env(site_packages_of(install), install)
    command = [str(install / "lib" / PACKAGE / "jacobian-rrmc"), "jacobian", "--robot", "puma560", "--q", "qz"]
    result = subprocess.run([*command, "--json"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    # The installed command answers exactly as the library imported from the source tree.
    robot = load_robot("puma560")
    pose, jacobian = pose_and_jacobian(robot, robot.configuration("qz"))
    answer = json.loads(result.stdout)
    assert answer["pose"] == pose.tolist() and answer["jacobian"] == jacobian.tolist()


def test_pip_install_uses_the_packaged_share_copy(workspace, tmp_path):
    """`pip install` (no ROS): the data comes from the copy setup.py puts inside the package."""
    source = tmp_path / "source"
    shutil.copytree(workspace / "src" / PACKAGE, source)
    target = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(source)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    module, share, robots = locate(installed_env(target, None), tmp_path)
    assert module == target / PACKAGE / "__init__.py"
    assert share == target / PACKAGE / "share"
    assert {"puma560", "sixi2", "fanuc_am120ib_10l"} <= set(robots)
