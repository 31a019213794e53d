"""M3-style datasets: column ranges, class balance, labels against RTB, files, determinism, CLI errors.

References: the distributions of shared/SOURCES.md §1, RTB DHRobot Jacobians (jacob0/jacobe)
built from the feature columns, our forward kinematics at the stored q, and the closed-form
balancing probability p / (p + 0.75 (1 − p)).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import roboticstoolbox as rtb

from jacobian_rrmc.cli.main import main
from jacobian_rrmc.dataset import (
    DH_FEATURE_NAMES,
    DYNA_FEATURE_NAMES,
    POSE_FEATURE_NAMES,
    generate,
    load_npz,
    pose_features,
    poses_from_features,
    random_kinematic_arms,
    random_poses,
    reachability_labels,
    save_npz,
)
from jacobian_rrmc.dataset.files import atomic_path
from jacobian_rrmc.ik import branch_of
from jacobian_rrmc.kinematics import DHParameters, forward_kinematics, manipulability, pose_and_jacobian
from jacobian_rrmc.robots import load_robot

CONSTANT_DH_COLUMNS = [0, 1, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17]  # SOURCES.md: 0, 1, 4–6, 9–17
VARYING_DH_COLUMNS = [2, 3, 7, 8]  # d3, d4, a2, a3
M3_ALPHA = np.array([np.pi / 2, 0, -np.pi / 2, np.pi / 2, -np.pi / 2, 0])  # typed from SOURCES.md §1


def arms_of(features: np.ndarray) -> DHParameters:
    """Per-sample DH parameters read back from the 18 DH feature columns."""
    return DHParameters.from_arrays(
        features[:, 0:6], features[:, 6:12], features[:, 12:18], np.zeros((len(features), 6))
    )


def test_pose_features_round_trip(rng):
    poses, features = random_poses(rng, 5000)
    assert features.shape == (5000, 6)
    assert np.all(np.abs(features[:, :3]) <= 0.4) and np.all((features[:, 3:] >= 0) & (features[:, 3:] < 2 * np.pi))
    assert np.allclose(poses[:, :3, :3] @ np.swapaxes(poses[:, :3, :3], 1, 2), np.eye(3), atol=1e-12)
    # Rx(wx)·Ry(wy)·Rz(wz) convention, checked against one explicit product.
    a, b, c = features[0, 3:]
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    assert np.allclose(poses[0, :3, :3], rx @ ry @ rz, atol=1e-14)
    again = poses_from_features(pose_features(poses))
    assert np.abs(again - poses).max() < 1e-12


def test_conf_columns_ranges_and_class_balance():
    size = 8000
    data = generate("conf", size, seed=3)
    assert data.features.shape == (size, 24) and data.labels.shape == (size, 1)
    assert data.feature_names == list(DH_FEATURE_NAMES) + list(POSE_FEATURE_NAMES)
    dh = data.features[:, :18]
    constants = np.zeros(18)
    constants[12:18] = M3_ALPHA
    assert np.array_equal(dh[:, CONSTANT_DH_COLUMNS], np.broadcast_to(constants[CONSTANT_DH_COLUMNS], (size, 14)))
    varying = dh[:, VARYING_DH_COLUMNS]
    assert varying.min() >= 0 and varying.max() <= 0.5 and varying.std(axis=0).min() > 0.12
    pose = data.features[:, 18:]
    assert np.abs(pose[:, :3]).max() <= 0.4 and pose[:, 3:].min() >= 0 and pose[:, 3:].max() < 2 * np.pi
    assert set(np.unique(data.labels)) == {0.0, 1.0}

    # Positives: FK(q) is the pose and the manipulability there exceeds the cutoff.
    positive = data.labels[:, 0] == 1
    arms = arms_of(data.features[positive])
    pose_at_q, jacobian = pose_and_jacobian(arms, data.q[positive])
    assert np.abs(pose_at_q - poses_from_features(pose[positive])).max() < 1e-9
    assert manipulability(jacobian).min() > 0.03
    assert (data.branch[positive] >= 0).all() and (data.branch[~positive] == -1).all()

    # Balance: with per-arm reachable fraction p, the draw stops positive with probability p / (p + 0.75 (1 - p)).
    rng = np.random.default_rng(4)
    n_arms, n_poses = 400, 300
    arms, _ = random_kinematic_arms(rng, n_arms)
    repeated = DHParameters(*(np.repeat(v, n_poses, axis=0) if v.shape[0] > 1 else v for v in vars(arms).values()))
    reachable = reachability_labels(repeated, random_poses(rng, n_arms * n_poses)[0])[0].reshape(n_arms, n_poses)
    p = reachable.mean(axis=1)
    expected = np.mean(p / (p + 0.75 * (1 - p)))
    observed = positive.mean()
    sigma = np.sqrt(expected * (1 - expected) / size) + 0.005  # + uncertainty of the p estimates
    assert abs(observed - expected) < 4 * sigma, (observed, expected)


@pytest.mark.parametrize("kind,frame", [("jacob0", "world"), ("jacob", "ee")])
def test_jacobian_sets_label_rtb_jacobians_at_reachable_poses(kind, frame):
    data = generate(kind, 3000, seed=5)
    assert data.features.shape == (3000, 96) and data.labels.shape == (3000, 36)
    assert data.feature_names == list(DH_FEATURE_NAMES) + list(DYNA_FEATURE_NAMES) + list(POSE_FEATURE_NAMES)
    assert data.label_names[:3] == ["j11", "j12", "j13"] and data.label_names[-1] == "j66"
    arms = arms_of(data.features)
    pose_at_q = forward_kinematics(arms, data.q)
    assert np.abs(pose_at_q - poses_from_features(data.features[:, 90:])).max() < 1e-9
    jacobian = data.labels.reshape(-1, 6, 6)
    assert manipulability(jacobian).min() > 0.03
    assert np.array_equal(data.branch, branch_of(arms, data.q))
    for i in range(0, 3000, 150):  # 20 samples against RTB
        links = [rtb.RevoluteDH(d=d, a=a, alpha=al) for d, a, al in zip(*(arms_of(data.features[i : i + 1]).d[0],
                 arms_of(data.features[i : i + 1]).a[0], M3_ALPHA), strict=True)]  # fmt: skip
        robot = rtb.DHRobot(links)
        reference = robot.jacob0(data.q[i]) if frame == "world" else robot.jacobe(data.q[i])
        assert np.abs(reference - jacobian[i]).max() < 1e-12


def test_dyna_columns_follow_the_m3_distributions():
    data = generate("conf_dyna", 4000, seed=6)
    assert data.features.shape == (4000, 96)
    dyna = data.features[:, 18:90].reshape(4000, 12, 6)  # quantity-major: m1..m6, rx1..rx6, ...
    bounds = [(0, 10), (-0.05, 0.05), (-0.05, 0.05), (-0.05, 0.05), (0, 1), (0, 1), (0, 1), (0, 0.005), (0, 0.5),
              (-0.5, 0), (-50, 50), (0, 5e-4)]  # fmt: skip
    for k, (low, high) in enumerate(bounds):
        values = dyna[:, k]
        assert values.min() >= low and values.max() <= high, DYNA_FEATURE_NAMES[6 * k]
        assert abs(values.mean() - (low + high) / 2) < 0.05 * (high - low)


def test_fixed_robot_sets():
    puma = load_robot("puma560")
    data = generate("robot_jacob0:puma560", 2000, seed=7)
    assert data.features.shape == (2000, 6)
    assert puma.within_limits(data.q).all()
    pose, jacobian = pose_and_jacobian(puma, data.q)
    assert np.abs(poses_from_features(data.features) - pose).max() < 1e-9
    assert np.array_equal(data.labels.reshape(-1, 6, 6), jacobian)
    assert np.array_equal(data.branch, branch_of(puma, data.q))

    sixi = load_robot("sixi2")
    conf = generate("robot_conf:sixi2", 2000, seed=8)
    positive = conf.labels[:, 0] == 1
    assert 0.05 < positive.mean() < 0.95
    assert sixi.within_limits(conf.q[positive], tolerance=1e-9).all()
    assert (
        np.abs(forward_kinematics(sixi, conf.q[positive]) - poses_from_features(conf.features[positive])).max() < 1e-9
    )


@pytest.mark.parametrize("kind", ["conf", "conf_dyna", "jacob0", "robot_jacob0:sixi2", "robot_conf:puma560"])
def test_empty_sets_have_the_right_columns(kind):
    data = generate(kind, 0, seed=0)
    assert len(data) == 0 and data.features.shape[1] == len(data.feature_names)
    assert data.labels.shape[1] == len(data.label_names) and data.q.shape == (0, 6)


def test_npz_round_trip(tmp_path):
    data = generate("jacob0", 500, seed=9)
    save_npz(data, tmp_path / "d.npz")
    back = load_npz(tmp_path / "d.npz")
    for name in ("features", "labels", "branch", "q"):
        assert np.array_equal(getattr(back, name), getattr(data, name))
    assert back.feature_names == data.feature_names and back.label_names == data.label_names
    assert back.metadata == json.loads(json.dumps(data.metadata))


SMALL = "conf=300/30,conf_dyna=200/20,jacob=200/20,jacob0=200/20,robot_conf=100/10,robot_jacob0=100/10"
PAPER_FILES = [
    f"{prefix}_{part}{variant}_{split}.csv"
    for prefix, variant in (("conf", ""), ("conf", "_dyna"), ("jacob", ""), ("jacob0", ""))
    for part in ("feature", "label")
    for split in ("train", "test")
]


def test_cli_writes_the_paper_files_identically_for_any_worker_count(tmp_path, capsys):
    for name, workers in (("one", "1"), ("two", "2")):
        argv = ["generate", "--out", str(tmp_path / name), "--seed", "1", "--sizes", SMALL, "--workers", workers]
        assert main([*argv, "--robots", "puma560", "--quiet"]) == 0
    one, two = tmp_path / "one", tmp_path / "two"
    assert len(PAPER_FILES) == 16 and all((one / name).is_file() for name in PAPER_FILES)
    data_files = sorted(p.name for p in one.iterdir() if p.name != "metadata.json")
    assert data_files == sorted(p.name for p in two.iterdir() if p.name != "metadata.json")
    assert "robot_puma560_jacob0_train.npz" in data_files
    for name in data_files:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    metadata = json.loads((one / "metadata.json").read_text())
    assert metadata["seed"] == 1 and metadata["command"].startswith("jacobian-rrmc generate --out")
    assert {entry["name"] for entry in metadata["files"]} == set(data_files)
    header = (one / "jacob0_feature_train.csv").read_text().splitlines()[0].split(",")
    assert len(header) == 96 and header[:3] == ["d1", "d2", "d3"] and header[-1] == "wz"
    csv = np.loadtxt(one / "jacob0_label_train.csv", delimiter=",", skiprows=1)
    assert np.allclose(csv, load_npz(one / "jacob0_train.npz").labels, rtol=1e-8, atol=1e-12)
    assert np.loadtxt(one / "conf_label_test.csv", skiprows=1).shape == (30,)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--sizes", "jacob0=-5/10"], "sizes must be >= 0"),
        (["--kinds", "conf,bogus"], "unknown kind 'bogus'"),
        (["--robots", "fanuc_am120ib_10l"], "not a PUMA-family arm"),
        (["--workers", "0"], "--workers must be >= 1"),
        (["--scale", "-1"], "--scale must be"),
        (["--seed", "-3"], "--seed must be >= 0"),
    ],
)
def test_cli_rejects_bad_arguments_before_any_work(tmp_path, capsys, extra, message):
    out = tmp_path / "out"
    assert main(["generate", "--out", str(out), *extra]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_cli_rejects_an_unwritable_directory(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert main(["generate", "--out", str(blocker / "sub"), "--sizes", "conf=10/1", "--kinds", "conf"]) == 2
    assert "cannot write there" in capsys.readouterr().err


def test_interrupted_writes_leave_no_complete_looking_files(tmp_path, monkeypatch):
    target = tmp_path / "x.csv"
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []

    # A run that fails half way keeps no metadata.json, even one from an earlier complete run.
    out = tmp_path / "run"
    argv = ["generate", "--out", str(out), "--sizes", "conf=50/5,jacob0=50/5", "--kinds", "conf,jacob0", "--quiet"]
    assert main(argv) == 0 and (out / "metadata.json").is_file()
    import jacobian_rrmc.cli.generate_command as command

    def failing_save(dataset, path):
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "save_npz", failing_save)
    with pytest.raises(KeyboardInterrupt):
        main(argv)
    assert not (out / "metadata.json").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
