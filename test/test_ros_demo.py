"""`jacobian-rrmc demo`: the closed loop over real DDS end to end, and its failure modes."""

import json

import pytest

from jacobian_rrmc.cli.main import main
from jacobian_rrmc.ros import environment


@pytest.mark.ros
def test_demo_json_reports_accurate_tracking_and_writes_the_plot(tmp_path, capsys):
    pytest.importorskip("rclpy")
    plot = tmp_path / "demo.png"
    # The Sixi 2, because its pure rotations move the whole arm (the PUMA's tool point is its wrist centre, so
    # its drift is zero by geometry); 16 s keeps the script inside the Sixi 2's joint-speed limits.
    code = main(["demo", "--robot", "sixi2", "--duration", "16", "--rate", "250", "--json", "--plot", str(plot)])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    linear_speed, angular_speed = result["commanded_speed"]
    assert result["robot"] == "sixi2" and result["jacobian"] == "analytic"
    assert result["twist_error_rms"][0] < 0.05 * linear_speed
    assert result["twist_error_rms"][1] < 0.05 * angular_speed
    assert result["rotation_drift_m"] < 1e-4
    assert result["loop_rate_hz"] > 150.0  # of 250 Hz, on a loaded CI machine
    assert set(result["state_time_s"]) <= {"ok", "idle"} and result["state_time_s"]["ok"] > 3.0
    assert result["fallback_rate"] == 0.0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_without_ros_exits_non_zero_with_an_install_hint(monkeypatch, capsys):
    def missing():
        raise environment.RosUnavailable(environment.ROS_HINT)

    monkeypatch.setattr(environment, "require_ros", missing)
    assert main(["demo", "--duration", "8"]) == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "pip install '.[ros]'" in error


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [(["--duration", "2"], "--duration"), (["--rate", "0"], "--rate"), (["--robot", "nonexistent"], "nonexistent")],
)
def test_demo_bad_arguments_are_usage_errors(argv, fragment, capsys):
    assert main(["demo", *argv]) == 2
    assert fragment in capsys.readouterr().err
