"""`jacobian-rrmc jacobian`: JSON output matches the library; bad input is one stderr line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from jacobian_rrmc.cli.main import main
from jacobian_rrmc.kinematics import finite_difference_jacobian, pose_and_jacobian
from jacobian_rrmc.robots import load_robot


def run_json(capsys, *args) -> dict:
    code = main(["jacobian", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and err == "", err
    return json.loads(out)


@pytest.mark.parametrize("method", ["analytic", "fd"])
@pytest.mark.parametrize("frame", ["world", "ee"])
def test_json_matches_the_library(capsys, method, frame):
    q = [0.1, -0.4, 0.3, 1.2, -0.7, 2.0]
    result = run_json(capsys, "--robot", "sixi2", "--q", ",".join(map(str, q)), "--method", method, "--frame", frame)
    assert {"pose", "jacobian", "method", "frame"} <= result.keys()
    assert result["method"] == method and result["frame"] == frame
    robot = load_robot("sixi2")
    if method == "fd":
        pose, jacobian = finite_difference_jacobian(robot, np.array(q), frame=frame)
    else:
        pose, jacobian = pose_and_jacobian(robot, np.array(q), frame)
    assert np.shape(result["pose"]) == (4, 4) and np.shape(result["jacobian"]) == (6, 6)
    # JSON floats round-trip exactly.
    np.testing.assert_array_equal(result["pose"], pose)
    np.testing.assert_array_equal(result["jacobian"], jacobian)


def test_degrees_and_named_poses(capsys):
    robot = load_robot("puma560")
    in_degrees = run_json(capsys, "--robot", "puma560", "--q", "0,45,-180,0,45,0", "--deg")
    named = run_json(capsys, "--robot", "puma560", "--q", "qn")
    np.testing.assert_allclose(in_degrees["q"], robot.configuration("qn"), rtol=0, atol=1e-15)
    np.testing.assert_allclose(in_degrees["jacobian"], named["jacobian"], rtol=0, atol=1e-15)
    np.testing.assert_array_equal(named["jacobian"], pose_and_jacobian(robot, robot.configuration("qn"))[1])


def test_robot_file_path(capsys, repo_root):
    path = repo_root / "config" / "robots" / "fanuc_am120ib_10l.yaml"
    result = run_json(capsys, "--robot", str(path), "--q", "mastering")
    robot = load_robot("fanuc_am120ib_10l")
    np.testing.assert_array_equal(result["pose"], pose_and_jacobian(robot, robot.configuration("mastering"))[0])


def test_text_output_labels_frame_and_units(capsys):
    assert main(["jacobian", "--robot", "puma560", "--q", "qr", "--frame", "ee"]) == 0
    out = capsys.readouterr().out
    assert "Je, end-effector frame" in out and "metres" in out
    assert sum(line.strip().startswith(("vx", "vy", "vz", "wx", "wy", "wz")) for line in out.splitlines()) == 6


BAD_INPUT = {
    "unknown robot": (["--robot", "puma650", "--q", "0,0,0,0,0,0"], "unknown robot 'puma650'"),
    "wrong number of joints": (["--robot", "puma560", "--q", "0,0,0,0,0"], "puma560 has 6 joints, got 5 values"),
    "not a number": (["--robot", "puma560", "--q", "0,0,x,0,0,0"], "'x' is not a number"),
    "not finite": (["--robot", "puma560", "--q", "0,0,nan,0,0,0"], "values must be finite"),
    "unknown method": (["--robot", "puma560", "--q", "qz", "--method", "numeric"], "invalid choice: 'numeric'"),
    "missing --q": (["--robot", "puma560"], "the following arguments are required: --q"),
}


@pytest.mark.parametrize("kind", list(BAD_INPUT))
def test_bad_input_is_one_line_and_exit_2(capsys, kind):
    args, expected = BAD_INPUT[kind]
    assert main(["jacobian", *args, "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("jacobian-rrmc: error: "), err
    assert expected in err


def test_module_entry_point_in_a_subprocess(repo_root, tmp_path):
    """`python -m jacobian_rrmc.cli.main`, as a user would run it from the source tree."""
    env = {**os.environ, "PYTHONPATH": str(repo_root)}
    command = [sys.executable, "-m", "jacobian_rrmc.cli.main", "jacobian", "--robot", "puma560"]
    good = subprocess.run([*command, "--q", "qn", "--json"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    robot = load_robot("puma560")
    np.testing.assert_array_equal(
        json.loads(good.stdout)["jacobian"], pose_and_jacobian(robot, robot.configuration("qn"))[1]
    )
    bad = subprocess.run([*command, "--q", "1,2"], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stdout == "" and bad.stderr.count("\n") == 1 and "has 6 joints, got 2 values" in bad.stderr
